package app.shoebox.server.libraries;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobRequest;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Watches the libraries' folders (Java's WatchService: inotify on Linux) and queues the files that
 * appear, change or go as {@link LibraryJobs#SYNC_FILES} batches, so they are indexed (or marked
 * offline) without a full scan. Only one process watches: the one holding a PostgreSQL advisory
 * lock; the others try again at each refresh. A file system without change notification (many
 * network shares) simply sends none: the scheduled scans remain the safety net.
 */
public final class LibraryWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LibraryWatcher.class);
    static final long LOCK_KEY = 0x5348_4f45_4c49_4257L;
    /** What the lock's connection is called in {@code pg_stat_activity}. */
    public static final String CONNECTION_NAME = "shoebox library watcher";

    /**
     * @param settle  how long a folder must be quiet before its changes are queued (a copy in progress
     *                sends many events for one file)
     * @param refresh how often the list of libraries (and the watcher's lock) is looked at again
     */
    public record Config(Duration settle, Duration refresh) {
        public Config {
            if (settle.isNegative() || refresh.toMillis() < 1) {
                throw new IllegalArgumentException("library watcher: settle must be >= 0 and refresh positive");
            }
        }

        public static Config defaults() {
            return new Config(Duration.ofSeconds(2), Duration.ofMinutes(1));
        }
    }

    private record Watched(UUID libraryId, Path root, Path folder) {}

    /**
     * Opens the connection the watcher's lock is held on: one of its own, not the pool's
     * ({@code Database#connectOutsidePool}), since it is held as long as the process watches.
     */
    @FunctionalInterface
    public interface LockConnections {
        Connection open() throws SQLException;
    }

    private final Jdbi jdbi;
    private final JobClient jobs;
    private final Config config;
    private final LockConnections lockConnections;
    private final WatchService watcher;
    private final Map<WatchKey, Watched> keys = new HashMap<>();
    /** Changed files per (library, import path), in the order seen. */
    private final Map<Watched, Set<Path>> pending = new LinkedHashMap<>();
    private Connection lock;
    private Thread thread;
    private volatile boolean running;

    public LibraryWatcher(Jdbi jdbi, JobClient jobs, Config config, LockConnections lockConnections) throws IOException {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.config = config;
        this.lockConnections = lockConnections;
        this.watcher = FileSystems.getDefault().newWatchService();
    }

    /** Starts watching on a thread of its own. */
    public LibraryWatcher start() {
        running = true;
        thread = Thread.ofPlatform().name("library-watcher").daemon().start(this::loop);
        return this;
    }

    private void loop() {
        long nextRefresh = 0;
        while (running) {
            try {
                if (System.nanoTime() >= nextRefresh) {
                    refresh();
                    nextRefresh = System.nanoTime() + config.refresh().toNanos();
                }
                drain(Duration.ofMillis(Math.min(1000, config.refresh().toMillis())));
            } catch (ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("library watcher: {}", e.toString());
                sleepQuietly(config.refresh());
            }
        }
    }

    /**
     * Takes the watcher's lock if free, then watches every folder of every library that is not
     * watched yet. Returns whether this process is the one watching.
     */
    public synchronized boolean refresh() {
        if (lock != null && !lockStillHeld()) {
            // The lock went with its connection (the database restarted, or the connection was
            // cut): another process may watch by now. Stop watching, then try to take it again.
            log.warn("library watcher: the connection holding the watcher's lock was lost; watching again only if "
                    + "the lock is still free");
            closeQuietly(lock);
            lock = null;
            keys.keySet().forEach(WatchKey::cancel);
            keys.clear();
            pending.clear();
        }
        if (lock == null) {
            Connection c = null;
            try {
                c = lockConnections.open();
                try (PreparedStatement take = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                    take.setLong(1, LOCK_KEY);
                    try (ResultSet rs = take.executeQuery()) {
                        if (!rs.next() || !rs.getBoolean(1)) {
                            closeQuietly(c);
                            return false;
                        }
                    }
                }
            } catch (SQLException e) {
                closeQuietly(c);
                throw new IllegalStateException("could not take the watcher's lock: " + e.getMessage(), e);
            }
            lock = c;
            log.info("library watcher: this process watches the libraries' folders");
        }
        Set<Path> watchedFolders = new LinkedHashSet<>();
        keys.values().forEach(w -> watchedFolders.add(w.folder()));
        for (Library library : jdbi.withHandle(h -> h.createQuery("SELECT * FROM libraries").map(LibraryService.LIBRARY).list())) {
            Exclusions exclusions = new Exclusions(library.exclusionPatterns());
            for (Path root : library.roots()) {
                if (ImportPaths.unavailable(root).isEmpty()) {
                    register(library.id(), root, root, exclusions, watchedFolders, false);
                }
            }
        }
        return true;
    }

    private boolean lockStillHeld() {
        try {
            return lock.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("library watcher: closing its lock's connection: {}", e.toString());
        }
    }

    /** Watches {@code folder} and the folders below it; with {@code collect}, their files count as changed. */
    private void register(UUID libraryId, Path root, Path folder, Exclusions exclusions, Set<Path> watchedFolders, boolean collect) {
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(root) && exclusions.excludesFolder(dir)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (watchedFolders.add(dir)) {
                        WatchKey key = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                        keys.put(key, new Watched(libraryId, root, dir));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (collect) {
                        pending.computeIfAbsent(new Watched(libraryId, root, root), k -> new LinkedHashSet<>()).add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("library watcher: cannot watch {}: {}", folder, e.toString());
        }
    }

    /**
     * Collects change events for up to {@code wait}, then, once the folders were quiet for the
     * settle time, queues the changed files. Returns how many files were queued.
     */
    public synchronized int drain(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean any = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                WatchKey key = any ? watcher.poll(config.settle().toMillis(), TimeUnit.MILLISECONDS)
                        : watcher.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (key == null) {
                    break;
                }
                any = true;
                Watched w = keys.get(key);
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (w != null && event.context() instanceof Path name) {
                        changed(w, w.folder().resolve(name));
                    }
                }
                if (!key.reset()) {
                    keys.remove(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return flush();
    }

    private void changed(Watched w, Path path) {
        if (Files.isDirectory(path)) {
            Library library = LibraryService.find(jdbi, w.libraryId()).orElse(null);
            if (library != null) {
                Set<Path> watchedFolders = new LinkedHashSet<>();
                keys.values().forEach(k -> watchedFolders.add(k.folder()));
                register(w.libraryId(), w.root(), path, new Exclusions(library.exclusionPatterns()), watchedFolders, true);
            }
            return;
        }
        pending.computeIfAbsent(new Watched(w.libraryId(), w.root(), w.root()), k -> new LinkedHashSet<>()).add(path);
    }

    private int flush() {
        List<JobRequest> requests = new ArrayList<>();
        int files = 0;
        for (Map.Entry<Watched, Set<Path>> e : pending.entrySet()) {
            List<String> relative = new ArrayList<>();
            for (Path p : e.getValue()) {
                if (app.shoebox.media.FileType.fromFileName(p.getFileName().toString()).isPresent()) {
                    relative.add(e.getKey().root().relativize(p).toString());
                }
            }
            for (int i = 0; i < relative.size(); i += 1000) {
                requests.add(LibraryJobs.syncFiles(e.getKey().libraryId(), e.getKey().root().toString(),
                        relative.subList(i, Math.min(relative.size(), i + 1000))));
            }
            files += relative.size();
        }
        pending.clear();
        if (!requests.isEmpty()) {
            jobs.insertMany(requests);
            log.debug("library watcher: {} changed files queued", files);
        }
        return files;
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("closing the watch service: {}", e.toString());
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            // The lock's connection is its own: closing it lets the session lock go.
            closeQuietly(lock);
            lock = null;
        }
    }
}
