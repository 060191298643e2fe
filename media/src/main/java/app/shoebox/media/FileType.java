package app.shoebox.media;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The file formats Shoebox accepts, and the check that a file's bytes agree with its name.
 *
 * <p>The extension says what a file claims to be; the first bytes say what it is. A file is
 * accepted when both agree on a format family (so a {@code .jpg} that is really a PNG is still an
 * image, but a {@code .jpg} that is text is refused), or when it has no known extension and its
 * bytes alone identify it (clients that send {@code application/octet-stream} with a bare name).
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
    SVG(MediaKind.IMAGE, "image/svg+xml", Family.SVG, ".svg"),
    // Camera raw formats. Most are TIFF containers; the rest have signatures of their own.
    DNG(MediaKind.IMAGE, "image/x-adobe-dng", Family.TIFF, ".dng"),
    RAW_TIFF_BASED(MediaKind.IMAGE, "image/x-raw", Family.TIFF, ".3fr", ".ari", ".arw", ".cap", ".dcr", ".erf", ".fff",
            ".iiq", ".k25", ".kdc", ".nef", ".nrw", ".orf", ".ori", ".pef", ".raw", ".rw2", ".rwl", ".sr2", ".srf",
            ".srw", ".cr2"),
    CR3(MediaKind.IMAGE, "image/x-canon-cr3", Family.ISO_BMFF, ".cr3"),
    CRW(MediaKind.IMAGE, "image/x-canon-crw", Family.CRW, ".crw"),
    RAF(MediaKind.IMAGE, "image/x-fuji-raf", Family.RAF, ".raf"),
    MRW(MediaKind.IMAGE, "image/x-minolta-mrw", Family.MRW, ".mrw"),
    X3F(MediaKind.IMAGE, "image/x-sigma-x3f", Family.X3F, ".x3f"),
    CIN(MediaKind.IMAGE, "image/x-cineon", Family.ANY, ".cin"),

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

    /** How many leading bytes {@link #detect} needs to see. */
    public static final int HEAD_BYTES = 64;

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
        Optional<FileType> claimed = ext.map(BY_EXTENSION::get);
        if (claimed.isPresent()) {
            FileType type = claimed.get();
            if (type.family == Family.ANY || actual.filter(f -> compatible(type.family, f)).isPresent()) {
                return new Detection.Accepted(type);
            }
            return new Detection.Refused(fileName + " is named like " + type.describe() + " but its content is "
                    + actual.map(Family::description).orElse("not a recognised image or video")
                    + "; the file may be corrupt or mislabelled");
        }
        Optional<FileType> byBytes = actual.flatMap(Family::canonical);
        if (ext.isEmpty() && byBytes.isPresent()) {
            return new Detection.Accepted(byBytes.get());
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
        return family == Family.ANY || Family.sniff(head).filter(f -> compatible(family, f)).isPresent();
    }

    /** What the first bytes look like, in words ("a PNG image"), for error messages. */
    public static String describeContent(byte[] head) {
        return Family.sniff(head).map(Family::description).orElse("not a recognised image or video");
    }

    private String describe() {
        return (kind == MediaKind.IMAGE ? "an image" : "a video") + " (" + extensions.getFirst() + ")";
    }

    private static boolean compatible(Family claimed, Family actual) {
        if (claimed == actual) {
            return true;
        }
        // Phones and cameras mislabel within images all the time (a PNG saved as .jpg, a HEIC as
        // .jpg by some exports): the bytes are still a picture we can decode, so accept them.
        return claimed.image && actual.image;
    }

    /** Container signatures. */
    enum Family {
        JPEG("a JPEG image", true),
        PNG("a PNG image", true),
        GIF("a GIF image", true),
        RIFF_WEBP("a WebP image", true),
        BMP("a BMP image", true),
        TIFF("a TIFF image", true),
        JXL("a JPEG XL image", true),
        JP2("a JPEG 2000 image", true),
        PSD("a Photoshop image", true),
        SVG("an SVG image", true),
        CRW("a Canon CRW raw image", true),
        RAF("a Fujifilm RAF raw image", true),
        MRW("a Minolta MRW raw image", true),
        X3F("a Sigma X3F raw image", true),
        ISO_BMFF("an ISO media file (MP4/MOV/HEIF)", false),
        RIFF_AVI("an AVI video", false),
        EBML("a Matroska/WebM video", false),
        MPEG_TS("an MPEG transport stream", false),
        MPEG_PS("an MPEG program stream", false),
        ASF("a Windows Media file", false),
        FLV("a Flash video", false),
        ANY("any", false);

        final String description;
        final boolean image;

        Family(String description, boolean image) {
            this.description = description;
            this.image = image;
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
                case ISO_BMFF -> Optional.of(FileType.MP4);
                case RIFF_AVI -> Optional.of(FileType.AVI);
                case EBML -> Optional.of(FileType.MATROSKA);
                default -> Optional.empty();
            };
        }

        static Optional<Family> sniff(byte[] b) {
            if (starts(b, 0, 0xFF, 0xD8, 0xFF)) return Optional.of(JPEG);
            if (starts(b, 0, 0x89, 'P', 'N', 'G')) return Optional.of(PNG);
            if (starts(b, 0, 'G', 'I', 'F', '8')) return Optional.of(GIF);
            if (starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'E', 'B', 'P')) return Optional.of(RIFF_WEBP);
            if (starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'A', 'V', 'I', ' ')) return Optional.of(RIFF_AVI);
            if (starts(b, 0, 'B', 'M') && b.length >= 14) return Optional.of(BMP);
            if (starts(b, 0, 'I', 'I', 0x1A, 0, 0, 0, 'H', 'E', 'A', 'P')) return Optional.of(CRW);
            // TIFF and the raw formats built on it (Olympus and Panasonic vary the magic number).
            if (starts(b, 0, 'I', 'I') && b.length >= 4 && (b[2] == 0x2A || b[2] == 'R' || b[2] == 'U') && b[3] == 0) {
                return Optional.of(TIFF);
            }
            if (starts(b, 0, 'M', 'M', 0, 0x2A) || starts(b, 0, 'I', 'I', 0x2B, 0) || starts(b, 0, 'M', 'M', 0, 0x2B)) {
                return Optional.of(TIFF);
            }
            if (starts(b, 0, 0xFF, 0x0A) || starts(b, 0, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ')) return Optional.of(JXL);
            if (starts(b, 0, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ')) return Optional.of(JP2);
            if (starts(b, 4, 'f', 't', 'y', 'p') || starts(b, 4, 'm', 'o', 'o', 'v') || starts(b, 4, 'm', 'd', 'a', 't')
                    || starts(b, 4, 'w', 'i', 'd', 'e') || starts(b, 4, 'f', 'r', 'e', 'e')) {
                return Optional.of(ISO_BMFF);
            }
            if (starts(b, 0, 0x1A, 0x45, 0xDF, 0xA3)) return Optional.of(EBML);
            if (starts(b, 0, 0x47) && (b.length < 189 || b[188] == 0x47)) return Optional.of(MPEG_TS);
            // M2TS prefixes every 188-byte packet with a 4-byte timestamp.
            if (b.length > 4 && b[4] == 0x47 && starts(b, 0, 0, 0)) return Optional.of(MPEG_TS);
            if (starts(b, 0, 0, 0, 1, 0xBA)) return Optional.of(MPEG_PS);
            if (starts(b, 0, 0x30, 0x26, 0xB2, 0x75)) return Optional.of(ASF);
            if (starts(b, 0, 'F', 'L', 'V')) return Optional.of(FLV);
            if (starts(b, 0, '8', 'B', 'P', 'S')) return Optional.of(PSD);
            if (starts(b, 0, 'F', 'U', 'J', 'I', 'F', 'I', 'L', 'M')) return Optional.of(RAF);
            if (starts(b, 0, 0, 'M', 'R', 'M')) return Optional.of(MRW);
            if (starts(b, 0, 'F', 'O', 'V', 'b')) return Optional.of(X3F);
            if (looksLikeSvg(b)) return Optional.of(SVG);
            return Optional.empty();
        }

        private static boolean looksLikeSvg(byte[] b) {
            String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).stripLeading();
            return text.startsWith("<svg") || (text.startsWith("<?xml") && text.contains("<svg"));
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
