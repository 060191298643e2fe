package app.shoebox.client.state;

import java.io.BufferedReader;
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
import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A text file of fixed-shape lines, only ever appended to, that survives being killed at any
 * instant: each line goes out in one {@code write} on a file opened for appending (so concurrent
 * runs never interleave inside a line, and a {@code kill -9} loses nothing already written), a
 * torn last line is ignored when read back, and compaction writes a new file, fsyncs it and
 * renames it over the old one, holding a lock so that only one run compacts.
 */
final class AppendLog implements AutoCloseable {

    private final Path file;
    private final FileChannel out;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private long lines;

    private AppendLog(Path file, FileChannel out, FileChannel lockChannel, FileLock lock) {
        this.file = file;
        this.out = out;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Reads every whole line into {@code reader}, then opens the file for appending. */
    static AppendLog open(Path file, Consumer<String> reader) {
        try {
            Files.createDirectories(file.getParent());
            long count = 0;
            if (Files.exists(file)) {
                try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        reader.accept(line);
                        count++;
                    }
                } catch (java.nio.charset.MalformedInputException e) {
                    // a torn write left bytes that are not UTF-8: keep what was read
                }
            }
            FileChannel lockChannel = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            AppendLog log = new AppendLog(file, out, lockChannel, lock);
            log.lines = count;
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage() + "; give another folder with --cache-dir", e);
        }
    }

    synchronized void append(String line) {
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (b.hasRemaining()) {
                out.write(b);
            }
            lines++;
        } catch (IOException e) {
            throw new StateWriteException("cannot write to " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized long lines() {
        return lines;
    }

    /** Flushes to the disk (not only to the operating system). */
    synchronized void sync() {
        try {
            out.force(false);
        } catch (IOException e) {
            throw new StateWriteException("cannot sync " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether this run holds the lock, i.e. may compact. Another run on the same file only appends. */
    boolean owner() {
        return lock != null;
    }

    /**
     * At the end of a run: when most lines are stale (over twice the live entries, plus slack),
     * replaces the file by the live ones. Only the lock's owner compacts; then closes.
     */
    void compactAndClose(int liveEntries, java.util.function.Supplier<Collection<String>> live) {
        if (owner() && lines() > 2L * liveEntries + 1000) {
            rewrite(live.get());
        }
        close();
    }

    /** Replaces the file by these lines, atomically; only by the lock's owner. */
    synchronized void rewrite(Collection<String> live) {
        if (!owner()) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel w = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            StringBuilder sb = new StringBuilder();
            for (String l : live) {
                sb.append(l).append('\n');
                if (sb.length() > 1 << 16) {
                    write(w, sb);
                }
            }
            write(w, sb);
            w.force(true);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            lines = live.size();
        } catch (IOException e) {
            // The old file is still whole: compaction is only an economy.
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // left for the next run to overwrite
            }
        }
    }

    private static void write(FileChannel w, StringBuilder sb) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            w.write(b);
        }
        sb.setLength(0);
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            out.force(false);
            out.close();
            if (lock != null) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            // closing is best effort; what was written is on the way to the disk
        }
    }

    /** About how many lines the file holds, for sizing maps before reading it. */
    static int expectedLines(Path file, int bytesPerLine) {
        try {
            return Files.exists(file) ? (int) Math.min(Integer.MAX_VALUE / 2, Files.size(file) / bytesPerLine + 16) : 16;
        } catch (IOException e) {
            return 16;
        }
    }

    static Optional<Long> hex64(String s) {
        if (s.length() != 16) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseUnsignedLong(s, 16));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
