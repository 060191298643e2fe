package app.shoebox.server.assets;

import app.shoebox.server.http.ApiException;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/** SHA-1 checksums as clients send them: 40 hex digits or base64 of the 20 bytes. */
final class Checksums {

    static final int SHA1_BYTES = 20;

    private Checksums() {
    }

    static Optional<byte[]> parse(String text) {
        String s = text.strip();
        if (s.length() == 2 * SHA1_BYTES && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return Optional.of(HexFormat.of().parseHex(s));
        }
        try {
            byte[] bytes = s.contains("-") || s.contains("_") ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
            return bytes.length == SHA1_BYTES ? Optional.of(bytes) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static byte[] require(String text, String what) {
        return parse(text).orElseThrow(() -> ApiException.badRequest(
                what + " is not a SHA-1 checksum (expected 40 hex digits or base64 of 20 bytes): '" + abbreviate(text) + "'"));
    }

    static String base64(byte[] checksum) {
        return Base64.getEncoder().encodeToString(checksum);
    }

    static String hex(byte[] checksum) {
        return HexFormat.of().formatHex(checksum);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
