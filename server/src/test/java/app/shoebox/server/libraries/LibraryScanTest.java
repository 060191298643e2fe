package app.shoebox.server.libraries;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobSchema;
import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import app.shoebox.testing.MotionPhotoFiles;
import app.shoebox.testing.TestFolders;
import app.shoebox.testing.TestUploads;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * External libraries end to end: a real folder tree scanned by a server that works its own queues
 * (with the default storage template on, which must not touch in-place files), then changed on disk
 * and scanned again.
 */
class LibraryScanTest {

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser alice;
    static TestUser bob;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("library_scan", cfg -> cfg.withInProcessJobs(true));
        catalogue = new TestCatalogue(server);
        alice = catalogue.newUser("alice@example.com");
        bob = catalogue.newUser("bob@example.com");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String xmp(String description) {
        return """
                <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
                <x:xmpmeta xmlns:x="adobe:ns:meta/">
                 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
                   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:description>
                  </rdf:Description>
                 </rdf:RDF>
                </x:xmpmeta>
                <?xpacket end="w"?>""".formatted(description);
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** Every file under a folder with the SHA-256 of its bytes and its modification time. */
    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
                files.put(root.relativize(p).toString(), hash + " " + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return files;
    }

    static JsonNode createLibrary(UUID owner, List<String> paths, List<String> exclusions) {
        HttpResponse<String> r = server.postJson("/api/libraries", ADMIN_KEY,
                Map.of("ownerId", owner.toString(), "name", "Photos " + UUID.randomUUID(), "importPaths", paths,
                        "exclusionPatterns", exclusions));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertValid("POST", "/libraries", r);
        return json(r);
    }

    static void scan(String libraryId) throws InterruptedException {
        HttpResponse<String> r = server.postJson("/api/libraries/" + libraryId + "/scan", ADMIN_KEY, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        awaitIdle();
    }

    static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            long busy = catalogue.count("SELECT count(*) FROM shoebox_jobs.job WHERE state IN ('available', 'running')");
            if (busy == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the job queues did not drain: " + server.get("/api/queues", ADMIN_KEY).body());
    }

    /** The library's assets as their owner reads them through the API, by file name. */
    static Map<String, JsonNode> assetsByName(String libraryId, String ownerKey) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (String id : server.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT id::text FROM assets WHERE library_id = CAST(:l AS uuid)").bind("l", libraryId).mapTo(String.class).list())) {
            HttpResponse<String> r = server.get("/api/assets/" + id, ownerKey);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            out.put(json(r).get("originalFileName").asText(), json(r));
        }
        return out;
    }

    static Map<String, JsonNode> assetsByName(String libraryId) {
        return assetsByName(libraryId, alice.apiKey());
    }

    @Test
    void aScanIndexesSupportedFilesInPlaceWithMetadataThumbnailsAndSidecars() throws Exception {
        Path root = TestFolders.create("photos-");
        Path outside = TestFolders.create("elsewhere-");
        write(root.resolve("2020/summer/beach.jpg"), TestUploads.noiseJpeg(320, 240, 1));
        write(root.resolve("2020/city.jpg"), TestUploads.noiseJpeg(200, 100, 2));
        Files.writeString(root.resolve("2020/city.jpg.xmp"), xmp("Described in the sidecar"));
        write(root.resolve("2020/@eaDir/beach.jpg/SYNOPHOTO_THUMB_XL.jpg"), TestUploads.noiseJpeg(64, 64, 3));
        write(root.resolve("misc/.thumbnails/t.jpg"), TestUploads.noiseJpeg(64, 64, 4));
        write(root.resolve("misc/notes.txt"), "not a photo".getBytes(StandardCharsets.UTF_8));
        write(root.resolve("misc/broken.jpg"), "this is no JPEG at all".getBytes(StandardCharsets.UTF_8));
        write(outside.resolve("private.jpg"), TestUploads.noiseJpeg(64, 64, 5));
        Files.createSymbolicLink(root.resolve("misc/link-out.jpg"), outside.resolve("private.jpg"));
        Files.createSymbolicLink(root.resolve("linked-folder"), outside);
        Map<String, String> before = snapshot(root);

        JsonNode library = createLibrary(alice.id(), List.of(root.toString()), List.of("**/@eaDir/**", "**/.thumbnails/**"));
        String id = library.get("id").asText();
        assertThat(library.get("assetCount").asLong()).isZero();
        assertThat(library.get("refreshedAt").isNull()).isTrue();
        scan(id);

        Map<String, JsonNode> assets = assetsByName(id);
        assertThat(assets).containsOnlyKeys("beach.jpg", "city.jpg", "broken.jpg");
        JsonNode beach = assets.get("beach.jpg");
        assertThat(beach.get("originalPath").asText()).isEqualTo(root.resolve("2020/summer/beach.jpg").toString());
        assertThat(beach.get("ownerId").asText()).isEqualTo(alice.id().toString());
        assertThat(beach.get("libraryId").asText()).as("the asset names its library, as Immich's do").isEqualTo(id);
        assertThat(beach.at("/exifInfo/exifImageWidth").asInt()).isEqualTo(320);
        assertThat(beach.get("isOffline").asBoolean()).isFalse();
        assertThat(assets.get("city.jpg").at("/exifInfo/description").asText()).isEqualTo("Described in the sidecar");
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE library_id = '" + id + "' AND type = 'IMAGE'"
                + " AND original_file_name <> 'broken.jpg' AND thumbnail_path IS NOT NULL AND preview_path IS NOT NULL"
                + " AND phash IS NOT NULL")).as("thumbnails and a perceptual hash for duplicate detection").isEqualTo(2);
        assertThat(catalogue.count("SELECT count(*) FROM asset_processing_errors e JOIN assets a ON a.id = e.asset_id"
                + " WHERE a.library_id = '" + id + "' AND a.original_file_name = 'broken.jpg'"))
                .as("the corrupt file is indexed with its failure on it").isGreaterThan(0);

