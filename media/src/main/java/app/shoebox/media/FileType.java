package app.shoebox.media;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The file formats Shoebox accepts, and the check that a file's bytes agree with its name.
 *
 * <p>The extension says what a file claims to be; the first bytes say what it is. Every accepted
 * type has a signature (its magic number) that its first {@link #HEAD_BYTES} bytes must carry: a
 * type whose bytes cannot be checked is not accepted. A file is accepted when name and bytes agree
 * on a format family (so a {@code .jpg} that is really a PNG is still an image, but a {@code .jpg}
 * that is text or HTML is refused), or when it has no known extension and its bytes alone identify
 * it (clients that send {@code application/octet-stream} with a bare name).
 *
 * <p>SVG is not accepted at all: an SVG is a document that may carry scripts, and Immich does not
 * take it either. Its signature, like HTML's, PDF's and PostScript's, is known only to say what a
 * refused file is.
 */
public enum FileType {
    JPEG(MediaKind.IMAGE, "image/jpeg", Family.JPEG, ".jpg", ".jpeg", ".jpe", ".insp"),
    PNG(MediaKind.IMAGE, "image/png", Family.PNG, ".png"),
    GIF(MediaKind.IMAGE, "image/gif", Family.GIF, ".gif"),
    WEBP(MediaKind.IMAGE, "image/webp", Family.RIFF_WEBP, ".webp"),
    BMP(MediaKind.IMAGE, "image/bmp", Family.BMP, ".bmp"),
    TIFF(MediaKind.IMAGE, "image/tiff", Family.TIFF, ".tif", ".tiff"),
    HEIC(MediaKind.IMAGE, "image/heic", Family.ISO_BMFF, ".heic"),
    HEIF(MediaKind.IMAGE, "image/heif", Family.ISO_BMFF, ".heif", ".hif"),
    AVIF(MediaKind.IMAGE, "image/avif", Family.ISO_BMFF, ".avif"),
    JXL(MediaKind.IMAGE, "image/jxl", Family.JXL, ".jxl"),
    JP2(MediaKind.IMAGE, "image/jp2", Family.JP2, ".jp2"),
    PSD(MediaKind.IMAGE, "image/vnd.adobe.photoshop", Family.PSD, ".psd"),
    // Camera raw formats. Most are TIFF containers; the rest have signatures of their own.
    DNG(MediaKind.IMAGE, "image/x-adobe-dng", Family.TIFF, ".dng"),
    RAW_TIFF_BASED(MediaKind.IMAGE, "image/x-raw", Family.TIFF, ".3fr", ".arw", ".cap", ".dcr", ".erf", ".fff",
            ".iiq", ".k25", ".kdc", ".nef", ".nrw", ".orf", ".ori", ".pef", ".raw", ".rw2", ".rwl", ".sr2", ".srf",
            ".srw", ".cr2"),
    ARRIRAW(MediaKind.IMAGE, "image/x-arri", Family.ARRI, ".ari"),
    CR3(MediaKind.IMAGE, "image/x-canon-cr3", Family.ISO_BMFF, ".cr3"),
    CRW(MediaKind.IMAGE, "image/x-canon-crw", Family.CRW, ".crw"),
    RAF(MediaKind.IMAGE, "image/x-fuji-raf", Family.RAF, ".raf"),
    MRW(MediaKind.IMAGE, "image/x-minolta-mrw", Family.MRW, ".mrw"),
    X3F(MediaKind.IMAGE, "image/x-sigma-x3f", Family.X3F, ".x3f"),
    CIN(MediaKind.IMAGE, "image/x-cineon", Family.CINEON, ".cin"),

    MP4(MediaKind.VIDEO, "video/mp4", Family.ISO_BMFF, ".mp4", ".m4v", ".insv"),
    QUICKTIME(MediaKind.VIDEO, "video/quicktime", Family.ISO_BMFF, ".mov"),
    THREE_GP(MediaKind.VIDEO, "video/3gpp", Family.ISO_BMFF, ".3gp", ".3gpp"),
    AVI(MediaKind.VIDEO, "video/x-msvideo", Family.RIFF_AVI, ".avi"),
    MATROSKA(MediaKind.VIDEO, "video/x-matroska", Family.EBML, ".mkv"),
    WEBM(MediaKind.VIDEO, "video/webm", Family.EBML, ".webm"),
    MPEG_TS(MediaKind.VIDEO, "video/mp2t", Family.MPEG_TS, ".m2t", ".m2ts", ".mts"),
    MPEG(MediaKind.VIDEO, "video/mpeg", Family.MPEG_PS, ".mpg", ".mpeg", ".mpe", ".vob"),
    WMV(MediaKind.VIDEO, "video/x-ms-wmv", Family.ASF, ".wmv"),
    FLV(MediaKind.VIDEO, "video/x-flv", Family.FLV, ".flv");

    /** How many leading bytes {@link #detect} needs to see (an MPEG transport stream's third packet starts at 376). */
    public static final int HEAD_BYTES = 512;

    /** Names SVG goes by; refused with a reason of its own. */
    private static final List<String> SVG_EXTENSIONS = List.of(".svg", ".svgz");

    private static final Map<String, FileType> BY_EXTENSION = java.util.Arrays.stream(values())
            .flatMap(t -> t.extensions.stream().map(e -> Map.entry(e, t)))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    private final MediaKind kind;
    private final String mimeType;
    private final Family family;
    private final List<String> extensions;

    FileType(MediaKind kind, String mimeType, Family family, String... extensions) {
        this.kind = kind;
        this.mimeType = mimeType;
        this.family = family;
        this.extensions = List.of(extensions);
    }

    public MediaKind kind() {
        return kind;
    }

    public String mimeType() {
        return mimeType;
    }

    /** Extensions with the leading dot, lower case. */
    public List<String> extensions() {
        return extensions;
    }

    /** Every accepted extension of one kind, sorted, as {@code GET /server/media-types} lists them. */
    public static List<String> extensionsOf(MediaKind kind) {
        return BY_EXTENSION.entrySet().stream().filter(e -> e.getValue().kind == kind).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** The type a file name claims, from its extension. */
    public static Optional<FileType> fromFileName(String fileName) {
        return extension(fileName).map(BY_EXTENSION::get);
    }

    /** The lower-case extension with its dot, if the name has one. */
    public static Optional<String> extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1 || fileName.indexOf('/', dot) >= 0) {
            return Optional.empty();
        }
        return Optional.of(fileName.substring(dot).toLowerCase(Locale.ROOT));
    }

    /** The answer of {@link #detect}: a format to store the file as, or why it is refused. */
    public sealed interface Detection {
        record Accepted(FileType type) implements Detection {}

        record Refused(String reason) implements Detection {}
    }

    /**
     * Decides what a file is from its name and its first bytes ({@link #HEAD_BYTES} or fewer when the
     * file is shorter). The reason of a refusal names the file and says what to do.
     */
    public static Detection detect(String fileName, byte[] head) {
        if (head.length == 0) {
            return new Detection.Refused(fileName + " is empty (0 bytes); nothing to store");
        }
        Optional<Family> actual = Family.sniff(head);
        Optional<String> ext = extension(fileName);
        if (ext.filter(SVG_EXTENSIONS::contains).isPresent() || actual.filter(f -> f == Family.SVG).isPresent()) {
            return new Detection.Refused(fileName + " is an SVG image, which Shoebox does not accept: SVG can carry scripts "
                    + "(Immich does not take SVG either); convert it to PNG or JPEG first");
        }
        Optional<FileType> claimed = ext.map(BY_EXTENSION::get);
        if (claimed.isPresent() && actual.filter(f -> compatible(claimed.get().family, f)).isPresent()) {
            return new Detection.Accepted(claimed.get());
        }
        // A supported image or video under the wrong name (a PNG called .mp4) is stored as what its
        // bytes are, as Immich does: the content decides, the name only chooses among its kin.
        Optional<FileType> byBytes = actual.flatMap(Family::canonical);
        if (byBytes.isPresent()) {
            return new Detection.Accepted(byBytes.get());
        }
        if (claimed.isPresent()) {
            return new Detection.Refused(fileName + " is named like " + claimed.get().describe() + " but its content is "
                    + actual.map(Family::description).orElse("not a recognised image or video")
                    + "; the file may be corrupt or mislabelled");
        }
        return new Detection.Refused(fileName + " has an unsupported file type"
                + ext.map(e -> " (" + e + ")").orElse(" (no extension)")
                + "; supported are common image, raw and video formats (see GET /api/server/media-types)");
    }

    /**
     * Whether the first bytes of a file agree with this type (the same rule as {@link #detect}, for a
     * file whose type is already known, e.g. stored under a name without its original extension).
     */
    public boolean contentMatches(byte[] head) {
        return Family.sniff(head).filter(f -> compatible(family, f)).isPresent();
    }

    /**
     * The type to decode a file of this type as, judged by its first bytes: this type when they
     * carry its signature, else the type their signature names (a PNG saved as {@code .jpg} is
     * decoded as a PNG), else this type. Decoders are chosen by this, so no file reaches a decoder
     * for a format its bytes are not.
     */
    public FileType decodeAs(byte[] head) {
        Optional<Family> actual = Family.sniff(head);
        if (actual.isEmpty() || actual.get() == family || !compatible(family, actual.get())) {
            return this;
        }
        return actual.get().canonical().orElse(this);
    }

    /** What the first bytes look like, in words ("a PNG image"), for error messages. */
    public static String describeContent(byte[] head) {
        return Family.sniff(head).map(Family::description).orElse("not a recognised image or video");
    }

    private String describe() {
        return (kind == MediaKind.IMAGE ? "an image" : "a video") + " (" + extensions.getFirst() + ")";
    }

    private static boolean compatible(Family claimed, Family actual) {
        if (!actual.accepted) {
            return false;
        }
        if (claimed == actual) {
            return true;
        }
        // Phones and cameras mislabel within images all the time (a PNG saved as .jpg, a HEIC as
        // .jpg by some exports): the bytes are still a picture we can decode, so accept them.
        return claimed.image && actual.image;
    }

    /** Container signatures: what the first bytes of each family must be. */
    enum Family {
        JPEG("a JPEG image", true, b -> starts(b, 0, 0xFF, 0xD8, 0xFF)),
        PNG("a PNG image", true, b -> starts(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)),
        GIF("a GIF image", true, b -> starts(b, 0, 'G', 'I', 'F', '8') && (starts(b, 4, '7', 'a') || starts(b, 4, '9', 'a'))),
        RIFF_WEBP("a WebP image", true, b -> starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'E', 'B', 'P', 'V', 'P', '8')),
        BMP("a BMP image", true, Family::isBmp),
        CRW("a Canon CRW raw image", true, b -> starts(b, 0, 'I', 'I', 0x1A, 0, 0, 0, 'H', 'E', 'A', 'P', 'C', 'C', 'D', 'R')),
        TIFF("a TIFF image", true, Family::isTiff),
        ARRI("an ARRIRAW image", true, b -> starts(b, 0, 'A', 'R', 'R', 'I', 0x12, 0x34, 0x56, 0x78)),
        JXL("a JPEG XL image", true, b -> starts(b, 0, 0xFF, 0x0A)
                || starts(b, 0, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A)),
        JP2("a JPEG 2000 image", true, b -> starts(b, 0, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A)),
        PSD("a Photoshop image", true, b -> starts(b, 0, '8', 'B', 'P', 'S', 0, 1) || starts(b, 0, '8', 'B', 'P', 'S', 0, 2)),
        RAF("a Fujifilm RAF raw image", true, b -> starts(b, 0, 'F', 'U', 'J', 'I', 'F', 'I', 'L', 'M', 'C', 'C', 'D', '-', 'R', 'A', 'W')),
        MRW("a Minolta MRW raw image", true, b -> starts(b, 0, 0, 'M', 'R', 'M') || starts(b, 0, 0, 'M', 'R', 'I')),
        X3F("a Sigma X3F raw image", true, b -> starts(b, 0, 'F', 'O', 'V', 'b')),
        // Cineon's magic number, big- or little-endian (SMPTE 268 describes the same for DPX).
        CINEON("a Cineon image", true, b -> starts(b, 0, 0x80, 0x2A, 0x5F, 0xD7) || starts(b, 0, 0xD7, 0x5F, 0x2A, 0x80)),
        ISO_BMFF("an ISO media file (MP4/MOV/HEIF)", false, Family::isIsoMedia),
        RIFF_AVI("an AVI video", false, b -> starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'A', 'V', 'I', ' ')),
        EBML("a Matroska/WebM video", false, b -> starts(b, 0, 0x1A, 0x45, 0xDF, 0xA3)),
        MPEG_TS("an MPEG transport stream", false, Family::isTransportStream),
        MPEG_PS("an MPEG program stream", false, b -> starts(b, 0, 0, 0, 1, 0xBA) || starts(b, 0, 0, 0, 1, 0xB3)),
        ASF("a Windows Media file", false, b -> starts(b, 0, 0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11,
                0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C)),
        FLV("a Flash video", false, b -> starts(b, 0, 'F', 'L', 'V', 1)),
        // Never accepted; recognised to say what a refused file is.
        SVG("an SVG image", Family::looksLikeSvg),
        HTML("an HTML document", Family::looksLikeHtml),
        PDF("a PDF document", b -> starts(b, 0, '%', 'P', 'D', 'F', '-')),
        POSTSCRIPT("a PostScript document", b -> starts(b, 0, '%', '!') || starts(b, 0, 0xC5, 0xD0, 0xD3, 0xC6));

        final String description;
        final boolean image;
        final boolean accepted;
        private final Predicate<byte[]> signature;

        Family(String description, boolean image, Predicate<byte[]> signature) {
            this.description = description;
            this.image = image;
            this.accepted = true;
            this.signature = signature;
        }

        Family(String description, Predicate<byte[]> signature) {
            this.description = description;
            this.image = false;
            this.accepted = false;
            this.signature = signature;
        }

        String description() {
            return description;
        }

        Optional<FileType> canonical() {
            return switch (this) {
                case JPEG -> Optional.of(FileType.JPEG);
                case PNG -> Optional.of(FileType.PNG);
                case GIF -> Optional.of(FileType.GIF);
                case RIFF_WEBP -> Optional.of(FileType.WEBP);
                case BMP -> Optional.of(FileType.BMP);
                case TIFF -> Optional.of(FileType.TIFF);
                case JXL -> Optional.of(FileType.JXL);
                case JP2 -> Optional.of(FileType.JP2);
                case PSD -> Optional.of(FileType.PSD);
                case CRW -> Optional.of(FileType.CRW);
                case ARRI -> Optional.of(FileType.ARRIRAW);
                case RAF -> Optional.of(FileType.RAF);
                case MRW -> Optional.of(FileType.MRW);
                case X3F -> Optional.of(FileType.X3F);
                case CINEON -> Optional.of(FileType.CIN);
                case ISO_BMFF -> Optional.of(FileType.MP4);
                case RIFF_AVI -> Optional.of(FileType.AVI);
                case EBML -> Optional.of(FileType.MATROSKA);
                default -> Optional.empty();
            };
        }

        /** The first family whose signature the bytes carry. */
        static Optional<Family> sniff(byte[] b) {
            for (Family f : values()) {
                if (f.signature.test(b)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }

        /** "BM", zero reserved bytes, and one of the DIB header sizes BMP versions use. */
        private static boolean isBmp(byte[] b) {
            if (!starts(b, 0, 'B', 'M') || !starts(b, 6, 0, 0, 0, 0) || b.length < 18) {
                return false;
            }
            int dib = (b[14] & 0xFF) | (b[15] & 0xFF) << 8 | (b[16] & 0xFF) << 16 | (b[17] & 0xFF) << 24;
            return dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124;
        }

        /**
         * TIFF and BigTIFF in both byte orders, and the raw formats that vary its magic number:
         * Olympus ORF ("IIRO", "IIRS", "MMOR"), Panasonic RW2/RAW/RWL ("IIU" and a zero byte),
         * Phase One IIQ/CAP (a four-letter byte order mark, then "Raw" in that byte order).
         */
        private static boolean isTiff(byte[] b) {
            return starts(b, 0, 'I', 'I', 0x2A, 0) || starts(b, 0, 'M', 'M', 0, 0x2A)
                    || starts(b, 0, 'I', 'I', 0x2B, 0) || starts(b, 0, 'M', 'M', 0, 0x2B)
                    || starts(b, 0, 'I', 'I', 'R', 'O') || starts(b, 0, 'I', 'I', 'R', 'S') || starts(b, 0, 'M', 'M', 'O', 'R')
                    || starts(b, 0, 'I', 'I', 'U', 0)
                    || (starts(b, 0, 'I', 'I', 'I', 'I') && starts(b, 5, 'w', 'a', 'R'))
                    || (starts(b, 0, 'M', 'M', 'M', 'M') && starts(b, 4, 'R', 'a', 'w'));
        }

        /** An ISO base media (MP4, MOV, HEIF) file starts with a box: a size of at least 8, then one of these types. */
        private static boolean isIsoMedia(byte[] b) {
            if (b.length < 8) {
                return false;
            }
            long size = (b[0] & 0xFFL) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
            if (size != 1 && size < 8) {
                return false;
            }
            for (String box : List.of("ftyp", "moov", "mdat", "wide", "free", "skip", "pnot")) {
                if (starts(b, 4, box.charAt(0), box.charAt(1), box.charAt(2), box.charAt(3))) {
                    return true;
                }
            }
            return false;
        }

        /**
         * 188-byte packets, each starting with the sync byte 0x47 (192-byte packets with a 4-byte
         * timestamp first in M2TS): at least two in a row, three when the head holds three.
         */
        private static boolean isTransportStream(byte[] b) {
            return syncEvery(b, 0, 188) || syncEvery(b, 4, 192);
        }

        private static boolean syncEvery(byte[] b, int first, int stride) {
            if (b.length <= first + stride) {
                return false;
            }
            for (int i = first; i < b.length; i += stride) {
                if (b[i] != 0x47) {
                    return false;
                }
            }
            return true;
        }

        private static boolean looksLikeSvg(byte[] b) {
            String text = markup(b);
            return text.startsWith("<svg") || ((text.startsWith("<?xml") || text.startsWith("<!--") || text.startsWith("<!doctype"))
                    && text.contains("<svg"));
        }

        private static boolean looksLikeHtml(byte[] b) {
            String text = markup(b);
            return text.startsWith("<!doctype html") || text.startsWith("<html") || text.startsWith("<script")
                    || text.startsWith("<head") || text.startsWith("<body") || text.startsWith("<iframe");
        }

        /** The head as lower-case text, without a byte-order mark or leading white space. */
        private static String markup(byte[] b) {
            String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (text.startsWith("\u00EF\u00BB\u00BF")) {
                text = text.substring(3);
            }
            return text.stripLeading().toLowerCase(Locale.ROOT);
        }

        private static boolean starts(byte[] b, int offset, int... expected) {
            if (b.length < offset + expected.length) {
                return false;
            }
            for (int i = 0; i < expected.length; i++) {
                if ((b[offset + i] & 0xFF) != (expected[i] & 0xFF)) {
                    return false;
                }
            }
            return true;
        }
    }
}
