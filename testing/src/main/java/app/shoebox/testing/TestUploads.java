package app.shoebox.testing;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;

/** Upload bodies for tests that speak to a server over HTTP from outside its module. */
public final class TestUploads {

    /** A {@code multipart/form-data} body for {@code POST /api/assets}, and its content type. */
    public record Form(byte[] body, String contentType) {}

    private TestUploads() {
    }

    public static Form asset(String fileName, byte[] content) {
        String boundary = "----shoebox-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[][] fields = {{"deviceAssetId", fileName}, {"deviceId", "test"},
                {"fileCreatedAt", "2024-01-01T00:00:00Z"}, {"fileModifiedAt", "2024-01-01T00:00:00Z"}};
        for (String[] f : fields) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n" + f[1] + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Form(out.toByteArray(), "multipart/form-data; boundary=" + boundary);
    }

    /** A small JPEG of noise, different for every seed (so no two are duplicates). */
    public static byte[] noiseJpeg(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0xFFFFFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