        HttpResponse<byte[]> original = sendBytes("/api/assets/" + beach.get("id").asText() + "/original");
        assertThat(original.statusCode()).isEqualTo(200);
        assertThat(original.body()).isEqualTo(Files.readAllBytes(root.resolve("2020/summer/beach.jpg")));

        assertThat(snapshot(root)).as("no file under the import path was written, moved or deleted").isEqualTo(before);

        HttpResponse<String> read = server.get("/api/libraries/" + id, ADMIN_KEY);
        assertValid("GET", "/libraries/{id}", read);
        assertThat(json(read).get("assetCount").asLong()).isEqualTo(3);
        assertThat(json(read).get("refreshedAt").isNull()).isFalse();
        HttpResponse<String> stats = server.get("/api/libraries/" + id + "/statistics", ADMIN_KEY);
        assertValid("GET", "/libraries/{id}/statistics", stats);
        assertThat(json(stats).get("photos").asLong()).isEqualTo(3);
        assertThat(json(stats).get("total").asLong()).isEqualTo(3);
        assertThat(json(stats).get("usage").asLong()).isEqualTo(Files.size(root.resolve("2020/summer/beach.jpg"))
                + Files.size(root.resolve("2020/city.jpg")) + Files.size(root.resolve("misc/broken.jpg")));

