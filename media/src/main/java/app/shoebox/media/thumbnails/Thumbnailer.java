package app.shoebox.media.thumbnails;

import app.shoebox.media.FileType;
import app.shoebox.media.MediaException;

import java.nio.file.Path;

/**
 * Makes a thumbnail and a preview of an image, upright (EXIF orientation applied) and never larger
 * than the original. Implementations: libvips in-process ({@link Thumbnailers#ffm()}), the
 * {@code vipsthumbnail} process ({@link Thumbnailers#vipsthumbnail()}) and pure Java
 * ({@link Thumbnailers#imageIo()}); {@link Thumbnailers#best()} picks one at start-up.
 *
 * <p>Failures are {@link MediaException}s: permanent for files that will never decode (empty,
 * mislabelled, corrupt or truncated, over the pixel limit, a format this path cannot read),
 * transient for I/O errors and time-outs. Outputs are written to {@code outDir} and replace files
 * of the same name.
 */
public interface Thumbnailer {

    /** Long edge of the small thumbnail, as Immich's default. */
    int THUMBNAIL_SIZE = 250;
    /** Long edge of the preview, as Immich's default. */
    int PREVIEW_SIZE = 1440;

    /** One line for the start-up log: which path, which library or tool, what it cannot do. */
    String describe();

    /** The libvips version this path decodes with; empty for the pure-Java path. */
    default java.util.Optional<String> libvipsVersion() {
        return java.util.Optional.empty();
    }

    /** Whether this path can decode {@code type} at all. */
    boolean canDecode(FileType type);

    /**
     * Writes {@code outDir/<baseName>-thumbnail.<webp|jpeg>} and {@code outDir/<baseName>-preview.jpeg}.
     * {@code baseName} is a plain name (no path separators, no brackets), such as an asset id.
     */
    Thumbnails generate(Path source, FileType type, Path outDir, String baseName) throws MediaException;

    /** {@link #generate(Path, FileType, Path, String)} named after the source file, without its extension. */
    default Thumbnails generate(Path source, FileType type, Path outDir) throws MediaException {
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[\\[\\]/\\\\:]", "_");
        return generate(source, type, outDir, stem);
    }
}
