package app.shoebox.client.state;

import app.shoebox.client.sources.ItemKey;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What earlier runs did with each file on one server for one user, so that an interrupted run
 * resumes where it stopped: an upload whose follow-ups (metadata, albums, stack, live-photo link)
 * were cut off is finished, and a file done before is not looked at again.
 *
 * <p>File {@code journals/<user key>.v1}: one line per step, {@code S|U|D <path key> <stamp> <asset id or ->}.
 * {@code S} is written before the file is sent (a run killed while the server was answering left
 * no other trace, yet the server may have the file), {@code U} as soon as the server created the
 * asset, {@code D} when everything the run owed the file is done. A file changed since (other
 * stamp) counts as never seen.
 */
public final class Journal implements AutoCloseable {

    public enum State {
        /** Being sent: the server may or may not have it. */
        SENDING,
        UPLOADED,
        DONE;

        char code() {
            return this == SENDING ? 'S' : this == UPLOADED ? 'U' : 'D';
        }

        static State of(String code) {
            return switch (code) {
                case "S" -> SENDING;
                case "U" -> UPLOADED;
                case "D" -> DONE;
                default -> null;
            };
        }
    }

    /** What the journal knows about a file. */
    public record Entry(State state, String assetId) {
    }

    private record Line(long stamp, State state, String assetId) {
    }

    private final Map<Long, Line> entries;
    private final AppendLog log;

    private Journal(Map<Long, Line> entries, AppendLog log) {
        this.entries = entries;
        this.log = log;
    }

    public static Journal open(Path file) {
        Map<Long, Line> entries = new ConcurrentHashMap<>(AppendLog.expectedLines(file, 72));
        AppendLog log = AppendLog.open(file, line -> parse(line, entries));
        return new Journal(entries, log);
    }

    /** A journal that writes nothing (dry runs). */
    public static Journal none() {
        return new Journal(new ConcurrentHashMap<>(), null);
    }

    /** {@code <S|U|D> <16 hex> <16 hex> <asset id>}; anything else (a torn line) is ignored. */
    private static void parse(String line, Map<Long, Line> into) {
        if (line.length() < 37 || line.charAt(1) != ' ' || line.charAt(18) != ' ' || line.charAt(35) != ' ') {
            return;
        }
        State state = State.of(line.substring(0, 1));
        String assetId = line.substring(36);
        if (state == null || assetId.isEmpty() || assetId.indexOf(' ') >= 0) {
            return;
        }
        try {
            into.put(java.util.HexFormat.fromHexDigitsToLong(line, 2, 18),
                    new Line(java.util.HexFormat.fromHexDigitsToLong(line, 19, 35), state, assetId));
        } catch (IllegalArgumentException e) {
            // a torn line: ignored
        }
    }

    public Optional<Entry> get(ItemKey key) {
        Line l = entries.get(key.path());
        return l != null && l.stamp() == key.stamp() ? Optional.of(new Entry(l.state(), l.assetId())) : Optional.empty();
    }

    /** About to send the file: if this run dies, the next one knows the server may have it from us. */
    public void sending(ItemKey key) {
        record(key, State.SENDING, "-");
    }

    public void uploaded(ItemKey key, String assetId) {
        record(key, State.UPLOADED, assetId);
    }

    public void done(ItemKey key, String assetId) {
        record(key, State.DONE, assetId);
    }

    private void record(ItemKey key, State state, String assetId) {
        if (assetId.contains(" ") || assetId.isEmpty()) {
            throw new IllegalArgumentException("asset id '" + assetId + "'");
        }
        Line line = new Line(key.stamp(), state, assetId);
        if (line.equals(entries.get(key.path()))) {
            return;
        }
        Line old = entries.put(key.path(), line);
        if (log != null && !line.equals(old)) {
            log.append(line(state, key.path(), key.stamp(), assetId));
        }
    }

    private static String line(State state, long path, long stamp, String assetId) {
        return state.code() + String.format(" %016x %016x ", path, stamp) + assetId;
    }

    /** Pushes what was written to the disk; called every few seconds and at the end. */
    public void sync() {
        if (log != null) {
            log.sync();
        }
    }

    @Override
    public void close() {
        if (log == null) {
            return;
        }
        log.compactAndClose(entries.size(), () -> {
            java.util.List<String> live = new java.util.ArrayList<>(entries.size());
            entries.forEach((p, l) -> live.add(line(l.state(), p, l.stamp(), l.assetId())));
            return live;
        });
    }
}
