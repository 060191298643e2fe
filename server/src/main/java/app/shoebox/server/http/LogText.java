package app.shoebox.server.http;

/**
 * Text from a request made safe for one log line: control and formatting characters escaped (so a
 * value cannot start a forged line that fail2ban would read) and the length bounded.
 */
public final class LogText {

    private LogText() {
    }

    public static String safe(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 8);
        for (int i = 0; i < text.length() && out.length() < maxChars; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= maxChars && text.length() > maxChars) {
            out.append("...");
        }
        return out.toString();
    }

    /**
     * A client-chosen name (an e-mail) for a log line others parse: letters, digits and
     * {@code @._+-} are kept, everything else (spaces included) is escaped as {@code \\uXXXX}, so
     * the value can never contain the words of the line around it.
     */
    public static String identifier(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < maxChars; i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "@._+-".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (out.length() >= maxChars && text.length() > maxChars) {
            out.append("...");
        }
        return out.toString();
    }
}
