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
    private final Map<Long, Entry> entries;
    private final AppendLog log;

    private HashCache(Map<Long, Entry> entries, AppendLog log) {
        this.entries = entries;
        this.log = log;
    }

    public static HashCache open(Path dir) {
        Path file = dir.resolve("hashes.v1");
        // Sized from the file (75 bytes a line): growing a map of 100,000 entries step by step costs more than reading them.
        Map<Long, Entry> entries = new ConcurrentHashMap<>(AppendLog.expectedLines(file, 75));
        AppendLog log = AppendLog.open(file, line -> parse(line, entries));
        return new HashCache(entries, log);
    }

    /** A cache that remembers only for this run (nothing on disk). */
    public static HashCache inMemory() {
        return new HashCache(new ConcurrentHashMap<>(), null);
    }

    /** {@code <16 hex> <16 hex> <40 hex>}; anything else (a torn line) is ignored. */
    private static void parse(String line, Map<Long, Entry> into) {
        if (line.length() != 74 || line.charAt(16) != ' ' || line.charAt(33) != ' ') {
            return;
        }
        try {
            into.put(HexFormat.fromHexDigitsToLong(line, 0, 16),
                    new Entry(HexFormat.fromHexDigitsToLong(line, 17, 33), HEX.parseHex(line, 34, 74)));
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
