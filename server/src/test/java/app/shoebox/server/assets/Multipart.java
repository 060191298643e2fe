package app.shoebox.server.assets;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Builds {@code multipart/form-data} bodies byte by byte, so tests can also build broken ones. */
public final class Multipart {

    final String boundary = "----shoebox-test-" + UUID.randomUUID();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Multipart field(String name, String value) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
        return this;
    }

    public Multipart file(String name, String fileName, byte[] content) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        out.writeBytes(content);
        write("\r\n");
        return this;
    }

    /** The usual upload: the file and both required dates. */
    public static Multipart asset(String fileName, byte[] content) {
        return new Multipart()
                .field("deviceAssetId", fileName + "-" + content.length)
                .field("deviceId", "test")
                .field("fileCreatedAt", "2024-05-01T10:00:00.000Z")
                .field("fileModifiedAt", "2024-05-01T10:00:00.000Z")
                .field("fileSize", String.valueOf(content.length))
                .file("assetData", fileName, content);
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The complete body, closing boundary included. */
    public byte[] body() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return copy.toByteArray();
    }

    /** The body without its closing boundary, cut {@code dropBytes} before the end of what was written. */
    public byte[] truncated(int dropBytes) {
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - dropBytes);
    }

    private void write(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
