package app.shoebox.cli.backup;

import app.shoebox.cli.InProcess;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.backup.Backup;
import app.shoebox.server.backup.BackupManifest;
import app.shoebox.server.storage.StorageMover;
import app.shoebox.server.storage.StorageTemplate;
import app.shoebox.testing.MotionPhotoFiles;
import app.shoebox.testing.TestFolders;
import app.shoebox.testing.TestUploads;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code shoebox backup} and {@code shoebox restore} round trip a library with users, assets
 * through the whole pipeline (metadata, storage-template moves, thumbnails), albums, a trashed
 * asset, a failed job, a paused queue and a concurrency setting; the restored library starts with
 * {@code shoebox serve} and holds all of it, originals byte for byte. A backup taken while assets
 * are deleted, moved and uploaded is consistent with the moment of its snapshot.
 */
class BackupRestoreTest {

    private static final String KEY = "backup-restore-test-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path root;
    private static Path library;
    private static ShoeboxServer server;
    private static String annKey;
    private static final List<String> annAssets = new ArrayList<>();
    private static String albumId;
    private static String trashedId;
    private static boolean withMotionPhoto;

    @BeforeAll
    static void makeALibrary() throws Exception {
        root = TestFolders.create("backup-");
        library = root.resolve("library");
        server = start(library);
        InProcess.Result ann = InProcess.shoebox("users", "create", "--library", library.toString(), "--email", "ann@test.local",
                "--password", "ann's long password");
        assertThat(ann.exit()).as(ann.err()).isZero();
        annKey = ann.out().lines().filter(l -> l.startsWith("API key: ")).findFirst().orElseThrow().split(" ")[2];
        for (int i = 0; i < 6; i++) {
            annAssets.add(upload(server, annKey, "ann-" + i + ".jpg", TestUploads.noiseJpeg(160 + i, 120, i)));
        }
        upload(server, KEY, "admin.jpg", TestUploads.noiseJpeg(200, 150, 99));
        // A Samsung motion photo: its video is taken out into encoded-video/, a file the backup must hold too.
        Optional<byte[]> clip = motionClip();
        withMotionPhoto = clip.isPresent();
        if (clip.isPresent()) {
            annAssets.add(upload(server, annKey, "20240101_120000.jpg",
                    MotionPhotoFiles.samsung(TestUploads.noiseJpeg(120, 90, 77), clip.get(), 0)));
        }
        // a file that claims to be a JPEG and is not: its thumbnail job fails for good
        byte[] broken = new byte[2000];
        new java.util.Random(5).nextBytes(broken);
        broken[0] = (byte) 0xFF;
        broken[1] = (byte) 0xD8;
        broken[2] = (byte) 0xFF;
        upload(server, KEY, "broken.jpg", broken);
        JsonNode album = json(send(server, "POST", "/api/albums", annKey,
                Map.of("albumName", "Holidays", "assetIds", annAssets.subList(0, 3))));
        albumId = album.path("id").asText();
        assertThat(send(server, "PUT", "/api/assets", annKey, Map.of("ids", List.of(annAssets.get(3)), "isFavorite", true))
                .statusCode()).isEqualTo(204);
        trashedId = annAssets.get(4);
        assertThat(send(server, "DELETE", "/api/assets", annKey, Map.of("ids", List.of(trashedId))).statusCode()).isEqualTo(204);
        awaitPipeline(server);
        assertThat(send(server, "PUT", "/api/queues/smartSearch", KEY, Map.of("isPaused", true)).statusCode()).isEqualTo(200);
        assertThat(send(server, "PUT", "/api/queues/thumbnailGeneration/concurrency", KEY, Map.of("concurrency", 3))
                .statusCode()).isEqualTo(200);
    }

