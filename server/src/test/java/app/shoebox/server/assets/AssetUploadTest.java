package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.auth.ApiKeyService;
import app.shoebox.server.auth.Permission;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.shoebox.server.assets.TestFiles.jpeg;
import static app.shoebox.server.assets.TestFiles.libraryFiles;
import static app.shoebox.server.assets.TestFiles.upload;
import static app.shoebox.server.assets.TestFiles.uploadNew;
import static org.assertj.core.api.Assertions.assertThat;

class AssetUploadTest {

    static ServerFixture server;
    static final String KEY = ServerFixture.ADMIN_KEY;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("asset_upload");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] sha1(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-1").digest(b);
    }

    @Test
    void uploadStoresTheBytesUnderTheLibraryAndCataloguesThem() throws Exception {
        byte[] content = jpeg(3 * 1024 * 1024 + 17); // several read buffers, not a multiple of any
        String id = uploadNew(server, KEY, "IMG_0001.JPG", content);

        var asset = server.get("/api/assets/" + id, KEY);
        assertThat(asset.statusCode()).isEqualTo(200);
        JsonNode a = ServerFixture.json(asset);
        assertThat(a.get("checksum").asText()).isEqualTo(Base64.getEncoder().encodeToString(sha1(content)));
        assertThat(a.get("originalFileName").asText()).isEqualTo("IMG_0001.JPG");
        assertThat(a.get("type").asText()).isEqualTo("IMAGE");
        assertThat(a.get("originalMimeType").asText()).isEqualTo("image/jpeg");
        assertThat(a.get("fileCreatedAt").asText()).startsWith("2024-05-01T10:00");
        assertThat(a.get("isTrashed").asBoolean()).isFalse();
        assertThat(a.get("exifInfo").get("fileSizeInByte").asLong()).isEqualTo(content.length);
        for (String required : List.of("checksum", "createdAt", "duration", "fileCreatedAt", "fileModifiedAt", "hasMetadata",
                "height", "id", "isArchived", "isEdited", "isFavorite", "isOffline", "isTrashed", "localDateTime",
                "originalFileName", "originalPath", "ownerId", "thumbhash", "type", "updatedAt", "visibility", "width")) {
            assertThat(a.has(required)).as(required).isTrue();
        }

        Path stored = server.library().resolve(a.get("originalPath").asText()).normalize();
        assertThat(stored).startsWith(server.library().resolve("upload"));
        assertThat(stored.getFileName().toString()).isEqualTo(id + ".jpg");
        assertThat(Files.readAllBytes(stored)).isEqualTo(content);
        assertThat(libraryFiles(server)).noneMatch(f -> f.startsWith("tmp"));
        String ownerAndPath = server.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT owner_id || ' ' || original_path FROM assets WHERE id = CAST(:id AS uuid)").bind("id", id).mapTo(String.class).one());
        assertThat(ownerAndPath).endsWith(a.get("originalPath").asText());
    }

    @Test
    void originalIsByteIdenticalWithTypeNameAndCacheHeaders() throws Exception {
        byte[] content = jpeg(200_000);
        String id = uploadNew(server, KEY, "Ferien Å.jpg", content);
        var r = TestFiles.bytes(server.request("/api/assets/" + id + "/original", KEY).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(content);
        assertThat(r.headers().firstValue("content-type")).hasValue("image/jpeg");
        assertThat(r.headers().firstValue("content-disposition").orElseThrow())
                .contains("filename=\"Ferien _.jpg\"").contains("filename*=UTF-8''Ferien%20%C3%85.jpg");
        assertThat(r.headers().firstValue("cache-control").orElseThrow()).contains("private");
        String etag = r.headers().firstValue("etag").orElseThrow();
        assertThat(etag).isEqualTo("\"" + HexFormat.of().formatHex(sha1(content)) + "\"");

        var notModified = server.send(server.request("/api/assets/" + id + "/original", KEY).header("If-None-Match", etag).GET().build());
        assertThat(notModified.statusCode()).isEqualTo(304);

        var range = TestFiles.bytes(server.request("/api/assets/" + id + "/original", KEY).header("Range", "bytes=100-199").GET().build());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 100, 200));
    }

    @Test
    void thumbnailIsServedOnceGenerated() throws Exception {
        String id = uploadNew(server, KEY, "thumb.jpg", jpeg(1000));
        var r = server.get("/api/assets/" + id + "/thumbnail?size=preview", KEY);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(ServerFixture.json(r).get("message").asText()).contains("thumbnail not generated yet");

        // Once the media pipeline records a path, the same route serves the file.
        byte[] webp = "RIFF....WEBPVP8 fake".getBytes(StandardCharsets.US_ASCII);
        String relative = "thumbs/" + id + "-preview.webp";
        Files.createDirectories(server.library().resolve("thumbs"));
        Files.write(server.library().resolve(relative), webp);
        server.server().database().jdbi().useHandle(h -> h.createUpdate(
                "UPDATE assets SET preview_path = :p WHERE id = CAST(:id AS uuid)").bind("p", relative).bind("id", id).execute());
        var served = TestFiles.bytes(server.request("/api/assets/" + id + "/thumbnail?size=preview", KEY).GET().build());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(webp);
        assertThat(served.headers().firstValue("content-type")).hasValue("image/webp");
        assertThat(server.get("/api/assets/" + id + "/thumbnail", KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void sameBytesAgainIsADuplicateOfTheFirst() {
        byte[] content = jpeg(5000);
        String id = uploadNew(server, KEY, "dup.jpg", content);
        List<String> files = libraryFiles(server);
        long rows = TestFiles.assetRows(server);

        var again = upload(server, KEY, Multipart.asset("other-name.jpg", content));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(ServerFixture.json(again).get("status").asText()).isEqualTo("duplicate");
        assertThat(ServerFixture.json(again).get("id").asText()).isEqualTo(id);
        assertThat(libraryFiles(server)).isEqualTo(files);
        assertThat(TestFiles.assetRows(server)).isEqualTo(rows);
    }

    @Test
    void checksumHeaderAnswersDuplicateWithoutReadingTheBody() throws Exception {
        byte[] content = jpeg(5000);
        String id = uploadNew(server, KEY, "header.jpg", content);
        for (String header : List.of(HexFormat.of().formatHex(sha1(content)), Base64.getEncoder().encodeToString(sha1(content)))) {
            // The body is not even multipart: a server that read it would answer 400.
            var r = server.send(server.request("/api/assets", KEY)
                    .header("content-type", "multipart/form-data; boundary=nothing-here")
                    .header("x-immich-checksum", header)
                    .POST(HttpRequest.BodyPublishers.ofString("this is not a multipart body")).build());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(ServerFixture.json(r).get("status").asText()).isEqualTo("duplicate");
            assertThat(ServerFixture.json(r).get("id").asText()).isEqualTo(id);
        }
        // An unknown checksum in the header: the body is read and stored as usual.
        byte[] fresh = jpeg(4000);
        var created = server.send(server.request("/api/assets", KEY)
                .header("content-type", Multipart.asset("fresh.jpg", fresh).contentType())
                .header("x-immich-checksum", HexFormat.of().formatHex(sha1(fresh)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build());
        assertThat(created.statusCode()).isEqualTo(400); // empty body: not a stored upload
    }

    @Test
    void concurrentUploadsOfTheSameBytesMakeOneAsset() throws Exception {
        byte[] content = jpeg(400_000);
        int clients = 6;
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<HttpResponse<String>>> answers = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < clients; i++) {
                String name = "race-" + i + ".jpg";
                answers.add(pool.submit(() -> {
                    start.await();
                    return upload(server, KEY, Multipart.asset(name, content));
                }));
            }
            start.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var f : answers) {
                HttpResponse<String> r = f.get();
                statuses.add(r.statusCode());
                ids.add(ServerFixture.json(r).get("id").asText());
            }
            assertThat(statuses).containsOnly(200, 201);
            assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
            assertThat(ids).hasSize(1);
            String id = ids.iterator().next();
            assertThat(libraryFiles(server).stream().filter(f -> f.contains(id))).hasSize(1);
            assertThat(libraryFiles(server)).noneMatch(f -> f.startsWith("tmp"));
        }
    }

    @Test
    void sidecarIsStoredBesideTheOriginal() throws Exception {
        byte[] xmp = "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>".getBytes(StandardCharsets.UTF_8);
        var form = Multipart.asset("with-sidecar.jpg", jpeg(3000)).file("sidecarData", "with-sidecar.jpg.xmp", xmp)
                .field("isFavorite", "true").field("visibility", "archive").field("duration", "0:00:01.500000");
        var r = upload(server, KEY, form);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = ServerFixture.json(r).get("id").asText();
        String sidecar = server.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT sidecar_path FROM assets WHERE id = CAST(:id AS uuid)").bind("id", id).mapTo(String.class).one());
        assertThat(sidecar).endsWith(id + ".jpg.xmp");
        assertThat(Files.readAllBytes(server.library().resolve(sidecar))).isEqualTo(xmp);
        JsonNode a = ServerFixture.json(server.get("/api/assets/" + id, KEY));
        assertThat(a.get("isFavorite").asBoolean()).isTrue();
        assertThat(a.get("visibility").asText()).isEqualTo("archive");
        assertThat(a.get("isArchived").asBoolean()).isTrue();
        assertThat(a.get("duration").asInt()).isEqualTo(1500);
    }

    @Test
    void dangerousFileNamesAreStoredSafely() throws Exception {
        var form = Multipart.asset("../../../etc/evil\u202Ename.jpg", jpeg(3000));
        var r = upload(server, KEY, form);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = ServerFixture.json(r).get("id").asText();
        JsonNode a = ServerFixture.json(server.get("/api/assets/" + id, KEY));
        assertThat(a.get("originalFileName").asText()).isEqualTo("evilname.jpg");
        assertThat(server.library().resolve(a.get("originalPath").asText()).normalize()).startsWith(server.library());
        assertThat(Files.exists(server.library().getParent().resolve("etc"))).isFalse();

        // The same through the filename field, with a Windows path.
        var viaField = Multipart.asset("x.jpg", jpeg(3000)).field("filename", "..\\..\\C:\\Users\\me\\p\u0000i\u0007c\u001b[31m.jpg");
        var r2 = upload(server, KEY, viaField);
        assertThat(r2.statusCode()).as(r2.body()).isEqualTo(201);
        JsonNode b = ServerFixture.json(server.get("/api/assets/" + ServerFixture.json(r2).get("id").asText(), KEY));
        assertThat(b.get("originalFileName").asText()).isEqualTo("pic[31m.jpg");
        assertThat(libraryFiles(server)).allMatch(f -> f.startsWith("upload/"));
    }

    @Test
    void videoIsDetectedFromItsBytes() {
        var r = upload(server, KEY, Multipart.asset("clip.mov", TestFiles.mp4(10_000)));
        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode a = ServerFixture.json(server.get("/api/assets/" + ServerFixture.json(r).get("id").asText(), KEY));
        assertThat(a.get("type").asText()).isEqualTo("VIDEO");
        assertThat(a.get("originalMimeType").asText()).isEqualTo("video/quicktime");
    }

    @Test
    void aPictureUnderAVideoNameIsStoredAsWhatItsBytesAre() {
        byte[] png = new byte[4000];
        new java.util.Random(7).nextBytes(png);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 0, png, 0, 8);
        var r = upload(server, KEY, Multipart.asset("still.mp4", png));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode a = ServerFixture.json(server.get("/api/assets/" + ServerFixture.json(r).get("id").asText(), KEY));
        assertThat(a.get("type").asText()).isEqualTo("IMAGE");
        assertThat(a.get("originalMimeType").asText()).isEqualTo("image/png");
        assertThat(a.get("originalFileName").asText()).isEqualTo("still.mp4");
        assertThat(libraryFiles(server)).anyMatch(f -> f.endsWith(ServerFixture.json(r).get("id").asText() + ".png"));
    }

    @Test
    void aTextFieldNamedLikeTheFilePartIsLeftForTheFile() {
        // Clients built on Immich's SDK may send an assetData text field as well as the file part.
        var before = new Multipart().field("assetData", "[object Blob]")
                .field("fileCreatedAt", "2024-05-01T10:00:00.000Z").field("fileModifiedAt", "2024-05-01T10:00:00.000Z")
                .field("deviceAssetId", "sdk-1").field("deviceId", "sdk").file("assetData", "sdk.jpg", jpeg(2500));
        var r = upload(server, KEY, before);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(ServerFixture.json(server.get("/api/assets/" + ServerFixture.json(r).get("id").asText(), KEY))
                .get("originalFileName").asText()).isEqualTo("sdk.jpg");
        var after = new Multipart().field("fileCreatedAt", "2024-05-01T10:00:00.000Z").field("fileModifiedAt", "2024-05-01T10:00:00.000Z")
                .field("deviceAssetId", "sdk-2").field("deviceId", "sdk").file("assetData", "sdk2.jpg", jpeg(2600))
                .field("assetData", "[object Blob]");
        var r2 = upload(server, KEY, after);
        assertThat(r2.statusCode()).as(r2.body()).isEqualTo(201);
        // Two real files under one name are still refused: which one was meant is unknowable.
        var two = new Multipart().field("fileCreatedAt", "2024-05-01T10:00:00.000Z").field("fileModifiedAt", "2024-05-01T10:00:00.000Z")
                .field("deviceAssetId", "sdk-3").field("deviceId", "sdk").file("assetData", "a.jpg", jpeg(2700))
                .file("assetData", "b.jpg", jpeg(2800));
        assertThat(upload(server, KEY, two).statusCode()).isEqualTo(400);
    }

    @Test
    void livePhotoStillLinksItsVideoAndHidesIt() {
        String video = uploadNew(server, KEY, "live.mov", TestFiles.mp4(5000));
        var still = upload(server, KEY, Multipart.asset("live.heic.jpg", jpeg(5000)).field("livePhotoVideoId", video));
        assertThat(still.statusCode()).as(still.body()).isEqualTo(201);
        JsonNode image = ServerFixture.json(server.get("/api/assets/" + ServerFixture.json(still).get("id").asText(), KEY));
        assertThat(image.get("livePhotoVideoId").asText()).isEqualTo(video);
        assertThat(ServerFixture.json(server.get("/api/assets/" + video, KEY)).get("visibility").asText()).isEqualTo("hidden");

        List<String> files = libraryFiles(server);
        long rows = TestFiles.assetRows(server);
        var unknown = upload(server, KEY, Multipart.asset("orphan.jpg", jpeg(5001)).field("livePhotoVideoId", UUID.randomUUID().toString()));
        assertRefused(unknown, 400, "livePhotoVideoId", files, rows);
    }

    // --- bad input: a clear 400, no file and no row left behind ---

    void assertRefused(HttpResponse<String> r, int status, String messagePart, List<String> filesBefore, long rowsBefore) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        JsonNode body = ServerFixture.json(r);
        assertThat(body.has("statusCode")).isFalse();
        assertThat(body.get("message").asText()).contains(messagePart);
        assertThat(r.body()).doesNotContain("at app.shoebox");
        assertThat(libraryFiles(server)).isEqualTo(filesBefore);
        assertThat(TestFiles.assetRows(server)).isEqualTo(rowsBefore);
    }

    @Test
    void badUploadsAreRefusedAndLeaveNothingBehind() {
        List<String> files = libraryFiles(server);
        long rows = TestFiles.assetRows(server);

        assertRefused(upload(server, KEY, Multipart.asset("empty.jpg", new byte[0])), 400, "empty.jpg is empty", files, rows);
        assertRefused(upload(server, KEY, Multipart.asset("notes.jpg", "just some text, not a picture".getBytes(StandardCharsets.UTF_8))),
                400, "notes.jpg is named like an image", files, rows);
        assertRefused(upload(server, KEY, Multipart.asset("archive.zip", "PK, or so it says".getBytes(StandardCharsets.UTF_8))),
                400, "unsupported file type", files, rows);

        var noCreated = new Multipart().field("fileModifiedAt", "2024-05-01T10:00:00.000Z").file("assetData", "a.jpg", jpeg(2000));
        assertRefused(upload(server, KEY, noCreated), 400, "fileCreatedAt", files, rows);
        var badDate = new Multipart().field("fileCreatedAt", "yesterday").field("fileModifiedAt", "2024-05-01T10:00:00.000Z")
                .file("assetData", "a.jpg", jpeg(2000));
        assertRefused(upload(server, KEY, badDate), 400, "fileCreatedAt must be an ISO-8601", files, rows);
        var noFile = new Multipart().field("fileCreatedAt", "2024-05-01T10:00:00.000Z").field("fileModifiedAt", "2024-05-01T10:00:00.000Z");
        assertRefused(upload(server, KEY, noFile), 400, "assetData", files, rows);

        var notMultipart = server.send(server.request("/api/assets", KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertRefused(notMultipart, 400, "multipart/form-data", files, rows);
    }

    @Test
    void multipartCutOffMidFileIsRefused() {
        List<String> files = libraryFiles(server);
        long rows = TestFiles.assetRows(server);
        Multipart form = Multipart.asset("cut.jpg", jpeg(300_000));
        var r = server.send(server.request("/api/assets", KEY).header("content-type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.truncated(100_000))).build());
        assertRefused(r, 400, "cut off", files, rows);
    }

    @Test
    void connectionClosedMidBodyIsRefused() throws Exception {
        List<String> files = libraryFiles(server);
        long rows = TestFiles.assetRows(server);
        Multipart form = Multipart.asset("dropped.jpg", jpeg(300_000));
        byte[] body = form.body();
        String response;
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + KEY + "\r\nContent-Type: "
                    + form.contentType() + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            socket.shutdownOutput();
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        // Whether the server still gets to answer depends on the connection; what matters is what it leaves.
        if (!response.isEmpty()) {
            assertThat(response).startsWith("HTTP/1.1 400");
        }
        assertThat(libraryFiles(server)).isEqualTo(files);
        assertThat(TestFiles.assetRows(server)).isEqualTo(rows);
    }

    @Test
    void chunkedUploadWithoutContentLengthWorks() {
        byte[] content = jpeg(700_000);
        Multipart form = Multipart.asset("chunked.jpg", content);
        var r = server.send(server.request("/api/assets", KEY).header("content-type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(form.body()))).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    // --- authentication and permissions ---

    @Test
    void uploadNeedsAKeyWithAssetUpload() {
        Multipart form = Multipart.asset("auth.jpg", jpeg(1000));
        assertThat(upload(server, null, form).statusCode()).isEqualTo(401);
        assertThat(upload(server, "wrong-key-wrong-key-wrong", form).statusCode()).isEqualTo(401);

        ApiKeyService keys = new ApiKeyService(server.server().database().jdbi());
        UUID admin = server.server().firstStart().orElseThrow().user().id();
        String readOnly = keys.create(admin, "read only", List.of(Permission.ASSET_READ)).secret();
        var r = upload(server, readOnly, form);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(ServerFixture.json(r).get("message").asText()).contains("asset.upload");
        var check = server.postJson("/api/assets/bulk-upload-check", readOnly,
                Map.of("assets", List.of(Map.of("id", "a", "checksum", "0".repeat(40)))));
        assertThat(check.statusCode()).isEqualTo(403);

        String uploadOnly = keys.create(admin, "upload only", List.of(Permission.ASSET_UPLOAD)).secret();
        assertThat(upload(server, uploadOnly, form).statusCode()).isEqualTo(201);
        assertThat(server.get("/api/assets/statistics", uploadOnly).statusCode()).isEqualTo(403);
    }
}
