package app.shoebox.media.metadata;

import app.shoebox.media.FileType;
import com.drew.lang.ByteArrayReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * EXIF kept as plain TIFF blocks inside box-structured files that metadata-extractor does not
 * parse: Canon CR3 ({@code moov/uuid/CMT1} for IFD0, {@code CMT2} for the EXIF IFD), JPEG XL (the
 * {@code Exif} box) and JPEG 2000 (the {@code uuid} box exiftool and cameras write EXIF into).
 * Only the start of the file is read (where these boxes are), and every size is checked against
 * what was read, so a hostile file cannot make this read past its own bytes.
 */
final class BoxedExif {

    private static final Set<FileType> TYPES = EnumSet.of(FileType.CR3, FileType.JXL, FileType.JP2);
    private static final int HEAD = 1 << 20;
    private static final byte[] CANON_UUID = hex("85c0b687820f11e08111f4ce462b6a48");
    private static final byte[] JP2_EXIF_UUID = "JpgTiffExif->JP2".getBytes(StandardCharsets.ISO_8859_1);

    private BoxedExif() {
    }

    static void addExif(Metadata m, Path file, FileType type) {
        if (!TYPES.contains(type) || m.containsDirectoryOfType(ExifIFD0Directory.class)) {
            return;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD);
        } catch (IOException e) {
            return;
        }
        // JPEG XL's bare codestream has no boxes; its container starts with a 12-byte signature box.
        walk(m, head, 0, head.length, 0);
    }

    private static void walk(Metadata m, byte[] b, int from, int to, int depth) {
        int at = from;
        while (at + 8 <= to && depth < 4) {
            long size = Integer.toUnsignedLong(readInt(b, at));
            String type = new String(b, at + 4, 4, StandardCharsets.ISO_8859_1);
            int header = 8;
            if (size == 1 && at + 16 <= to) {
                size = readLong(b, at + 8);
                header = 16;
            } else if (size == 0) {
                size = to - at;
            }
            if (size < header || at + size > to) {
                // A box that runs past what was read: take what it holds if it is a TIFF block, then stop.
                size = to - at;
            }
            int start = at + header;
            int end = (int) (at + size);
            switch (type) {
                case "moov" -> walk(m, b, start, end, depth + 1);
                case "uuid" -> {
                    if (start + 16 <= end && Arrays.equals(b, start, start + 16, CANON_UUID, 0, 16)) {
                        walk(m, b, start + 16, end, depth + 1);
                    } else if (start + 16 <= end && Arrays.equals(b, start, start + 16, JP2_EXIF_UUID, 0, 16)) {
                        tiff(m, b, start + 16, end);
                    }
                }
                case "CMT1", "CMT2" -> tiff(m, b, start, end);
                case "Exif" -> {
                    if (start + 4 <= end) {
                        tiff(m, b, start + 4 + readInt(b, start), end);
                    }
                }
                default -> {
                    // Not a box that carries EXIF.
                }
            }
            at = end;
        }
    }

    private static void tiff(Metadata m, byte[] b, int from, int to) {
        int start = from;
        if (start + 6 <= to && b[start] == 'E' && b[start + 1] == 'x' && b[start + 2] == 'i' && b[start + 3] == 'f') {
            start += 6;
        }
        if (start < 0 || start + 8 > to) {
            return;
        }
        boolean intel = b[start] == 'I' && b[start + 1] == 'I';
        boolean motorola = b[start] == 'M' && b[start + 1] == 'M';
        if (intel || motorola) {
            new ExifReader().extract(new ByteArrayReader(Arrays.copyOfRange(b, start, to)), m, 0);
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static long readLong(byte[] b, int at) {
        return Integer.toUnsignedLong(readInt(b, at)) << 32 | Integer.toUnsignedLong(readInt(b, at + 4));
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
