package app.shoebox.media.thumbnails;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Recognises the standard sRGB ICC profile, "sRGB IEC61966-2.1" (Hewlett-Packard, 3144 bytes),
 * which Photoshop, Lightroom and most editors embed in what they export. Its copies differ only in
 * the 128-byte header (the rendering intent, for one: the corpus has two such copies), so what is
 * compared is everything after it: the tag table and the tags themselves, which hold the primaries
 * and the tone curves. A profile that only calls itself sRGB, with other curves or primaries, is
 * not this one.
 */
final class StandardSrgb {

    static final int LENGTH = 3144;
    private static final int HEADER = 128;
    /** SHA-1 of the profile's bytes after its header. */
    private static final byte[] BODY_SHA1 = HexFormat.of().parseHex("b8ec286908577318ca10692750f1886801c72a4d");

    private StandardSrgb() {
    }

    static boolean is(byte[] profile) {
        if (profile.length != LENGTH) {
            return false;
        }
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(profile, HEADER, LENGTH - HEADER);
            return Arrays.equals(sha1.digest(), BODY_SHA1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-1", e);
        }
    }
}