        // Allowed by the admin, the link that leads out is followed on the next scan.
        HttpResponse<String> allow = server.putJson("/api/libraries/" + id, ADMIN_KEY, Map.of("followOutsideSymlinks", true));
        assertValid("PUT", "/libraries/{id}", allow);
        scan(id);
        assertThat(assetsByName(id)).containsOnlyKeys("beach.jpg", "city.jpg", "broken.jpg", "link-out.jpg", "private.jpg");
    }

    static HttpResponse<byte[]> sendBytes(String path) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(server.request(path, alice.apiKey()).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRescanFindsNewChangedGoneAndReturningFilesAndReadsNothingUnchanged() throws Exception {
        Path root = TestFolders.create("rescan-");
        Path a = write(root.resolve("a/one.jpg"), TestUploads.noiseJpeg(100, 80, 10));
        Path b = write(root.resolve("b/two.jpg"), TestUploads.noiseJpeg(100, 80, 11));
        String id = createLibrary(alice.id(), List.of(root.toString()), List.of()).get("id").asText();
        scan(id);
        Map<String, JsonNode> first = assetsByName(id);
        assertThat(first).containsOnlyKeys("one.jpg", "two.jpg");
        long metadataJobs = catalogue.count("SELECT count(*) FROM shoebox_jobs.job WHERE kind = 'AssetExtractMetadata'");

        scan(id);
        assertThat(catalogue.count("SELECT count(*) FROM shoebox_jobs.job WHERE kind = 'AssetExtractMetadata'"))
                .as("an unchanged tree queues no work on its files").isEqualTo(metadataJobs);

        write(root.resolve("c/three.jpg"), TestUploads.noiseJpeg(60, 40, 12));
        Files.write(a, TestUploads.noiseJpeg(300, 200, 13));
        Files.setLastModifiedTime(a, FileTime.from(Instant.now().plusSeconds(5)));
        Path away = TestFolders.create("away-").resolve("two.jpg");
        Files.move(b, away);
        scan(id);

        Map<String, JsonNode> second = assetsByName(id);
        assertThat(second).containsOnlyKeys("one.jpg", "two.jpg", "three.jpg");
        assertThat(second.get("one.jpg").get("id")).isEqualTo(first.get("one.jpg").get("id"));
        assertThat(second.get("one.jpg").at("/exifInfo/exifImageWidth").asInt()).as("the changed file was read again").isEqualTo(300);
        assertThat(second.get("one.jpg").at("/exifInfo/fileSizeInByte").asLong()).isEqualTo(Files.size(a));
        assertThat(second.get("two.jpg").get("isOffline").asBoolean()).as("a file gone is offline, not deleted").isTrue();
        assertThat(second.get("three.jpg").get("isOffline").asBoolean()).isFalse();
        assertThat(json(server.get("/api/libraries/" + id + "/statistics", ADMIN_KEY)).get("offline").asLong()).isEqualTo(1);

        Files.move(away, b);
        scan(id);
        Map<String, JsonNode> third = assetsByName(id);
        assertThat(third.get("two.jpg").get("isOffline").asBoolean()).as("back when the file is back").isFalse();
        assertThat(third.get("two.jpg").get("id")).isEqualTo(first.get("two.jpg").get("id"));
        assertThat(third).hasSize(3);

        // A folder newly excluded takes its files offline too.
        server.putJson("/api/libraries/" + id, ADMIN_KEY, Map.of("exclusionPatterns", List.of("**/c/**")));
        scan(id);
        assertThat(assetsByName(id).get("three.jpg").get("isOffline").asBoolean()).isTrue();
    }

    @Test
    void aMissingImportPathStopsTheScanWithAClearErrorAndMarksNothingOffline() throws Exception {
        Path share = TestFolders.create("share-");
        write(share.resolve("x/photo.jpg"), TestUploads.noiseJpeg(50, 50, 20));
        String id = createLibrary(alice.id(), List.of(share.toString()), List.of()).get("id").asText();
        scan(id);
        assertThat(assetsByName(id)).containsOnlyKeys("photo.jpg");

        Path unmounted = share.resolveSibling(share.getFileName() + "-unmounted");
        Files.move(share, unmounted);
        try {
            HttpResponse<String> refused = server.postJson("/api/libraries/" + id + "/scan", ADMIN_KEY, "");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(json(refused).get("message").asText()).contains(share.toString()).contains("missing").contains("mounted");

            // A scan already queued (a periodic one, say) stops at its first job, with the reason on it.
            JobClient.create(server.server().database().dataSource(), JobSchema.DEFAULT).insert(LibraryJobs.scanRequest(UUID.fromString(id)));
            awaitIdle();
            String errors = server.server().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT errors::text FROM shoebox_jobs.job WHERE kind = :k AND state = 'discarded' AND args->>'libraryId' = :l")
                    .bind("k", LibraryJobs.WALK).bind("l", id).mapTo(String.class).one());
            assertThat(errors).contains(share.toString()).contains("no file was marked offline");
            // And the offline check, had the share vanished between the walk and it, stops the same way.
            JobClient.create(server.server().database().dataSource(), JobSchema.DEFAULT)
                    .insert(LibraryJobs.syncAssets(UUID.fromString(id), java.util.Optional.empty()));
            awaitIdle();
            assertThat(assetsByName(id).get("photo.jpg").get("isOffline").asBoolean()).isFalse();
        } finally {
            Files.move(unmounted, share);
        }
    }

    @Test
    void importPathsAreAdminOnlyAndMustBeReadableFoldersOutsideTheServersOwn() throws Exception {
        Path root = TestFolders.create("checked-");
        Path file = write(root.resolve("file.jpg"), TestUploads.noiseJpeg(10, 10, 30));
        HttpResponse<String> asUser = server.postJson("/api/libraries", alice.apiKey(),
                Map.of("ownerId", alice.id().toString(), "importPaths", List.of(root.toString())));
        assertThat(asUser.statusCode()).isEqualTo(403);
        assertThat(server.get("/api/libraries", alice.apiKey()).statusCode()).isEqualTo(403);

        for (String bad : List.of("relative/path", root.resolve("missing").toString(), file.toString(),
                server.library().toString(), server.library().resolve("upload").toString(), root + "/../" + root.getFileName())) {
            HttpResponse<String> r = server.postJson("/api/libraries", ADMIN_KEY,
                    Map.of("ownerId", alice.id().toString(), "importPaths", List.of(bad)));
            assertThat(r.statusCode()).as(bad + ": " + r.body()).isEqualTo(400);
            assertThat(json(r).get("message").asText()).contains(bad);
        }
        assertThat(server.postJson("/api/libraries", ADMIN_KEY, Map.of("importPaths", List.of(root.toString()))).statusCode())
                .isEqualTo(400);
        assertThat(server.postJson("/api/libraries", ADMIN_KEY, Map.of("ownerId", alice.id().toString(),
                "exclusionPatterns", List.of("**/[unclosed"))).statusCode()).isEqualTo(400);

        String id = createLibrary(alice.id(), List.of(root.toString()), List.of()).get("id").asText();
        HttpResponse<String> validated = server.postJson("/api/libraries/" + id + "/validate", ADMIN_KEY,
                Map.of("importPaths", List.of(root.toString(), "/no/such/folder")));
        assertValid("POST", "/libraries/{id}/validate", validated);
        JsonNode results = json(validated).get("importPaths");
        assertThat(results.get(0).get("isValid").asBoolean()).isTrue();
        assertThat(results.get(1).get("isValid").asBoolean()).isFalse();
        assertThat(results.get(1).get("message").asText()).contains("does not exist");
        HttpResponse<String> list = server.get("/api/libraries", ADMIN_KEY);
        assertValid("GET", "/libraries", list);
        assertThat(server.get("/api/libraries/" + UUID.randomUUID(), ADMIN_KEY).statusCode()).isEqualTo(400);
    }

    @Test
    void aUserNeverSeesAnotherUsersLibraryOrItsAssets() throws Exception {
        Path root = TestFolders.create("alices-");
        write(root.resolve("mine.jpg"), TestUploads.noiseJpeg(40, 40, 40));
        String id = createLibrary(alice.id(), List.of(root.toString()), List.of()).get("id").asText();
        scan(id);
        String asset = assetsByName(id).get("mine.jpg").get("id").asText();

        assertThat(server.get("/api/libraries/" + id, bob.apiKey()).statusCode()).isEqualTo(403);
        assertThat(server.get("/api/libraries/" + id + "/statistics", bob.apiKey()).statusCode()).isEqualTo(403);
        assertThat(server.postJson("/api/libraries/" + id + "/scan", bob.apiKey(), "").statusCode()).isEqualTo(403);
        assertThat(server.get("/api/assets/" + asset, bob.apiKey()).statusCode()).isEqualTo(400);
        assertThat(server.get("/api/assets/" + asset + "/original", bob.apiKey()).statusCode()).isEqualTo(400);
        HttpResponse<String> search = server.postJson("/api/search/metadata", bob.apiKey(), Map.of());
        assertThat(search.body()).doesNotContain(asset);
        assertThat(server.get("/api/assets/" + asset, alice.apiKey()).statusCode()).isEqualTo(200);
    }

    /**
     * A motion photo indexed in place gets its video taken out into the server's own encoded-video
     * folder (the library's files are never written); a rescan keeps it, and deleting the library
     * deletes it with its file, the in-place originals untouched.
     */
    @Test
    void aMotionPhotoInALibraryGetsItsVideoWhichGoesWithTheLibrary() throws Exception {
        byte[] clip;
        byte[] photo;
        try {
            clip = MotionPhotoFiles.mp4(71);
            photo = MotionPhotoFiles.microVideo(TestUploads.noiseJpeg(64, 48, 70), clip, Integer.toString(clip.length));
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("exiftool and ffmpeg are required in CI (.ci/run installs them)", e);
            }
            org.junit.jupiter.api.Assumptions.abort("exiftool or ffmpeg is not installed: " + e.getMessage());
            return;
        }
        TestUser dora = catalogue.newUser("dora@example.com");
        Path root = TestFolders.create("motion-library-");
        write(root.resolve("MVIMG_1.jpg"), photo);
        Map<String, String> before = snapshot(root);
        String id = createLibrary(dora.id(), List.of(root.toString()), List.of()).get("id").asText();
        scan(id);
        JsonNode still = assetsByName(id, dora.apiKey()).get("MVIMG_1.jpg");
        String motion = still.get("livePhotoVideoId").asText();
        String path = server.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT original_path FROM assets WHERE id = CAST(:id AS uuid)").bind("id", motion).mapTo(String.class).one());
        assertThat(path).startsWith("encoded-video/" + dora.id() + "/");
        assertThat(Files.readAllBytes(server.library().resolve(path))).isEqualTo(clip);

        scan(id);
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE owner_id = '" + dora.id() + "'")).as("a rescan adds nothing").isEqualTo(2);
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE is_offline AND owner_id = '" + dora.id() + "'")).isZero();

        assertThat(catalogue.delete("/api/libraries/" + id, ADMIN_KEY).statusCode()).isEqualTo(204);
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE owner_id = '" + dora.id() + "'")).isZero();
        assertThat(server.library().resolve(path)).doesNotExist();
        assertThat(snapshot(root)).isEqualTo(before);
    }

    @Test
    void inPlaceOriginalsSurviveTheTrashTheirOwnersDeletionAndTheLibrarysDeletion() throws Exception {
        TestUser carol = catalogue.newUser("carol@example.com");
        Path root = TestFolders.create("carols-");
        write(root.resolve("keep/one.jpg"), TestUploads.noiseJpeg(40, 40, 50));
        write(root.resolve("keep/two.jpg"), TestUploads.noiseJpeg(40, 40, 51));
        write(root.resolve("keep/three.jpg"), TestUploads.noiseJpeg(40, 40, 52));
        Map<String, String> before = snapshot(root);
        String id = createLibrary(carol.id(), List.of(root.toString()), List.of()).get("id").asText();
        scan(id);
        Map<String, JsonNode> assets = assetsByName(id, carol.apiKey());
        String one = assets.get("one.jpg").get("id").asText();
        String thumbnail = server.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT thumbnail_path FROM assets WHERE id = CAST(:id AS uuid)").bind("id", one).mapTo(String.class).one());
        assertThat(server.library().resolve(thumbnail)).exists();

        assertThat(server.deleteJson("/api/assets", carol.apiKey(), Map.of("ids", List.of(one), "force", true)).statusCode())
                .isEqualTo(204);
        assertThat(server.library().resolve(thumbnail)).as("the derived thumbnail goes").doesNotExist();
        String two = assets.get("two.jpg").get("id").asText();
        server.deleteJson("/api/assets", carol.apiKey(), Map.of("ids", List.of(two)));
        assertThat(server.postJson("/api/trash/empty", carol.apiKey(), "").statusCode()).isEqualTo(200);
        assertThat(snapshot(root)).as("deleting assets never deletes in-place originals").isEqualTo(before);

        // Deleting the library drops its assets from the catalogue, not the files.
        assertThat(catalogue.delete("/api/libraries/" + id, ADMIN_KEY).statusCode()).isEqualTo(204);
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE owner_id = '" + carol.id() + "'")).isZero();
        assertThat(snapshot(root)).isEqualTo(before);

        String again = createLibrary(carol.id(), List.of(root.toString()), List.of()).get("id").asText();
        scan(again);
        assertThat(assetsByName(again, carol.apiKey())).hasSize(3);
        HttpResponse<String> deleted = server.send(server.request("/api/admin/users/" + carol.id(), ADMIN_KEY)
                .header("content-type", "application/json").method("DELETE", HttpRequest.BodyPublishers.ofString("{\"force\":true}"))
                .build());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE owner_id = '" + carol.id() + "'")).isZero();
        assertThat(snapshot(root)).as("deleting the user never deletes in-place originals").isEqualTo(before);
    }

    @Test
    void aScanWaitsWhileTheLibraryQueueIsPausedAndStartingTheQueueOrItsScheduleScansEveryLibrary() throws Exception {
        Path root = TestFolders.create("paused-");
        write(root.resolve("first.jpg"), TestUploads.noiseJpeg(30, 30, 60));
        String id = createLibrary(alice.id(), List.of(root.toString()), List.of()).get("id").asText();
        assertThat(server.putJson("/api/jobs/library", ADMIN_KEY, Map.of("command", "pause")).statusCode()).isEqualTo(200);
        try {
            assertThat(server.postJson("/api/libraries/" + id + "/scan", ADMIN_KEY, "").statusCode()).isEqualTo(204);
            Thread.sleep(1500);
            assertThat(catalogue.count("SELECT count(*) FROM assets WHERE library_id = '" + id + "'")).isZero();
            JsonNode library = json(server.get("/api/queues/library", ADMIN_KEY));
            assertThat(library.at("/statistics/paused").asLong()).as(library.toString()).isEqualTo(1);
        } finally {
            server.putJson("/api/jobs/library", ADMIN_KEY, Map.of("command", "resume"));
        }
        awaitIdle();
        assertThat(assetsByName(id)).containsOnlyKeys("first.jpg");

        // Immich's "start" of the library queue scans every library.
        write(root.resolve("second.jpg"), TestUploads.noiseJpeg(30, 30, 61));
        assertThat(server.putJson("/api/jobs/library", ADMIN_KEY, Map.of("command", "start")).statusCode()).isEqualTo(200);
        awaitIdle();
        assertThat(assetsByName(id)).containsOnlyKeys("first.jpg", "second.jpg");

        // The periodic scan's job does the same (the engine's leader enqueues it on schedule).
        write(root.resolve("third.jpg"), TestUploads.noiseJpeg(30, 30, 62));
        JobClient.create(server.server().database().dataSource(), JobSchema.DEFAULT).insert(
                app.shoebox.jobs.JobRequest.builder(LibraryJobs.SCAN_ALL).queue(LibraryJobs.QUEUE).args("{}").build());
        awaitIdle();
        assertThat(assetsByName(id)).containsOnlyKeys("first.jpg", "second.jpg", "third.jpg");
    }

    /** Lets the watcher collect and queue changes until {@code files} were queued (10 s at most). */
    static void awaitQueued(LibraryWatcher watcher, int files) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int queued = 0;
        while (queued < files && System.nanoTime() < deadline) {
            queued += watcher.drain(Duration.ofMillis(500));
        }
        assertThat(queued).as("files the watcher queued").isGreaterThanOrEqualTo(files);
    }

    /**
     * The watcher's lock is a session lock: when its connection is lost (a database restart), a
     * second process's watcher takes it, and the first one stops watching instead of both queueing
     * every change.
     */
    @Test
    void aWatcherWhoseLockConnectionIsLostStopsWatchingWhenAnotherTookTheLock() throws Exception {
        Path root = TestFolders.create("watched-twice-");
        String id = createLibrary(alice.id(), List.of(root.toString()), List.of()).get("id").asText();
        scan(id);
        JobClient jobs = JobClient.create(server.server().database().dataSource(), JobSchema.DEFAULT);
        var jdbi = server.server().database().jdbi();
        LibraryWatcher.Config config = new LibraryWatcher.Config(Duration.ofMillis(200), Duration.ofMinutes(1));
        LibraryWatcher.LockConnections own = () -> server.server().database().connectOutsidePool(LibraryWatcher.CONNECTION_NAME);
        try (LibraryWatcher first = new LibraryWatcher(jdbi, jobs, config, own);
             LibraryWatcher second = new LibraryWatcher(jdbi, jobs, config, own)) {
            assertThat(first.refresh()).isTrue();
            assertThat(second.refresh()).as("one watcher at a time").isFalse();
            List<String> holders = jdbi.withHandle(h -> h.createQuery("""
                    SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (:k::bigint & 4294967295)
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())""")
                    .bind("k", LibraryWatcher.LOCK_KEY).mapTo(String.class).list());
            assertThat(holders).as("the lock is held on a connection of its own, not on one the pool lends")
                    .containsExactly(LibraryWatcher.CONNECTION_NAME);
            jdbi.useHandle(h -> assertThat(h.createQuery("""
                    SELECT pg_terminate_backend(pid, 10000) FROM pg_locks
                    WHERE locktype = 'advisory' AND granted AND objid = (:k::bigint & 4294967295)
                      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""")
                    .bind("k", LibraryWatcher.LOCK_KEY).mapTo(Boolean.class).list()).containsExactly(true));

            assertThat(second.refresh()).as("the lock is free once its connection is gone").isTrue();
            assertThat(first.refresh()).as("the first watcher sees it lost its lock").isFalse();

            write(root.resolve("seen-once.jpg"), TestUploads.noiseJpeg(30, 30, 74));
            awaitQueued(second, 1);
            assertThat(first.drain(Duration.ofMillis(1000))).as("files the first watcher still queued").isZero();
            awaitIdle();
            assertThat(assetsByName(id)).containsOnlyKeys("seen-once.jpg");
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        long left;
        while ((left = jdbi.withHandle(h -> h.createQuery("""
                SELECT count(*) FROM pg_stat_activity WHERE application_name = :n AND datname = current_database()""")
                .bind("n", LibraryWatcher.CONNECTION_NAME).mapTo(Long.class).one())) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(left).as("lock connections left once both watchers closed").isZero();
    }

    @Test
    void theWatcherIndexesNewChangedAndDeletedFilesWithoutAScan() throws Exception {
        Path root = TestFolders.create("watched-");
        write(root.resolve("old.jpg"), TestUploads.noiseJpeg(30, 30, 70));
        String id = createLibrary(alice.id(), List.of(root.toString()), List.of()).get("id").asText();
        scan(id);
        JobClient jobs = JobClient.create(server.server().database().dataSource(), JobSchema.DEFAULT);
        try (LibraryWatcher watcher = new LibraryWatcher(server.server().database().jdbi(), jobs,
                new LibraryWatcher.Config(Duration.ofMillis(200), Duration.ofMinutes(1)),
                () -> server.server().database().connectOutsidePool(LibraryWatcher.CONNECTION_NAME))) {
            assertThat(watcher.refresh()).as("the only watcher holds the lock").isTrue();
            write(root.resolve("top.jpg"), TestUploads.noiseJpeg(30, 30, 71));
            write(root.resolve("new-folder/inside.jpg"), TestUploads.noiseJpeg(30, 30, 72));
            awaitQueued(watcher, 2);
            awaitIdle();
            assertThat(assetsByName(id)).containsOnlyKeys("old.jpg", "top.jpg", "inside.jpg");

            Files.write(root.resolve("top.jpg"), TestUploads.noiseJpeg(90, 60, 73));
            awaitQueued(watcher, 1);
            awaitIdle();
            assertThat(assetsByName(id).get("top.jpg").at("/exifInfo/exifImageWidth").asInt()).isEqualTo(90);

            Files.delete(root.resolve("old.jpg"));
            awaitQueued(watcher, 1);
            awaitIdle();
            assertThat(assetsByName(id).get("old.jpg").get("isOffline").asBoolean()).isTrue();
        }
    }
}
