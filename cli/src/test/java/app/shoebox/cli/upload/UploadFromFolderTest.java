package app.shoebox.cli.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code shoebox upload from-folder} against a real server: every file arrives exactly once, with
 * the date of the file and in the album of its folder, live photos linked, sidecars with their
 * photos, hidden and unsupported files left out and reported; a second run sends nothing and reads
 * no file; a changed file is the only one read again.
 */
class UploadFromFolderTest {

    private static UploadServer server;

    @BeforeAll
    static void start() throws Exception {
        server = UploadServer.start("upload_folder");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyFileArrivesOnceWithItsDateAndAlbumAndASecondRunReadsNothing() throws Exception {
        Path photos = server.dir("photos");
        Path cache = server.dir("cache");
        Instant beachTime = Instant.parse("2019-07-01T10:00:00Z");
        byte[] beach = TestMedia.jpeg(30_000);
        TestMedia.write(photos.resolve("Trip/beach.jpg"), beach, beachTime);
        TestMedia.write(photos.resolve("Trip/beach-copy.jpg"), beach, beachTime);
        Path dunes = TestMedia.write(photos.resolve("Trip/dunes.jpg"), TestMedia.jpeg(20_000), Instant.parse("2019-07-02T08:30:00Z"));
        TestMedia.write(photos.resolve("Garden/rose.jpg"), TestMedia.jpeg(10_000), Instant.parse("2021-05-05T12:00:00Z"));
        Files.writeString(photos.resolve("Garden/rose.jpg.xmp"), "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
                + "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/></x:xmpmeta>");
        TestMedia.write(photos.resolve("Phone/IMG_0001.HEIC"), TestMedia.heic(8_000), Instant.parse("2022-01-01T00:00:00Z"));
        TestMedia.write(photos.resolve("Phone/IMG_0001.MOV"), TestMedia.mov(12_000), Instant.parse("2022-01-01T00:00:00Z"));
        Files.writeString(photos.resolve("notes.txt"), "not a photo");
        TestMedia.write(photos.resolve(".DS_Store"), new byte[]{1, 2, 3});
        TestMedia.write(photos.resolve(".thumbnails/secret.jpg"), TestMedia.jpeg(100));

        long before = server.assetCount();
        Path first = server.root.resolve("first.json");
        int exit = server.upload("from-folder", "--cache-dir", cache.toString(), "--album-from-folder", "--report", first.toString(),
                photos.toString());

        assertThat(exit).isZero();
        JsonNode r = UploadServer.report(first);
        assertThat(counts(r)).containsExactlyInAnyOrderEntriesOf(Map.of("found", 8L, "uploaded", 5L, "duplicates", 1L,
                "skipped", 2L, "failed", 0L, "unprocessed", 0L));
        assertThat(r.get("skipped").toString()).contains("notes.txt").contains(".txt").contains(".DS_Store").contains("hidden file");
        assertThat(r.get("notes").toString()).as("the hidden folder is named in the report").contains(".thumbnails");
        assertThat(r.get("filesRead").asLong()).as("each new file read once to hash and once to send").isEqualTo(11);

        assertThat(server.assetCount() - before).isEqualTo(5);
        assertThat(server.albums()).contains("Garden:1", "Phone:2", "Trip:2");
        Instant stored = server.db().withHandle(h -> h.createQuery(
                "SELECT file_created_at FROM assets WHERE original_file_name LIKE 'beach%'").mapTo(Instant.class).one());
        assertThat(stored).isEqualTo(beachTime);
        boolean sidecar = server.db().withHandle(h -> h.createQuery(
                "SELECT sidecar_path IS NOT NULL FROM assets WHERE original_file_name = 'rose.jpg'").mapTo(Boolean.class).one());
        assertThat(sidecar).as("the XMP sidecar went up with its photo").isTrue();
        List<String> live = server.db().withHandle(h -> h.createQuery("""
                SELECT s.original_file_name || '->' || v.original_file_name || ':' || v.visibility
                FROM assets s JOIN assets v ON v.id = s.live_photo_video_id""").mapTo(String.class).list());
        assertThat(live).as("the live photo's still points at its hidden motion part").containsExactly("IMG_0001.HEIC->IMG_0001.MOV:hidden");

        Path second = server.root.resolve("second.json");
        assertThat(server.upload("from-folder", "--cache-dir", cache.toString(), "--album-from-folder", "--report",
                second.toString(), photos.toString())).isZero();
        JsonNode again = UploadServer.report(second);
        assertThat(counts(again)).containsEntry("uploaded", 0L).containsEntry("duplicates", 6L).containsEntry("found", 8L);
        assertThat(again.get("filesRead").asLong()).as("no unchanged file is read on a second run").isZero();
        assertThat(server.assetCount() - before).isEqualTo(5);
        assertThat(server.albums()).contains("Garden:1", "Phone:2", "Trip:2");

        TestMedia.write(dunes, TestMedia.jpeg(21_000), Instant.parse("2019-07-02T08:31:00Z"));
        Path third = server.root.resolve("third.json");
        assertThat(server.upload("from-folder", "--cache-dir", cache.toString(), "--album-from-folder", "--report",
                third.toString(), photos.toString())).isZero();
        JsonNode changed = UploadServer.report(third);
        assertThat(changed.get("filesRead").asLong()).as("only the changed file is read: to hash it and to send it").isEqualTo(2);
        assertThat(counts(changed)).containsEntry("uploaded", 1L).containsEntry("duplicates", 5L);
        assertThat(server.albums()).contains("Garden:1", "Phone:2", "Trip:3");
    }

    @Test
    void globsHiddenFilesAndSymlinksDecideWhatIsFoundAndEverythingLeftOutIsSaidWhy() throws Exception {
        Path photos = server.dir("globs");
        Path outside = server.dir("outside");
        TestMedia.write(photos.resolve("2024/keep.jpg"), TestMedia.jpeg(3_000));
        TestMedia.write(photos.resolve("2024/clip.mp4"), TestMedia.mp4(3_000));
        TestMedia.write(photos.resolve("@eaDir/thumb.jpg"), TestMedia.jpeg(3_000));
        TestMedia.write(photos.resolve(".hidden.jpg"), TestMedia.jpeg(3_000));
        Path elsewhere = TestMedia.write(outside.resolve("elsewhere.jpg"), TestMedia.jpeg(3_000));
        Files.createSymbolicLink(photos.resolve("2024/link-out.jpg"), elsewhere);
        Files.createSymbolicLink(photos.resolve("2024/link-in.jpg"), photos.resolve("2024/keep.jpg"));
        Files.createSymbolicLink(photos.resolve("2024/loop"), photos);
        Path report = server.root.resolve("globs.json");
        assertThat(server.upload("from-folder", "--cache-dir", server.dir("globs-cache").toString(), "--include", "*.jpg",
                "--exclude", "@eaDir", "--report", report.toString(), photos.toString())).isZero();
        JsonNode r = UploadServer.report(report);
        assertThat(r.get("skipped").toString()).contains("clip.mp4").contains("not matched by --include")
                .contains(".hidden.jpg").contains("link-out.jpg").contains("--follow-symlinks");
        assertThat(r.get("notes").toString()).contains("@eaDir").contains("--exclude");
        assertThat(r.at("/counts/uploaded").asLong()).as("keep.jpg").isEqualTo(1);
        assertThat(r.at("/counts/duplicates").asLong()).as("the link inside the folder is the same file").isEqualTo(1);

        Path followed = server.root.resolve("follow.json");
        assertThat(server.upload("from-folder", "--cache-dir", server.dir("globs-cache").toString(), "--follow-symlinks",
                "--include-hidden", "--report", followed.toString(), photos.resolve("2024").toString())).isZero();
        JsonNode f = UploadServer.report(followed);
        assertThat(f.at("/counts/uploaded").asLong()).as("elsewhere.jpg, clip.mp4 and, through the loop, the rest").isGreaterThanOrEqualTo(2);
        assertThat(f.get("failed").size()).isZero();
    }

    @Test
    void rawAndJpegPairsAndBurstsAreStackedWhenAsked() throws Exception {
        Path photos = server.dir("stacks");
        TestMedia.write(photos.resolve("DSC_0001.JPG"), TestMedia.jpeg(3_000));
        TestMedia.write(photos.resolve("DSC_0001.DNG"), tiff(3_000));
        TestMedia.write(photos.resolve("IMG_20231014_183246_BURST001.jpg"), TestMedia.jpeg(3_000));
        TestMedia.write(photos.resolve("IMG_20231014_183246_BURST002_COVER.jpg"), TestMedia.jpeg(3_000));
        TestMedia.write(photos.resolve("IMG_20231014_183246_BURST003.jpg"), TestMedia.jpeg(3_000));
        assertThat(server.upload("from-folder", "--cache-dir", server.dir("stacks-cache").toString(), "--stack-raw-jpeg",
                "--stack-bursts", photos.toString())).isZero();
        List<String> stacks = server.db().withHandle(h -> h.createQuery("""
                SELECT p.original_file_name || ':' || count(a.id) FROM stacks s
                JOIN assets p ON p.id = s.primary_asset_id JOIN assets a ON a.stack_id = s.id
                GROUP BY p.original_file_name ORDER BY 1""").mapTo(String.class).list());
        assertThat(stacks).containsExactly("DSC_0001.JPG:2", "IMG_20231014_183246_BURST002_COVER.jpg:3");
    }

    private static byte[] tiff(int size) {
        byte[] b = TestMedia.jpeg(size);
        b[0] = 'I';
        b[1] = 'I';
        b[2] = 0x2A;
        b[3] = 0;
        return b;
    }

    static Map<String, Long> counts(JsonNode report) {
        JsonNode c = report.get("counts");
        return Map.of("found", c.get("found").asLong(), "uploaded", c.get("uploaded").asLong(),
                "duplicates", c.get("duplicates").asLong(), "skipped", c.get("skipped").asLong(),
                "failed", c.get("failed").asLong(), "unprocessed", c.get("unprocessed").asLong());
    }
}