    /** ffmpeg's one-second clip; ffmpeg is required under CI, and without it locally there is no motion photo. */
    private static Optional<byte[]> motionClip() {
        try {
            return Optional.of(MotionPhotoFiles.mp4(7));
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("ffmpeg is required in CI (.ci/run installs it)", e);
            }
            return Optional.empty();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRestoredLibraryStartsWithEverythingAndByteIdenticalOriginals() throws Exception {
        awaitPipeline(server);
        Path backup = root.resolve("backup-plain");
        InProcess.Result made = InProcess.shoebox("backup", "--library", library.toString(), "--to", backup.toString());
        assertThat(made.exit()).as(made.out() + made.err()).isZero();
        assertThat(made.out()).contains("backed up").contains("into " + backup);
        assertThat(backup.resolve(BackupManifest.FILE_NAME)).exists();

        Path restored = root.resolve("restored");
        InProcess.Result back = InProcess.shoebox("restore", "--from", backup.toString(), "--library", restored.toString());
        assertThat(back.exit()).as(back.out() + back.err()).isZero();
        assertThat(back.out()).contains("restored the backup").contains("start it with: shoebox serve --library " + restored);

        assertThat(files(restored)).as("every original, sidecar and thumbnail, byte for byte, at the same place")
                .isEqualTo(files(library));
        if (withMotionPhoto) {
            assertThat(files(library).keySet()).as("the motion photo's extracted video is among them")
                    .anyMatch(p -> p.startsWith("encoded-video/") && p.endsWith("-MP.mp4"));
        }
        try (ShoeboxServer again = start(restored)) {
            assertThat(again.firstStart()).as("the admin came back; none is made").isEmpty();
            for (String path : List.of("/api/users/me", "/api/albums", "/api/assets/statistics", "/api/assets/statistics?isTrashed=true")) {
                // the same answers for the same keys: the key hashes came back too
                assertThat(stripVolatile(json(send(again, "GET", path, annKey, null))))
                        .as(path).isEqualTo(stripVolatile(json(send(server, "GET", path, annKey, null))));
            }
            JsonNode album = json(send(again, "GET", "/api/albums/" + albumId, annKey, null));
            assertThat(album.path("assets").size()).isEqualTo(3);
            for (String id : annAssets) {
                assertThat(bytes(again, "/api/assets/" + id + "/original", annKey))
                        .as("original of " + id).isEqualTo(bytes(server, "/api/assets/" + id + "/original", annKey));
                assertThat(json(send(again, "GET", "/api/assets/" + id, annKey, null)).path("exifInfo").path("exifImageWidth").asInt())
                        .as("metadata of " + id).isPositive();
            }
            assertThat(json(send(again, "GET", "/api/assets/" + trashedId, annKey, null)).path("isTrashed").asBoolean()).isTrue();
            assertThat(json(send(again, "GET", "/api/assets/" + annAssets.get(3), annKey, null)).path("isFavorite").asBoolean()).isTrue();
            assertThat(send(again, "POST", "/api/auth/login", null, Map.of("email", "ann@test.local", "password",
                    "ann's long password")).statusCode()).as("her password").isEqualTo(201);

            Map<String, JsonNode> before = queues(server);
            Map<String, JsonNode> after = queues(again);
            assertThat(after.get("smartSearch").path("isPaused").asBoolean()).isTrue();
            assertThat(after.get("thumbnailGeneration").path("concurrency").asInt()).isEqualTo(3);
            for (String q : List.of("metadataExtraction", "thumbnailGeneration", "duplicateDetection", "storageTemplateMigration")) {
                assertThat(after.get(q).path("statistics")).as(q).isEqualTo(before.get(q).path("statistics"));
            }
            assertThat(after.get("thumbnailGeneration").path("statistics").path("failed").asLong())
                    .as("the broken file's failed job, with its error").isEqualTo(1);
            JsonNode failed = json(send(again, "GET", "/api/queues/thumbnailGeneration/jobs?status=failed", KEY, null));
            assertThat(failed.get(0).path("errors").get(0).path("message").asText()).isNotBlank();
        }
    }

    /**
     * Between the snapshot and the copying of files, an asset is deleted for good, another is moved
     * by the storage template, and a new one is uploaded. The backup is the library as it was at the
     * snapshot, less the deleted asset: the moved one comes back whole at its old place, the new one
     * not at all.
     */
    @Test
    void changesWhileFilesAreCopiedLeaveAConsistentBackup() throws Exception {
        String deleted = upload(server, annKey, "to-delete.jpg", TestUploads.noiseJpeg(90, 90, 1001));
        String moved = upload(server, annKey, "to-move.jpg", TestUploads.noiseJpeg(90, 90, 1002));
        awaitPipeline(server);
        byte[] movedBytes = bytes(server, "/api/assets/" + moved + "/original", annKey);
        List<String> later = new ArrayList<>();
        Path backup = root.resolve("backup-busy");
        Backup.Result result = Backup.run(server.database(), library, backup, new Backup.Progress() {
            @Override
            public void snapshotTaken(long rows, int assets) {
                try {
                    assertThat(send(server, "DELETE", "/api/assets", annKey, Map.of("ids", List.of(deleted), "force", true))
                            .statusCode()).isEqualTo(204);
                    var outcome = new StorageMover(server.database().jdbi(), library, StorageTemplate.parse("elsewhere/{filename}"))
                            .move(UUID.fromString(moved));
                    assertThat(outcome).isInstanceOf(StorageMover.Outcome.Moved.class);
                    later.add(upload(server, annKey, "later.jpg", TestUploads.noiseJpeg(90, 90, 1003)));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        awaitPipeline(server);
        assertThat(result.manifest().deletedDuringBackup()).containsExactly(UUID.fromString(deleted));
        assertThat(result.libraryWasWhole()).isTrue();

        Path restored = root.resolve("restored-busy");
        InProcess.Result back = InProcess.shoebox("restore", "--from", backup.toString(), "--library", restored.toString());
        assertThat(back.exit()).as(back.out() + back.err()).isZero();
        try (ShoeboxServer again = start(restored)) {
            assertThat(send(again, "GET", "/api/assets/" + deleted, annKey, null).statusCode()).isIn(400, 404);
            assertThat(send(again, "GET", "/api/assets/" + later.getFirst(), annKey, null).statusCode()).isIn(400, 404);
            assertThat(bytes(again, "/api/assets/" + moved + "/original", annKey)).isEqualTo(movedBytes);
            assertThat(json(send(again, "GET", "/api/assets/" + moved, annKey, null)).path("originalPath").asText())
                    .as("where the snapshot had it").doesNotContain("elsewhere");
        }
        try (var left = Files.walk(restored)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith(deleted)).toList())
                    .as("no file of the deleted asset is left behind").isEmpty();
        }
    }

    /**
     * A library with an external library: the in-place originals stay in the user's own folder, so
     * the backup holds their catalogue rows and thumbnails but not the originals, and the restored
     * server reads them where they are.
     */
    @Test
    void externalLibrariesOriginalsStayWhereTheyAreAndComeBackInPlace() throws Exception {
        Path nas = Files.createDirectories(root.resolve("nas/photos/2024"));
        byte[] photo = TestUploads.noiseJpeg(140, 100, 4242);
        Files.write(nas.resolve("in-place.jpg"), photo);
        String adminId = json(send(server, "GET", "/api/users/me", KEY, null)).path("id").asText();
        JsonNode lib = json(send(server, "POST", "/api/libraries", KEY, Map.of("ownerId", adminId, "name", "NAS",
                "importPaths", List.of(root.resolve("nas/photos").toString()), "exclusionPatterns", List.of())));
        assertThat(send(server, "POST", "/api/libraries/" + lib.path("id").asText() + "/scan", KEY, Map.of()).statusCode())
                .isEqualTo(204);
        String id = null;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); id == null; Thread.sleep(200)) {
            JsonNode found = json(send(server, "POST", "/api/search/metadata", KEY, Map.of("originalFileName", "in-place.jpg")));
            if (found.path("assets").path("items").size() == 1) {
                id = found.path("assets").path("items").get(0).path("id").asText();
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("the scan did not index in-place.jpg: " + found);
            }
        }
        awaitPipeline(server);

        Path backup = root.resolve("backup-external");
        InProcess.Result made = InProcess.shoebox("backup", "--library", library.toString(), "--to", backup.toString());
        assertThat(made.exit()).as(made.out() + made.err()).isZero();
        try (var walk = Files.walk(backup)) {
            assertThat(walk.filter(p -> p.getFileName().toString().equals("in-place.jpg")).toList())
                    .as("the in-place original is not copied into the backup").isEmpty();
        }
        Path restored = root.resolve("restored-external");
        InProcess.Result back = InProcess.shoebox("restore", "--from", backup.toString(), "--library", restored.toString());
        assertThat(back.exit()).as(back.out() + back.err()).isZero();
        assertThat(back.out() + back.err()).doesNotContain("in-place.jpg");
        try (ShoeboxServer again = start(restored)) {
            assertThat(bytes(again, "/api/assets/" + id + "/original", KEY)).isEqualTo(photo);
            assertThat(bytes(again, "/api/assets/" + id + "/thumbnail", KEY)).isEqualTo(bytes(server, "/api/assets/" + id + "/thumbnail", KEY));
        }
        assertThat(Files.readAllBytes(nas.resolve("in-place.jpg"))).as("the user's own file is untouched").isEqualTo(photo);
    }

    @Test
    void mistakesAndDamageAreRefusedPlainly() throws Exception {
        Path backup = root.resolve("backup-for-damage");
        assertThat(InProcess.shoebox("backup", "--library", library.toString(), "--to", backup.toString()).exit()).isZero();

        InProcess.Result notEmpty = InProcess.shoebox("backup", "--library", library.toString(), "--to", backup.toString());
        assertThat(notEmpty.exit()).isNotZero();
        assertThat(notEmpty.err()).contains("is not empty");
        InProcess.Result inside = InProcess.shoebox("backup", "--library", library.toString(), "--to", library.resolve("b").toString());
        assertThat(inside.err()).contains("outside the library");

        InProcess.Result overLibrary = InProcess.shoebox("restore", "--from", backup.toString(), "--library", library.toString());
        assertThat(overLibrary.exit()).isNotZero();
        assertThat(overLibrary.err()).contains("already holds library files").contains("restore into a new folder");

        Path half = Files.createDirectories(root.resolve("half"));
        Files.createDirectories(half.resolve("catalogue"));
        assertThat(InProcess.shoebox("restore", "--from", half.toString(), "--library", root.resolve("r1").toString()).err())
                .contains("no complete Shoebox backup");

        Path newer = copyTree(backup, root.resolve("newer"));
        edit(newer, m -> m.put("catalogueSchemaVersion", "999"));
        InProcess.Result fromNewer = InProcess.shoebox("restore", "--from", newer.toString(), "--library", root.resolve("r2").toString());
        assertThat(fromNewer.err()).contains("made by a newer Shoebox");

        Path escaping = copyTree(backup, root.resolve("escaping"));
        edit(escaping, m -> ((ObjectNode) m.path("tables").get(0)).put("file", "../../../etc/passwd"));
        assertThat(InProcess.shoebox("restore", "--from", escaping.toString(), "--library", root.resolve("r3").toString()).err())
                .contains("outside its catalogue folder");

        Path linked = copyTree(backup, root.resolve("linked"));
        Files.createSymbolicLink(linked.resolve("files").resolve("evil.jpg"), Path.of("/etc/hostname"));
        assertThat(InProcess.shoebox("restore", "--from", linked.toString(), "--library", root.resolve("r4").toString()).err())
                .contains("the backup holds a link");

        Path bitrot = copyTree(backup, root.resolve("bitrot"));
        Path original;
        try (var walk = Files.walk(bitrot.resolve("files").resolve("library"))) {
            original = walk.filter(p -> p.toString().endsWith(".jpg")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(original);
        b[b.length / 2] ^= 0x55;
        Files.write(original, b);
        InProcess.Result rotten = InProcess.shoebox("restore", "--from", bitrot.toString(), "--library", root.resolve("r5").toString());
        assertThat(rotten.exit()).isNotZero();
        assertThat(rotten.err()).contains("does not match its checksum").contains("originals did not come back whole");
    }

    // ---- helpers ----

    private static ShoeboxServer start(Path lib) {
        return ShoeboxServer.start(ServerConfig.defaults(lib).withBind("127.0.0.1", 0).withInProcessJobs(true)
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of("root@test.local"), Optional.of("root's password"),
                        Optional.of(KEY))));
    }

    private static HttpResponse<String> send(ShoeboxServer s, String method, String path, String key, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
        if (key != null) {
            b.header("x-api-key", key);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    private static byte[] bytes(ShoeboxServer s, String path, String key) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .header("x-api-key", key).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String upload(ShoeboxServer s, String key, String name, byte[] content) throws Exception {
        TestUploads.Form form = TestUploads.asset(name, content);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/assets"))
                .header("x-api-key", key).header("content-type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asText();
    }

    private static Map<String, JsonNode> queues(ShoeboxServer s) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode q : json(send(s, "GET", "/api/queues", KEY, null))) {
            out.put(q.path("name").asText(), q);
        }
        return out;
    }

    private static void awaitPipeline(ShoeboxServer s) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            long pending = 0;
            for (JsonNode q : queues(s).values()) {
                JsonNode st = q.path("statistics");
                pending += st.path("waiting").asLong() + st.path("active").asLong() + st.path("delayed").asLong();
            }
            if (pending == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the pipeline did not finish: " + queues(s));
            }
            Thread.sleep(200);
        }
    }

    /** Every file under the library's file folders, by relative path, with its bytes' SHA-256. */
    private static Map<String, String> files(Path lib) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String folder : List.of("upload", "library", "thumbs", "encoded-video")) {
            Path dir = lib.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    out.put(lib.relativize(p).toString(), java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    /** Fields that differ between two servers answering about the same data (none of the data itself). */
    private static JsonNode stripVolatile(JsonNode n) {
        JsonNode copy = n.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove(List.of("lastModifiedAssetTimestamp", "updatedAt"));
            o.properties().forEach(e -> strip(e.getValue()));
        } else if (n.isArray()) {
            n.forEach(BackupRestoreTest::strip);
        }
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static void edit(Path backup, java.util.function.Consumer<ObjectNode> change) throws IOException {
        Path file = backup.resolve(BackupManifest.FILE_NAME);
        ObjectNode m = (ObjectNode) JSON.readTree(file.toFile());
        change.accept(m);
        JSON.writeValue(file.toFile(), m);
    }
}
