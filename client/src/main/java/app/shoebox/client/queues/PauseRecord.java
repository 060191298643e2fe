package app.shoebox.client.queues;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The queues an upload paused on an Immich server, on disk: {@code paused/<server key>.queues},
 * one queue name per line, written (and fsynced, then renamed into place) before the first pause
 * and deleted after the last resume. A run holds {@code <server key>.lock} while it may pause; a
 * record found without its lock held belongs to a run that died, and is resumed.
 */
final class PauseRecord {

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private PauseRecord(Path file, FileChannel lockChannel, FileLock lock) {
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Takes the lock for this server, or empty when another run on this machine holds it. */
    static Optional<PauseRecord> lock(Path dir, String serverKey) {
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(serverKey + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                return Optional.empty();
            }
            return Optional.of(new PauseRecord(dir.resolve(serverKey + ".queues"), ch, l));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir + ": " + e.getMessage() + "; give another folder with --cache-dir", e);
        }
    }

    Path file() {
        return file;
    }

    /** Queues a dead run left paused. */
    List<String> leftOver() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    void write(List<String> queues) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel w = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap((String.join("\n", queues) + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                w.write(b);
            }
            w.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // not every file system lets a folder be synced; the rename is still atomic
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a record left behind is resumed again by the next run: harmless
        }
    }

    void unlock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
