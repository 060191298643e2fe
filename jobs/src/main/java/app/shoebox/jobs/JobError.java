package app.shoebox.jobs;

import java.time.Instant;

/**
 * One failed attempt, as recorded on the job: nothing is lost between attempts. Every text the
 * engine stores went through {@link #clean}, so an error read back is printable.
 */
public record JobError(int attempt, Instant at, String node, String errorClass, String message, String stack) {

    /** The longest message kept; a tool's whole output does not belong in a job's error. */
    public static final int MAX_MESSAGE = 2000;
    static final int MAX_STACK = 4000;

    /**
     * A message as the engine stores it: without NUL and other control characters (line breaks and
     * tabs become spaces, a broken UTF-16 pair becomes U+FFFD), trimmed, at most {@link #MAX_MESSAGE}
     * characters. PostgreSQL refuses NUL in text and JSON; a message holding one would otherwise make
     * the outcome impossible to write. Callers that store error texts of their own use it too.
     */
    public static String clean(String text) {
        return clean(text, false, MAX_MESSAGE);
    }

    /** As {@link #clean(String)}, keeping line breaks (a stack head). */
    static String cleanLines(String text) {
        return clean(text, true, MAX_STACK);
    }

    private static String clean(String text, boolean keepLines, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max + 1));
        for (int i = 0; i < text.length() && out.length() <= max; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else if (c == '\n' && keepLines) {
                out.append('\n');
            } else if (c == '\n' || c == '\r' || c == '\t') {
                out.append(' ');
            } else if (!Character.isISOControl(c)) {
                out.append(c);
            }
        }
        String s = out.toString().strip();
        if (s.length() > max) {
            int cut = Character.isLowSurrogate(s.charAt(max - 1)) ? max - 2 : max - 1;
            s = s.substring(0, cut) + "\u2026";
        }
        return s;
    }
}
