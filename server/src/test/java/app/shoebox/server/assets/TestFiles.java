package app.shoebox.server.assets;

import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.Http;
import app.shoebox.client.api.ServerAddress;
import app.shoebox.server.ServerFixture;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/** Test content and the checks every upload test needs. */
public final class TestFiles {

    private static final Random RANDOM = new Random(42);

    private TestFiles() {
    }

    /** Bytes that start like a JPEG (which is all type detection looks at), then {@code size} random bytes. */
    public static byte[] jpeg(int size) {
        byte[] b = new byte[size + 4];
        RANDOM.nextBytes(b);
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[2] = (byte) 0xFF;
        b[3] = (byte) 0xE0;
        return b;
    }

    /** Bytes that start like an MP4. */
    public static byte[] mp4(int size) {
        byte[] b = new byte[size + 12];
        RANDOM.nextBytes(b);
        System.arraycopy(new byte[]{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'}, 0, b, 0, 12);
        return b;
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    /** Sends a request whose answer is a file. */
    public static HttpResponse<byte[]> bytes(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> upload(ServerFixture server, String apiKey, Multipart form) {
        return server.send(server.request("/api/assets", apiKey)
                .header("content-type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build());
    }

    /**
     * Uploads a file as {@code shoebox upload} does (the uploader's own client: streamed multipart,
     * checksum header) and returns the new asset's id, asserting it was created. Tests that need a
     * broken or unusual form build it with {@link Multipart} and {@link #upload}.
     */
    public static String uploadNew(ServerFixture server, String apiKey, String fileName, byte[] content) {
        return uploadNew(server, apiKey, fileName, content, Optional.empty());
    }

    /** {@link #uploadNew(ServerFixture, String, String, byte[])} with an XMP sidecar sent beside the file. */
    public static String uploadNew(ServerFixture server, String apiKey, String fileName, byte[] content, Optional<byte[]> xmp) {
        OffsetDateTime when = OffsetDateTime.parse("2024-05-01T10:00:00Z");
        ApiClient.FileBytes file = bytes(fileName, content);
        Optional<ApiClient.FileBytes> sidecar = xmp.map(x -> bytes(fileName + ".xmp", x));
        try (ApiClient client = ApiClient.open(ServerAddress.parse(server.uri("/").toString()), apiKey, Http.Settings.defaults())) {
            client.connect();
            ApiClient.UploadResult r = client.upload(new ApiClient.UploadRequest(file, sha1(content), when, when, false, false,
                    Optional.empty(), sidecar));
            if (!r.created()) {
                throw new AssertionError("upload of " + fileName + " was taken as a duplicate of " + r.assetId());
            }
            return r.assetId();
        }
    }

    private static ApiClient.FileBytes bytes(String fileName, byte[] content) {
        return new ApiClient.FileBytes(fileName, content.length, fileName, () -> new ByteArrayInputStream(content));
    }

    public static String sha1(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every regular file under the library's upload and tmp folders, relative to the library. */
    public static List<String> libraryFiles(ServerFixture server) {
        Path root = server.library();
        try (Stream<Path> s = Stream.concat(walk(root.resolve("upload")), walk(root.resolve("tmp")))) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static Stream<Path> walk(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long assetRows(ServerFixture server) {
        return server.server().database().jdbi().withHandle(h ->
                h.createQuery("SELECT count(*) FROM assets").mapTo(Long.class).one());
    }
}
