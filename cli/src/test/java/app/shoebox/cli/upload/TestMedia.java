package app.shoebox.cli.upload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;

/**
 * Files a server takes for photos and videos: the first bytes it checks, then random bytes, so
 * every file has its own checksum. (Type detection looks only at the first bytes; these tests are
 * about transport, not decoding.)
 */
final class TestMedia {

    private static final Random RANDOM = new Random(7);

    private TestMedia() {
    }

    static byte[] jpeg(int size) {
        return withHead(size, new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0});
    }

    static byte[] heic(int size) {
        return withHead(size, new byte[]{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c'});
    }

    static byte[] mov(int size) {
        return withHead(size, new byte[]{0, 0, 0, 0x14, 'f', 't', 'y', 'p', 'q', 't', ' ', ' '});
    }

    static byte[] mp4(int size) {
        return withHead(size, new byte[]{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'});
    }

    private static byte[] withHead(int size, byte[] head) {
        byte[] b = new byte[Math.max(size, head.length)];
        synchronized (RANDOM) {
            RANDOM.nextBytes(b);
        }
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    /** A real JPEG the server's decoders read: a gradient with a number drawn on it. */
    static byte[] realJpeg(int width, int height, int seed) {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, new java.awt.Color(seed * 37 % 255, 90, 160), width, height, java.awt.Color.WHITE));
        g.fillRect(0, 0, width, height);
        g.setColor(java.awt.Color.BLACK);
        g.drawString("#" + seed, 4, height / 2);
        g.dispose();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] content) {
        return write(file, content, null);
    }

    /** Writes a file, with the modification time given (the date a folder upload takes). */
    static Path write(Path file, byte[] content, Instant modified) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            if (modified != null) {
                Files.setLastModifiedTime(file, FileTime.from(modified));
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
