package app.shoebox.cli.upload;

import app.shoebox.client.api.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --sync-metadata}: for files already on the server, what the source says (Takeout's JSON,
 * albums) is compared with what the server has, and only what differs is sent; what agrees is
 * never touched (the requests are counted at a proxy).
 */
class UploadSyncMetadataTest {

    private static UploadServer server;
    private static ApiClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = UploadServer.start("upload_sync");
        admin = server.client(UploadServer.KEY);
    }

    @AfterAll
    static void stop() {
        admin.close();
        server.close();
    }

    private static String id(String name) {
        return server.db().withHandle(h -> h.createQuery("SELECT id::text FROM assets WHERE original_file_name = :n")
                .bind("n", name).mapTo(String.class).one());
    }

    private static List<String> args(Path cache, Path report, List<Path> parts, String... more) {
        List<String> a = new ArrayList<>(List.of("from-google-photos", "--cache-dir", cache.toString(), "--report", report.toString(),
                "--time-zone", "UTC"));
        a.addAll(List.of(more));
        parts.forEach(p -> a.add(p.toString()));
        return a;
    }

    @Test
    void onlyWhatDiffersFromTheTakeoutIsSentAndWhatAgreesIsNotTouched() throws Exception {
        List<Path> parts = UploadFromTakeoutTest.takeout(server.dir("sync-takeout"));
        Path cache = server.dir("sync-cache");
        assertThat(server.upload(args(cache, server.root.resolve("sync-1.json"), parts).toArray(String[]::new))).isEqualTo(1);

        // Someone edits three assets on the server and takes one out of its album.
        admin.updateAsset(id("IMG_0001.jpg"), Map.of("description", "changed on the server"));
        admin.updateAsset(id("IMG_0002.jpg"), Map.of("dateTimeOriginal", "2001-01-01T00:00:00Z"));
        admin.updateAsset(id("beach.jpg"), Map.of("latitude", 1.0, "longitude", 2.0, "isFavorite", true));
        String album = admin.albums().stream().filter(a -> a.name().equals("Summer Trip 2019")).findFirst().orElseThrow().id();
        admin.http().json("DELETE", "/albums/" + album + "/assets", Map.of("ids", List.of(id("IMG_0001.jpg"))), false);
        assertThat(server.albums()).contains("Summer Trip 2019:1");

        Path report = server.root.resolve("sync-2.json");
        try (FaultProxy proxy = new FaultProxy(server.url())) {
            assertThat(UploadServer.uploadTo(proxy.url(), UploadServer.KEY,
                    args(cache, report, parts, "--sync-metadata").toArray(String[]::new))).isEqualTo(1);
            assertThat(proxy.requests().stream().filter(s -> s.method().equals("PUT") && s.path().startsWith("/api/assets/"))
                    .map(s -> s.path().substring("/api/assets/".length())).sorted().toList())
                    .as("one update per asset that differs, none for the others")
                    .containsExactlyInAnyOrder(id("IMG_0001.jpg"), id("IMG_0002.jpg"), id("beach.jpg"));
            assertThat(proxy.count("PUT", "/api/albums/")).as("one album request").isEqualTo(1);
        }
        JsonNode r = UploadServer.report(report);
        assertThat(r.at("/counts/uploaded").asLong()).isZero();
        assertThat(r.at("/counts/metadataUpdates").asLong()).isEqualTo(3);

        ApiClient.AssetInfo eiffel = admin.asset(id("IMG_0001.jpg"));
        assertThat(eiffel.description()).isEqualTo("Eiffel");
        assertThat(admin.asset(id("IMG_0002.jpg")).dateTimeOriginal()).contains(Instant.parse("2019-06-01T08:00:00Z"));
        ApiClient.AssetInfo beach = admin.asset(id("beach.jpg"));
        assertThat(beach.latitude()).hasValueSatisfying(v -> assertThat(v).isCloseTo(-33.8568, org.assertj.core.data.Offset.offset(1e-6)));
        assertThat(beach.favorite()).as("the sidecar says nothing of beach.jpg's favourite: left as the user set it").isTrue();
        assertThat(server.albums()).contains("Summer Trip 2019:2");

        Path quiet = server.root.resolve("sync-3.json");
        try (FaultProxy proxy = new FaultProxy(server.url())) {
            assertThat(UploadServer.uploadTo(proxy.url(), UploadServer.KEY,
                    args(cache, quiet, parts, "--sync-metadata").toArray(String[]::new))).isEqualTo(1);
            assertThat(proxy.count("PUT", "/api/assets/")).as("everything agrees now: nothing sent").isZero();
            assertThat(proxy.count("PUT", "/api/albums/")).isZero();
        }
    }

    @Test
    void albumsFromFoldersAreAddedToFilesUploadedBeforeWithout() throws Exception {
        Path photos = server.dir("sync-folder");
        TestMedia.write(photos.resolve("Cats/a.jpg"), TestMedia.jpeg(5_000));
        TestMedia.write(photos.resolve("Cats/b.jpg"), TestMedia.jpeg(5_000));
        TestMedia.write(photos.resolve("Dogs/c.jpg"), TestMedia.jpeg(5_000));
        Path cache = server.dir("sync-folder-cache");
        assertThat(server.upload("from-folder", "--cache-dir", cache.toString(), photos.toString())).isZero();
        assertThat(server.albums()).noneMatch(a -> a.startsWith("Cats") || a.startsWith("Dogs"));

        assertThat(server.upload("from-folder", "--cache-dir", cache.toString(), "--album-from-folder", photos.toString()))
                .as("without --sync-metadata, files on the server are left as they are").isZero();
        assertThat(server.albums()).noneMatch(a -> a.startsWith("Cats") || a.startsWith("Dogs"));

        assertThat(server.upload("from-folder", "--cache-dir", cache.toString(), "--album-from-folder", "--sync-metadata",
                photos.toString())).isZero();
        assertThat(server.albums()).contains("Cats:2", "Dogs:1");
    }
}
