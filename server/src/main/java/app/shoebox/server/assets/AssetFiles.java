package app.shoebox.server.assets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Where originals live in the library folder, and the only code that turns a catalogue path into a
 * file. Layout:
 * <pre>
 *   tmp/&lt;random&gt;.part                                  uploads in flight (emptied at start)
 *   upload/&lt;ownerId&gt;/&lt;aa&gt;/&lt;bb&gt;/&lt;assetId&gt;&lt;.ext&gt;        originals; aa, bb = first hex digits of the id
 *   upload/&lt;ownerId&gt;/&lt;aa&gt;/&lt;bb&gt;/&lt;assetId&gt;&lt;.ext&gt;.xmp    their sidecars
 * </pre>
 * On-disk names are made only of ids and an extension from a closed list, never of anything a
 * request sent, so no request can name a file outside the library.
 */
public final class AssetFiles {

    private static final Logger log = LoggerFactory.getLogger(AssetFiles.class);

    private final Path root;
    private final Path tmp;

    private AssetFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve("tmp");
    }

    /** Opens the layout under {@code library}, removing uploads a previous run left half-done. */
    public static AssetFiles open(Path library) {
        AssetFiles files = new AssetFiles(library);
        try {
            Files.createDirectories(files.tmp);
            try (DirectoryStream<Path> stale = Files.newDirectoryStream(files.tmp, "*.part")) {
                for (Path p : stale) {
                    log.info("removing unfinished upload {}", p);
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + files.tmp + ": " + e.getMessage(), e);
        }
        return files;
    }

    /**
     * The layout of a library that a server may be serving right now, for an admin command beside
     * it: unlike {@link #open}, it leaves {@code tmp/} alone (those may be that server's uploads in flight).
     */
    public static AssetFiles beside(Path library) {
        return new AssetFiles(library);
    }

    public Path root() {
        return root;
    }

    Path tmpDir() {
        return tmp;
    }

    /** A fresh, empty temp file for an upload in flight. */
    Path newTempFile() throws IOException {
        return Files.createFile(tmp.resolve(UUID.randomUUID() + ".part"));
    }

    /** The catalogue path (relative to the library) of a new original. {@code extension} has its dot. */
    static String originalPath(UUID ownerId, UUID assetId, String extension) {
        String id = assetId.toString();
        return "upload/" + ownerId + "/" + id.substring(0, 2) + "/" + id.substring(2, 4) + "/" + id + extension;
    }

    static String sidecarPath(String originalPath) {
        return originalPath + ".xmp";
    }

    /** The file behind a catalogue path; refuses any path that would leave the library. */
    public Path resolve(String relative) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IllegalStateException("catalogue path " + relative + " points outside the library " + root);
        }
        return p;
    }

    /**
     * The file behind an original's catalogue path, for reading: a path relative to the library, or
     * the absolute path of a file indexed in place by an external library (written only by a
     * library scan, from import paths an admin set). Never used to write or delete.
     */
    public Path resolveForReading(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p.normalize() : resolve(path);
    }

    /**
     * Moves a finished temp file to its catalogue path atomically (rename within the library's file
     * system) and makes the rename durable, so a crash leaves either no file or the whole file.
     */
    void moveIntoPlace(Path temp, String relative) throws IOException {
        Path target = resolve(relative);
        Files.createDirectories(target.getParent());
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.getParent());
    }

    /** Removes a file if present; a failure is logged, never thrown (used on cleanup paths). */
    void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("could not remove {}: {}", p, e.getMessage());
        }
    }

    void deleteQuietly(Optional<String> relative) {
        relative.ifPresent(r -> deleteQuietly(resolve(r)));
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; the file itself is already synced.
            log.debug("cannot fsync directory {}: {}", dir, e.getMessage());
        }
    }
}
