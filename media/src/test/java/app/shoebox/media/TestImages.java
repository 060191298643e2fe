package app.shoebox.media;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** Images the tests draw: quadrants of known colours, so orientation can be read back from pixels, and photo-like scenes. */
public final class TestImages {

    public static final Color RED = new Color(220, 20, 20);
    public static final Color GREEN = new Color(20, 200, 20);
    public static final Color BLUE = new Color(20, 20, 220);
    public static final Color WHITE = new Color(240, 240, 240);
    private static final byte[] ICC_ID = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

    private TestImages() {
    }

    /** Red top-left, green top-right, blue bottom-left, white bottom-right (as stored). */
    public static BufferedImage quadrants(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(RED);
        g.fillRect(0, 0, w / 2, h / 2);
        g.setColor(GREEN);
        g.fillRect(w / 2, 0, w - w / 2, h / 2);
        g.setColor(BLUE);
        g.fillRect(0, h / 2, w / 2, h - h / 2);
        g.setColor(WHITE);
        g.fillRect(w / 2, h / 2, w - w / 2, h - h / 2);
        g.dispose();
        return img;
    }

    public static Path write(BufferedImage img, String format, Path file) throws IOException {
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return file;
    }

    /** Which named colour a pixel is closest to. */
    public static String colourAt(BufferedImage img, int x, int y) {
        Color c = new Color(img.getRGB(x, y));
        String best = "?";
        double bestD = Double.MAX_VALUE;
        for (var e : java.util.Map.of("red", RED, "green", GREEN, "blue", BLUE, "white", WHITE).entrySet()) {
            Color k = e.getValue();
            double d = Math.pow(c.getRed() - k.getRed(), 2) + Math.pow(c.getGreen() - k.getGreen(), 2)
                    + Math.pow(c.getBlue() - k.getBlue(), 2);
            if (d < bestD) {
                bestD = d;
                best = e.getKey();
            }
        }
        return best;
    }

    /** The colours at the centres of the four quadrants: top-left, top-right, bottom-left, bottom-right. */
    public static java.util.List<String> quadrantColours(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        return java.util.List.of(colourAt(img, w / 4, h / 4), colourAt(img, 3 * w / 4, h / 4),
                colourAt(img, w / 4, 3 * h / 4), colourAt(img, 3 * w / 4, 3 * h / 4));
    }

    /** A "photo": smooth shapes plus sensor-like noise, different for each seed. */
    public static BufferedImage scene(long seed, int w, int h) {
        java.util.Random r = new java.util.Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new java.awt.GradientPaint(0, 0, new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)), w, h,
                new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256))));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillOval(r.nextInt(w), r.nextInt(h), w / 4 + r.nextInt(w / 3), h / 4 + r.nextInt(h / 3));
        }
        g.dispose();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int n = r.nextInt(21) - 10;
                int red = Math.clamp((rgb >> 16 & 0xFF) + n, 0, 255);
                int green = Math.clamp((rgb >> 8 & 0xFF) + n, 0, 255);
                int blue = Math.clamp((rgb & 0xFF) + n, 0, 255);
                img.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        return img;
    }

    /** {@code jpeg} with an APP2 ICC_PROFILE segment (one chunk) after its first segment (the writer's JFIF APP0). */
    public static byte[] withIccProfile(byte[] jpeg, byte[] profile) {
        byte[] id = ICC_ID;
        int length = 2 + id.length + 2 + profile.length;
        ByteBuffer segment = ByteBuffer.allocate(2 + length)
                .put((byte) 0xFF).put((byte) 0xE2).putShort((short) length).put(id).put((byte) 1).put((byte) 1).put(profile);
        int afterApp0 = 4 + ((jpeg[4] & 0xFF) << 8 | jpeg[5] & 0xFF);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, afterApp0);
        out.writeBytes(segment.array());
        out.write(jpeg, afterApp0, jpeg.length - afterApp0);
        return out.toByteArray();
    }

    /** The ICC profile of a JPEG when it is in one APP2 chunk. */
    public static Optional<byte[]> iccProfile(byte[] jpeg) {
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
            int marker = jpeg[at + 1] & 0xFF;
            int length = (jpeg[at + 2] & 0xFF) << 8 | jpeg[at + 3] & 0xFF;
            if (marker == 0xDA) {
                break;
            }
            if (marker == 0xE2 && Arrays.equals(jpeg, at + 4, at + 4 + ICC_ID.length, ICC_ID, 0, ICC_ID.length)) {
                return Optional.of(Arrays.copyOfRange(jpeg, at + 4 + ICC_ID.length + 2, at + 2 + length));
            }
            at += 2 + length;
        }
        return Optional.empty();
    }
}
