package app.shoebox.cli.upload;

import java.time.Duration;

/** Sizes, rates and durations for people. */
final class Format {

    private Format() {
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return d.toMillis() < 10_000 ? String.format("%.1f s", d.toMillis() / 1000.0) : s + " s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /**
     * A file name or message as one line that a terminal shows as it is: control characters (an
     * escape sequence or a line break in a name from an archive) written as {@code \u001b}.
     */
    static String printable(String s) {
        if (s.chars().noneMatch(Character::isISOControl)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        s.chars().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append((char) c);
            }
        });
        return b.toString();
    }
}
