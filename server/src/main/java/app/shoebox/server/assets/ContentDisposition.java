package app.shoebox.server.assets;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Reading a part's {@code Content-Disposition} and writing one for a download (RFC 6266 / 5987). */
final class ContentDisposition {

    private ContentDisposition() {
    }

    /**
     * The parameters of a header value such as {@code form-data; name="assetData"; filename="a.jpg"},
     * names lower-cased, quotes and backslash escapes removed, {@code filename*} decoded.
     */
    static Map<String, String> parameters(String header) {
        Map<String, String> params = new HashMap<>();
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            i++;
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = header.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            int j = eq + 1;
            while (j < header.length() && header.charAt(j) == ' ') {
                j++;
            }
            StringBuilder value = new StringBuilder();
            if (j < header.length() && header.charAt(j) == '"') {
                j++;
                while (j < header.length() && header.charAt(j) != '"') {
                    char c = header.charAt(j);
                    // Browsers do not escape backslashes in file names (C:\photos\a.jpg); only \" and \\ are escapes.
                    if (c == '\\' && j + 1 < header.length() && (header.charAt(j + 1) == '"' || header.charAt(j + 1) == '\\')) {
                        j++;
                        c = header.charAt(j);
                    }
                    value.append(c);
                    j++;
                }
                i = header.indexOf(';', j);
            } else {
                int end = header.indexOf(';', j);
                value.append(header, j, end < 0 ? header.length() : end);
                i = end;
            }
            String v = value.toString().strip();
            params.put(name, name.endsWith("*") ? decodeExtended(v) : v);
        }
        return params;
    }

    /** {@code UTF-8''caf%C3%A9.jpg} -> {@code café.jpg}; anything else is returned as is. */
    private static String decodeExtended(String value) {
        int quote = value.indexOf("''");
        if (quote < 0) {
            return value;
        }
        try {
            return URLDecoder.decode(value.substring(quote + 2).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    /** A download header naming {@code fileName}: an ASCII fallback and the exact name, percent-encoded. */
    static String attachment(String fileName) {
        StringBuilder ascii = new StringBuilder();
        for (char c : fileName.toCharArray()) {
            ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%' ? c : '_');
        }
        String encoded = URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
