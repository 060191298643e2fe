package app.shoebox.media.metadata;

import app.shoebox.media.MediaException;
import app.shoebox.media.SourceCheck;
import com.adobe.internal.xmp.XMPException;
import com.adobe.internal.xmp.XMPMeta;
import com.adobe.internal.xmp.XMPPathFactory;
import com.drew.metadata.Metadata;
import com.drew.metadata.xmp.XmpDirectory;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds the video an Android phone embeds in a still, the way Immich's metadata service does
 * ({@code applyMotionPhotos}), and copies it out without holding it in memory.
 *
 * <p>Where the claim comes from: a Samsung trailer's {@code MotionPhoto_Data} entry first (Immich
 * prefers exiftool's {@code EmbeddedVideoFile} too, because Samsung's XMP length counts from the end
 * of the file, which the trailer follows), else Google's XMP: the {@code Container:Directory} item
 * whose semantic is {@code MotionPhoto} (its length and padding, counted from the end of the file),
 * or the older {@code GCamera:MicroVideoOffset}; in a HEIC, first the content of its top-level
 * {@code mpvd} box, where Google's format and Samsung put the video. The XMP is read from exiftool's answer when
 * exiftool read the file, else from metadata-extractor's; the trailer is parsed here in both cases
 * (its layout is the one exiftool's Samsung.pm reads).
 *
 * <p>Every number in a claim is hostile input: a claim becomes {@link MotionPhoto.Embedded} only if
 * its length is positive, it lies inside the file, it starts after the still's own bytes (the JPEG's
 * end marker, or the HEIC's last top-level box), and its bytes start with an MP4/QuickTime
 * {@code ftyp} box. Anything else is {@link MotionPhoto.Invalid} with the reason.
 */
public final class MotionPhotos {

    static final String NS_GCAMERA = "http://ns.google.com/photos/1.0/camera/";
    static final String NS_CONTAINER = "http://ns.google.com/photos/1.0/container/";
    static final String NS_ITEM = "http://ns.google.com/photos/1.0/container/item/";
    private static final int SAMSUNG_VIDEO = 0x0a30;
    private static final String SAMSUNG_VIDEO_NAME = "MotionPhoto_Data";

    private MotionPhotos() {
    }

    /** What the XMP says: a format, a length and padding from the end of the file, or what is wrong with them. */
    record Claim(MotionPhoto.Format format, long length, long padding, Optional<String> problem) {

        static Claim broken(MotionPhoto.Format format, String problem) {
            return new Claim(format, 0, 0, Optional.of(problem));
        }
    }

    /** The claim in exiftool's answer (Immich's reading of {@code MotionPhoto}, the directory, {@code MicroVideo}). */
    static Optional<Claim> claim(JsonNode tags) {
        Optional<Claim> found = Optional.empty();
        if (truthy(tags.path("MotionPhoto"))) {
            // exiftool 12.57 names the motion photo's (to it unknown) container list "Directory", and keeps
            // "ContainerDirectory" for Google's older depth-map container; later versions name it
            // "ContainerDirectory". The item is looked for in both.
            for (String list : List.of("ContainerDirectory", "Directory")) {
                for (JsonNode entry : tags.path(list)) {
                    JsonNode item = entry.path("Item");
                    if (found.isEmpty() && "MotionPhoto".equals(item.path("Semantic").asText())) {
                        found = Optional.of(claim(MotionPhoto.Format.GOOGLE_MOTION_PHOTO, text(item.path("Length")), text(item.path("Padding"))));
                    }
                }
            }
            if (found.isEmpty()) {
                found = Optional.of(Claim.broken(MotionPhoto.Format.GOOGLE_MOTION_PHOTO,
                        "MotionPhoto is set but no Container:Directory item has the semantic MotionPhoto"));
            }
        }
        if (truthy(tags.path("MicroVideo")) && !tags.path("MicroVideoOffset").isMissingNode()) {
            found = Optional.of(claim(MotionPhoto.Format.GOOGLE_MICRO_VIDEO, text(tags.path("MicroVideoOffset")), Optional.empty()));
        }
        return found;
    }

    /** The claim in the XMP metadata-extractor read (the reader without exiftool). */
    static Optional<Claim> claim(Metadata library) {
        XmpDirectory dir = library == null ? null : library.getFirstDirectoryOfType(XmpDirectory.class);
        XMPMeta xmp = dir == null ? null : dir.getXMPMeta();
        if (xmp == null) {
            return Optional.empty();
        }
        Optional<Claim> found = Optional.empty();
        if (truthy(property(xmp, NS_GCAMERA, "MotionPhoto"))) {
            try {
                int n = xmp.doesPropertyExist(NS_CONTAINER, "Directory") ? xmp.countArrayItems(NS_CONTAINER, "Directory") : 0;
                for (int i = 1; i <= n && found.isEmpty(); i++) {
                    String item = XMPPathFactory.composeArrayItemPath("Directory", i)
                            + XMPPathFactory.composeStructFieldPath(NS_CONTAINER, "Item");
                    if ("MotionPhoto".equals(property(xmp, NS_CONTAINER, item + XMPPathFactory.composeStructFieldPath(NS_ITEM, "Semantic")).orElse(""))) {
                        found = Optional.of(claim(MotionPhoto.Format.GOOGLE_MOTION_PHOTO,
                                property(xmp, NS_CONTAINER, item + XMPPathFactory.composeStructFieldPath(NS_ITEM, "Length")),
                                property(xmp, NS_CONTAINER, item + XMPPathFactory.composeStructFieldPath(NS_ITEM, "Padding"))));
                    }
                }
            } catch (XMPException e) {
                // A directory that is not a list of items: no item found, said below.
            }
            if (found.isEmpty()) {
                found = Optional.of(Claim.broken(MotionPhoto.Format.GOOGLE_MOTION_PHOTO,
                        "MotionPhoto is set but no Container:Directory item has the semantic MotionPhoto"));
            }
        }
        Optional<String> offset = property(xmp, NS_GCAMERA, "MicroVideoOffset");
        if (truthy(property(xmp, NS_GCAMERA, "MicroVideo")) && offset.isPresent()) {
            found = Optional.of(claim(MotionPhoto.Format.GOOGLE_MICRO_VIDEO, offset, Optional.empty()));
        }
        return found;
    }

    private static Claim claim(MotionPhoto.Format format, Optional<String> length, Optional<String> padding) {
        OptionalLong l = length.map(MotionPhotos::number).orElse(OptionalLong.of(0));
        OptionalLong p = padding.map(MotionPhotos::number).orElse(OptionalLong.of(0));
        if (l.isEmpty()) {
            return Claim.broken(format, "its length \"" + length.orElse("") + "\" is not a whole number of bytes");
        }
        if (p.isEmpty()) {
            return Claim.broken(format, "its padding \"" + padding.orElse("") + "\" is not a whole number of bytes");
        }
        return new Claim(format, l.getAsLong(), p.getAsLong(), Optional.empty());
    }

    /**
     * Where the embedded video of {@code file} is, checked against the file's bytes. Reads the
     * file's last bytes (a Samsung trailer), and when there is a claim, the still's own structure up
     * to the claimed start and the claimed start's first 8 bytes: never the video itself.
     */
    static MotionPhoto locate(Path file, Optional<Claim> xmp) throws MediaException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            MotionPhoto samsung = samsungTrailer(ch, size);
            if (!(samsung instanceof MotionPhoto.None)) {
                return samsung instanceof MotionPhoto.Embedded e ? check(ch, size, e.format(), e.offset(), e.length()) : samsung;
            }
            Optional<long[]> mpvd = mpvdBox(ch, size);
            if (mpvd.isPresent()) {
                // A HEIC motion photo keeps its video in a top-level 'mpvd' box (libheif refuses a
                // second top-level ftyp); Immich reads that box (exiftool's MotionPhotoVideo) before
                // the XMP's length too. The box alone counts here (it holds nothing but a motion
                // photo's video), because metadata-extractor does not read a HEIC's XMP.
                return check(ch, size, MotionPhoto.Format.GOOGLE_MOTION_PHOTO, mpvd.get()[0], mpvd.get()[1]);
            }
            if (xmp.isEmpty()) {
                return MotionPhoto.NONE;
            }
            Claim c = xmp.get();
            if (c.problem().isPresent()) {
                return new MotionPhoto.Invalid(c.format(), c.problem().get());
            }
            if (c.length() <= 0) {
                return new MotionPhoto.Invalid(c.format(), "its length is " + c.length() + " bytes");
            }
            if (c.padding() < 0) {
                return new MotionPhoto.Invalid(c.format(), "its padding is " + c.padding() + " bytes");
            }
            if (c.length() > size || c.padding() > size - c.length()) {
                return new MotionPhoto.Invalid(c.format(), "its length (" + c.length() + " bytes) and padding (" + c.padding()
                        + ") are more than the file's " + size + " bytes");
            }
            return check(ch, size, c.format(), size - c.length() - c.padding(), c.length());
        } catch (IOException e) {
            throw SourceCheck.io(file, "looking for the motion photo video in", e);
        }
    }

    /** The checks every claim passes before it is believed. */
    private static MotionPhoto check(FileChannel ch, long size, MotionPhoto.Format format, long offset, long length) throws IOException {
        if (length <= 0) {
            return new MotionPhoto.Invalid(format, "its length is " + length + " bytes");
        }
        if (offset < 0 || offset > size - length) {
            return new MotionPhoto.Invalid(format, "its " + length + " bytes at offset " + offset + " run past the end of the file ("
                    + size + " bytes)");
        }
        Optional<String> inside = insideTheStill(ch, offset);
        if (inside.isPresent()) {
            return new MotionPhoto.Invalid(format, "it starts at byte " + offset + ", inside the still's own bytes (" + inside.get() + ")");
        }
        ByteBuffer head = read(ch, offset, 8);
        long boxSize = head.remaining() == 8 ? Integer.toUnsignedLong(head.getInt(0)) : 0;
        String type = head.remaining() == 8 ? ascii(head, 4, 4) : "";
        // A first box of size 1 carries a 64-bit size after its type: the check of that size is the decoder's.
        if (!type.equals("ftyp") || (boxSize != 1 && (boxSize < 8 || boxSize > length))) {
            return new MotionPhoto.Invalid(format, "the " + length + " bytes at offset " + offset
                    + " are not an MP4 or QuickTime file (they do not start with an ftyp box)");
        }
        return new MotionPhoto.Embedded(format, offset, length);
    }

    /** Why {@code offset} lies inside the still's own data (a JPEG up to its end marker, a HEIC's top-level boxes), if it does. */
    private static Optional<String> insideTheStill(FileChannel ch, long offset) throws IOException {
        ByteBuffer head = read(ch, 0, 12);
        if (head.remaining() >= 3 && (head.get(0) & 0xFF) == 0xFF && (head.get(1) & 0xFF) == 0xD8 && (head.get(2) & 0xFF) == 0xFF) {
            OptionalLong end = jpegEnd(ch, offset);
            return end.isPresent() ? Optional.empty() : Optional.of("the JPEG has no end marker before that byte");
        }
        if (head.remaining() >= 8 && ascii(head, 4, 4).equals("ftyp")) {
            return heifBoxesBefore(ch, offset);
        }
        return Optional.of("the still is neither a JPEG nor a HEIC file, so where its own bytes end is not known");
    }

    /**
     * The offset just after the JPEG's end-of-image marker, if it comes at or before {@code limit}:
     * segments are skipped by their lengths, entropy-coded data is scanned for the next marker (0xFF
     * followed by neither 0x00, a restart marker nor fill). Reads at most {@code limit} bytes.
     */
    static OptionalLong jpegEnd(FileChannel ch, long limit) throws IOException {
        Bytes in = new Bytes(ch, limit);
        in.skip(2);
        boolean entropy = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return OptionalLong.empty();
            }
            if (b != 0xFF) {
                if (entropy) {
                    continue;
                }
                return OptionalLong.empty();
            }
            int marker = in.read();
            while (marker == 0xFF) {
                marker = in.read();
            }
            if (marker < 0) {
                return OptionalLong.empty();
            }
            if (marker == 0xD9) {
                return OptionalLong.of(in.position());
            }
            if (marker == 0x00 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                continue;
            }
            int hi = in.read();
            int lo = in.read();
            if (lo < 0) {
                return OptionalLong.empty();
            }
            int length = (hi << 8) | lo;
            if (length < 2) {
                return OptionalLong.empty();
            }
            if (!in.skip(length - 2)) {
                return OptionalLong.empty();
            }
            // After a start of scan, entropy-coded data runs to the next real marker.
            entropy = marker == 0xDA;
        }
    }

    /** Whether the HEIC's top-level boxes end exactly at {@code offset} (or its 'mpvd' box's content starts there). */
    private static Optional<String> heifBoxesBefore(FileChannel ch, long offset) throws IOException {
        long pos = 0;
        while (pos < offset) {
            ByteBuffer h = read(ch, pos, 16);
            if (h.remaining() < 8) {
                return Optional.of("the HEIC's boxes end before it");
            }
            long boxSize = Integer.toUnsignedLong(h.getInt(0));
            String type = ascii(h, 4, 4);
            int header = 8;
            if (boxSize == 1) {
                if (h.remaining() < 16) {
                    return Optional.of("the HEIC's box '" + type + "' at byte " + pos + " is cut short");
                }
                boxSize = h.getLong(8);
                header = 16;
            } else if (boxSize == 0) {
                boxSize = ch.size() - pos;
            }
            if (type.equals("mpvd") && pos + header == offset) {
                return Optional.empty();
            }
            if (boxSize < header || pos > ch.size() - boxSize) {
                return Optional.of("the HEIC's box '" + type + "' at byte " + pos + " has an impossible size " + boxSize);
            }
            if (pos + boxSize > offset) {
                return Optional.of("the HEIC's box '" + type + "' at byte " + pos + " runs to byte " + (pos + boxSize));
            }
            pos += boxSize;
        }
        return Optional.empty();
    }

    /** The content (start, length) of a HEIC's top-level 'mpvd' box, if the file is ISO-BMFF and has one. */
    private static Optional<long[]> mpvdBox(FileChannel ch, long size) throws IOException {
        long pos = 0;
        for (int boxes = 0; boxes < 10_000 && pos <= size - 8; boxes++) {
            ByteBuffer h = read(ch, pos, 16);
            long boxSize = Integer.toUnsignedLong(h.getInt(0));
            String type = ascii(h, 4, 4);
            if (boxes == 0 && !type.equals("ftyp")) {
                return Optional.empty();
            }
            int header = 8;
            if (boxSize == 1 && h.remaining() == 16) {
                boxSize = h.getLong(8);
                header = 16;
            } else if (boxSize == 0) {
                boxSize = size - pos;
            }
            if (boxSize < header || boxSize > size - pos) {
                return Optional.empty();
            }
            if (type.equals("mpvd")) {
                return Optional.of(new long[]{pos + header, boxSize - header});
            }
            pos += boxSize;
        }
        return Optional.empty();
    }

    /**
     * The Samsung trailer's video entry, read as exiftool's Samsung.pm does: the file ends with the
     * directory's length and "SEFT"; the directory ("SEFH", version, count, 12-byte entries of type,
     * distance back from the directory and size) points at blocks of type, name length, name, data.
     */
    private static MotionPhoto samsungTrailer(FileChannel ch, long size) throws IOException {
        MotionPhoto.Format f = MotionPhoto.Format.SAMSUNG;
        if (size < 8) {
            return MotionPhoto.NONE;
        }
        ByteBuffer tail = read(ch, size - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
        if (tail.remaining() < 8 || !ascii(tail, 4, 4).equals("SEFT")) {
            return MotionPhoto.NONE;
        }
        long dirLength = Integer.toUnsignedLong(tail.getInt(0));
        if (dirLength < 12 || dirLength >= 0x10000 || dirLength + 8 > size) {
            return new MotionPhoto.Invalid(f, "its trailer's directory length " + dirLength + " is out of range");
        }
        long dirPos = size - 8 - dirLength;
        ByteBuffer dir = read(ch, dirPos, (int) dirLength).order(ByteOrder.LITTLE_ENDIAN);
        if (!ascii(dir, 0, 4).equals("SEFH")) {
            return new MotionPhoto.Invalid(f, "its trailer's directory does not start with SEFH");
        }
        long count = Integer.toUnsignedLong(dir.getInt(8));
        if (12 + 12 * count > dirLength) {
            return new MotionPhoto.Invalid(f, "its trailer's directory claims " + count + " entries in " + dirLength + " bytes");
        }
        for (int i = 0; i < count; i++) {
            int e = 12 + 12 * i;
            if ((dir.getShort(e + 2) & 0xFFFF) != SAMSUNG_VIDEO) {
                continue;
            }
            long back = Integer.toUnsignedLong(dir.getInt(e + 4));
            long blockSize = Integer.toUnsignedLong(dir.getInt(e + 8));
            if (back > dirPos || blockSize > back || blockSize < 8) {
                return new MotionPhoto.Invalid(f, "its trailer's video entry (" + blockSize + " bytes, " + back
                        + " bytes before the directory at " + dirPos + ") lies outside the file");
            }
            long blockPos = dirPos - back;
            ByteBuffer block = read(ch, blockPos, 8).order(ByteOrder.LITTLE_ENDIAN);
            long nameLength = Integer.toUnsignedLong(block.getInt(4));
            if (nameLength + 8 > blockSize) {
                return new MotionPhoto.Invalid(f, "its trailer's video block names " + nameLength + " bytes in a block of " + blockSize);
            }
            ByteBuffer name = read(ch, blockPos + 8, (int) Math.min(nameLength, 64));
            if (!ascii(name, 0, name.remaining()).equals(SAMSUNG_VIDEO_NAME)) {
                return MotionPhoto.NONE;
            }
            return new MotionPhoto.Embedded(f, blockPos + 8 + nameLength, blockSize - 8 - nameLength);
        }
        return MotionPhoto.NONE;
    }

    /** What {@link #copy} wrote: the SHA-1 of the video's bytes (Immich's checksum for it) and their count. */
    public record Copied(byte[] sha1, long size) {
    }

    /**
     * Copies the embedded video to {@code target} (created, or truncated), hashing it on the way,
     * a megabyte at a time, and makes it durable.
     *
     * @throws MediaException transient when reading or writing fails, or when the still became
     *                        shorter than the video's end since it was located
     */
    public static Copied copy(Path file, MotionPhoto.Embedded video, Path target) throws MediaException {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = video.offset();
            long end = video.offset() + video.length();
            while (pos < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                int n = in.read(buf, pos);
                if (n < 0) {
                    throw new MediaException(MediaException.Reason.IO, file, file + " ended at byte " + pos
                            + " while its motion photo video was copied (it should run to byte " + end + "); was it replaced?");
                }
                pos += n;
                buf.flip();
                sha1.update(buf.duplicate());
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            }
            out.force(true);
            return new Copied(sha1.digest(), video.length());
        } catch (IOException e) {
            throw SourceCheck.io(file, "copying the motion photo video out of", e);
        }
    }

    private static ByteBuffer read(FileChannel ch, long pos, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        return b.flip();
    }

    private static String ascii(ByteBuffer b, int from, int length) {
        byte[] s = new byte[Math.max(0, Math.min(length, b.remaining() - from))];
        b.get(from, s);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    private static boolean truthy(JsonNode n) {
        return n.isNumber() ? n.asDouble() != 0 : truthy(n.isTextual() ? Optional.of(n.asText()) : Optional.empty());
    }

    private static boolean truthy(Optional<String> v) {
        return v.map(String::strip).filter(s -> !s.isEmpty() && !s.equals("0") && !s.equalsIgnoreCase("false")).isPresent();
    }

    private static Optional<String> text(JsonNode n) {
        return n.isValueNode() && !n.isNull() ? Optional.of(n.asText()) : Optional.empty();
    }

    private static Optional<String> property(XMPMeta xmp, String ns, String path) {
        try {
            return Optional.ofNullable(xmp.getPropertyString(ns, path));
        } catch (XMPException e) {
            return Optional.empty();
        }
    }

    private static OptionalLong number(String s) {
        try {
            return OptionalLong.of(Long.parseLong(s.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A forward reader over a file channel that stops at {@code limit}. */
    private static final class Bytes {
        private final FileChannel ch;
        private final long limit;
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024).limit(0);
        private long bufStart;

        Bytes(FileChannel ch, long limit) {
            this.ch = ch;
            this.limit = limit;
        }

        long position() {
            return bufStart + buf.position();
        }

        int read() throws IOException {
            if (!buf.hasRemaining()) {
                bufStart += buf.limit();
                buf.clear();
                buf.limit((int) Math.max(0, Math.min(buf.capacity(), limit - bufStart)));
                if (buf.limit() == 0 || ch.read(buf, bufStart) <= 0) {
                    buf.limit(0);
                    return -1;
                }
                buf.flip();
            }
            return buf.get() & 0xFF;
        }

        /** Skips {@code n} bytes; false when that passes the limit. */
        boolean skip(long n) {
            long target = position() + n;
            if (target > limit) {
                return false;
            }
            bufStart = target;
            buf.limit(0);
            return true;
        }
    }
}
