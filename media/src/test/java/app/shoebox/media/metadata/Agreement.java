package app.shoebox.media.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Per-field agreement of a reader with exiftool over a corpus. A file counts for a field when
 * either side has a value there (both empty is not counted: it would flatter rare fields); it
 * agrees when both canonical strings are equal.
 */
final class Agreement {

    private final String reader;
    private final Map<String, int[]> counts = new LinkedHashMap<>();
    private final List<String> differences = new ArrayList<>();

    Agreement(String reader) {
        this.reader = reader;
        for (String name : Fields.NAMES) {
            counts.put(name, new int[2]);
        }
    }

    void compare(String file, Fields expected, Fields actual) {
        for (String name : Fields.NAMES) {
            Optional<String> e = expected.get(name);
            Optional<String> a = actual.get(name);
            if (e.isEmpty() && a.isEmpty()) {
                continue;
            }
            int[] c = counts.get(name);
            c[1]++;
            if (e.equals(a)) {
                c[0]++;
            } else {
                differences.add(String.format(Locale.ROOT, "%-13s %-48s exiftool=%s shoebox=%s", name, file,
                        e.orElse("(none)"), a.orElse("(none)")));
            }
        }
    }

    /** Agreement as a fraction, 1.0 when no file had the field. */
    double of(String field) {
        int[] c = counts.get(field);
        return c[1] == 0 ? 1.0 : (double) c[0] / c[1];
    }

    String report() {
        StringBuilder sb = new StringBuilder("agreement with exiftool, " + reader + ":\n");
        counts.forEach((name, c) -> sb.append(String.format(Locale.ROOT, "  %-13s %6.1f%%  (%d of %d files)%n", name,
                100.0 * of(name), c[0], c[1])));
        return sb.toString();
    }

    List<String> differences() {
        return List.copyOf(differences);
    }
}
