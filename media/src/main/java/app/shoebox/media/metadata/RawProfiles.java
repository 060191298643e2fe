package app.shoebox.media.metadata;

import com.drew.lang.ByteArrayReader;
import com.drew.lang.KeyValuePair;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import com.drew.metadata.png.PngDirectory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * EXIF that ImageMagick and older editors keep in a PNG text chunk ("Raw profile type exif": a
 * length, then the bytes in hex), which exiftool reads and metadata-extractor does not.
 */
final class RawProfiles {

    // A profile is at most one APP1 segment; a longer text is not one.
    private static final int MAX_BYTES = 1 << 16;

    private RawProfiles() {
    }

    static void addExif(Metadata m) {
        if (m.containsDirectoryOfType(ExifIFD0Directory.class)) {
            return;
        }
        for (PngDirectory png : m.getDirectoriesOfType(PngDirectory.class)) {
            Object texts = png.getObject(PngDirectory.TAG_TEXTUAL_DATA);
            if (!(texts instanceof List<?> pairs)) {
                continue;
            }
            for (Object o : pairs) {
                if (o instanceof KeyValuePair kv && (kv.getKey().equalsIgnoreCase("Raw profile type exif")
                        || kv.getKey().equalsIgnoreCase("Raw profile type APP1"))) {
                    byte[] exif = decode(kv.getValue().toString(StandardCharsets.ISO_8859_1));
                    if (exif.length > 8) {
                        int start = exif[0] == 'E' && exif[1] == 'x' && exif[2] == 'i' && exif[3] == 'f' ? 6 : 0;
                        byte[] tiff = java.util.Arrays.copyOfRange(exif, start, exif.length);
                        new ExifReader().extract(new ByteArrayReader(tiff), m, 0);
                        return;
                    }
                }
            }
        }
    }

    /** "\nexif\n    1234\n4578696600..." to bytes; empty when it is not that shape. */
    static byte[] decode(String text) {
        String[] lines = text.strip().split("\n", 3);
        if (lines.length < 3) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int hi = -1;
        for (int i = 0; i < lines[2].length() && out.size() < MAX_BYTES; i++) {
            int v = Character.digit(lines[2].charAt(i), 16);
            if (v < 0) {
                continue;
            }
            if (hi < 0) {
                hi = v;
            } else {
                out.write(hi << 4 | v);
                hi = -1;
            }
        }
        return out.toByteArray();
    }
}
