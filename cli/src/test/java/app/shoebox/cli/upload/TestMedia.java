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
