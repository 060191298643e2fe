package app.shoebox.client.upload;

/**
 * {@code --on-errors}: {@code stop} at the first failed file, {@code continue} whatever fails, or
 * stop after {@code N} failed files. Either way, files already in flight finish and the report
 * says what was never reached.
 */
public record ErrorPolicy(long stopAfter) {

    public static final ErrorPolicy CONTINUE = new ErrorPolicy(Long.MAX_VALUE);
    public static final ErrorPolicy STOP = new ErrorPolicy(1);

    public ErrorPolicy {
        if (stopAfter < 1) {
            throw new IllegalArgumentException("--on-errors N needs N of 1 or more, got " + stopAfter);
        }
    }

    public static ErrorPolicy parse(String s) {
        String v = s.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "stop" -> STOP;
            case "continue" -> CONTINUE;
            default -> {
                try {
                    yield new ErrorPolicy(Long.parseLong(v));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--on-errors takes stop, continue or a number of failures, not '" + s + "'");
                }
            }
        };
    }

    @Override
    public String toString() {
        return stopAfter == Long.MAX_VALUE ? "continue" : stopAfter == 1 ? "stop" : String.valueOf(stopAfter);
    }
}
