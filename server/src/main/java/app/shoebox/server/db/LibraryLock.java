package app.shoebox.server.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who uses a library folder: an exclusive lock on {@code shoebox.lock} in it, held for the life of
 * the process that serves the library (or, when none does, of the admin command that started the
 * embedded database itself). The operating system drops the lock when its process dies however it
 * dies, so a crashed server never blocks the next start, while a live one always does; locks on
 * NFS (v4, or v3 with lockd) are seen from other machines too. The file's text says who holds it,
 * for the refusal.
 */
public final class LibraryLock implements AutoCloseable {

    public static final String FILE_NAME = "shoebox.lock";

    /**
     * Libraries locked by this JVM, with the holder's text. POSIX drops every lock a process holds on
     * a file when it closes any descriptor of that file, so this process must not even open the file
     * again while it holds the lock (tests run a server and admin commands in one JVM).
     */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private LibraryLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or says who holds it. {@code role} says what this process is ({@code serve}, {@code users create}). */
    public static LibraryLock acquire(Path library, String role) {
        return tryAcquire(library, role).orElseThrow(() -> new IllegalStateException("another shoebox serves this library ("
                + library.toAbsolutePath().normalize() + "): " + holder(library)
                + ". Stop it first, or use another --library."));
    }

    /** Takes the lock if no other process holds it. */
    public static Optional<LibraryLock> tryAcquire(Path library, String role) {
        Path file = library.resolve(FILE_NAME);
        Path key = library.toAbsolutePath().normalize();
        FileChannel channel = null;
        synchronized (HELD) {
            if (HELD.containsKey(key)) {
                return Optional.empty();
            }
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException inThisProcess) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            String text = "pid " + ProcessHandle.current().pid() + " on " + hostName() + " (shoebox " + role + ") since "
                    + Instant.now();
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            HELD.put(key, text);
            return Optional.of(new LibraryLock(key, channel, lock));
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException("cannot lock the library folder " + key + " (" + file.getFileName() + "): "
                        + e.getMessage() + ". Check that it exists and is writable.", e);
            }
        }
    }

    /** What the lock file says of its holder. */
    static String holder(Path library) {
        String here = HELD.get(library.toAbsolutePath().normalize());
        if (here != null) {
            return here;
        }
        try {
            String text = Files.readString(library.resolve(FILE_NAME)).strip();
            return text.isEmpty() ? "another process holds " + FILE_NAME : text;
        } catch (IOException e) {
            return "another process holds " + FILE_NAME;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked
            }
        }
    }

    @Override
    public void close() {
        synchronized (HELD) {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                HELD.remove(key);
            }
        }
    }
}
