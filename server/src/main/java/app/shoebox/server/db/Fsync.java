package app.shoebox.server.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync of what must be on disk before the next step counts on it. */
public final class Fsync {

    private Fsync() {
    }

    /** Syncs a file or a folder; a file system that cannot sync a folder is let be. */
    public static void sync(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            // some file systems cannot sync a folder
        }
    }

    /** Every folder under {@code root}, so the names of the files in them are durable too. */
    public static void syncFolders(Path root) throws IOException {
        try (var dirs = Files.walk(root)) {
            dirs.filter(Files::isDirectory).forEach(Fsync::sync);
        }
    }
}
