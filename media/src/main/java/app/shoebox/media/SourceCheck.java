package app.shoebox.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The checks every operation makes before a decoder sees a file: it exists, it is not empty, and
 * its first bytes are what its type claims. Cheap, and it turns the commonest bad inputs into
 * permanent failures with a clear reason before any native code runs.
 */
public final class SourceCheck {

    private SourceCheck() {
    }

    /** Returns the file's size in bytes, or throws a permanent failure naming the file. */
    public static long check(Path file, FileType type) throws MediaException {
        byte[] head = head(file);
        if (!type.contentMatches(head)) {
            throw new MediaException(MediaException.Reason.MISLABELLED, file, file + " should be " + type.mimeType()
                    + " but its content is " + FileType.describeContent(head) + "; the file is corrupt or mislabelled");
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw io(file, "reading", e);
        }
    }

    /** The first {@link FileType#HEAD_BYTES} bytes of a file that is there and not empty. */
    public static byte[] head(Path file) throws MediaException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(FileType.HEAD_BYTES);
        } catch (NoSuchFileException e) {
            throw new MediaException(MediaException.Reason.NOT_FOUND, file, file + " does not exist (was it moved or deleted?)", e);
        } catch (AccessDeniedException e) {
            throw new MediaException(MediaException.Reason.IO, file, file + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw io(file, "reading", e);
        }
        if (head.length == 0) {
            throw new MediaException(MediaException.Reason.EMPTY, file, file + " is empty (0 bytes); there is nothing to decode");
        }
        return head;
    }

    /** A transient I/O failure on {@code file}. */
    public static MediaException io(Path file, String doing, IOException e) {
        return new MediaException(MediaException.Reason.IO, file, "I/O error " + doing + " " + file + ": " + e, e);
    }

    /**
     * What an {@link IOException} from a parser reading {@code file} means. Parsers report a file
     * that ends too early (a JPEG cut inside its EXIF block: {@code EOFException}) or that points
     * past its own end as I/O errors, yet retrying cannot help. So: when the file itself reads to
     * its end without error, the content is at fault and the failure is permanent ({@code CORRUPT});
     * otherwise the disk or the mount is, and it is worth another try ({@code IO}).
     */
    public static MediaException parseFailure(Path file, String parser, IOException e) {
        if (readsToTheEnd(file)) {
            return new MediaException(MediaException.Reason.CORRUPT, file, file + " is truncated or damaged: " + parser
                    + " could not read it (" + e.getMessage() + "); upload an intact copy of the file", e);
        }
        return io(file, "reading", e);
    }

    private static boolean readsToTheEnd(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            return in.transferTo(java.io.OutputStream.nullOutputStream()) == size;
        } catch (IOException e) {
            return false;
        }
    }
}
