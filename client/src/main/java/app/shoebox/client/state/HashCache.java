package app.shoebox.client.state;

import app.shoebox.client.sources.ItemKey;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-1 of files already read, keyed by where they are and what says they are unchanged
 * ({@link ItemKey}), so a second run over unchanged files reads none of them.
 *
 * <p>File {@code hashes.v1}: one line per hash, {@code <path key, 16 hex> <stamp, 16 hex> <sha1, 40 hex>},
 * appended as files are hashed; a later line for the same path replaces an earlier one (the file
 * changed). 75 bytes a line, about 7.5 MB for 100,000 files; in memory about 130 bytes an entry.
 */
public final class HashCache implements AutoCloseable {

    private record Entry(long stamp, byte[] sha1) {
    }

    private static final HexFormat HEX = HexFormat.of();
    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
    private final AppendLog log;

    private HashCache(AppendLog log) {
        this.log = log;
    }

    public static HashCache open(Path dir) {
        Map<Long, Entry> loaded = new ConcurrentHashMap<>();
        AppendLog log = AppendLog.open(dir.resolve("hashes.v1"), line -> parse(line, loaded));
        HashCache cache = new HashCache(log);
        cache.entries.putAll(loaded);
        return cache;
    }

    /** A cache that remembers only for this run (nothing on disk). */
    public static HashCache inMemory() {
        return new HashCache(null);
    }

    private static void parse(String line, Map<Long, Entry> into) {
        String[] f = line.split(" ");
        if (f.length != 3 || f[2].length() != 40) {
            return;
        }
        Optional<Long> path = AppendLog.hex64(f[0]);
        Optional<Long> stamp = AppendLog.hex64(f[1]);
        if (path.isEmpty() || stamp.isEmpty()) {
            return;
        }
        try {
            into.put(path.get(), new Entry(stamp.get(), HEX.parseHex(f[2])));
        } catch (IllegalArgumentException e) {
            // a torn line: ignored
        }
    }

    public Optional<byte[]> get(ItemKey key) {
        Entry e = entries.get(key.path());
        return e != null && e.stamp() == key.stamp() ? Optional.of(e.sha1()) : Optional.empty();
    }

    public void put(ItemKey key, byte[] sha1) {
        Entry old = entries.put(key.path(), new Entry(key.stamp(), sha1.clone()));
        if (log != null && (old == null || old.stamp() != key.stamp() || !java.util.Arrays.equals(old.sha1(), sha1))) {
            log.append(line(key.path(), key.stamp(), sha1));
        }
    }

    public int size() {
        return entries.size();
    }

    private static String line(long path, long stamp, byte[] sha1) {
        return String.format("%016x %016x %s", path, stamp, HEX.formatHex(sha1));
    }

    /** Writes what is in memory; compacts the file when most of its lines are stale. */
    @Override
    public void close() {
        if (log == null) {
            return;
        }
        log.compactAndClose(entries.size(), () -> {
            List<String> live = new ArrayList<>(entries.size());
            entries.forEach((p, e) -> live.add(line(p, e.stamp(), e.sha1())));
            return live;
        });
    }
}
