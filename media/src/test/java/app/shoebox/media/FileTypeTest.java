package app.shoebox.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FileTypeTest {

    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] MP4 = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
    private static final byte[] HEIC = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c'};

    @Test
    void acceptsAFileWhoseBytesMatchItsName() {
        assertThat(FileType.detect("IMG_1.JPG", JPEG)).isEqualTo(new FileType.Detection.Accepted(FileType.JPEG));
        assertThat(FileType.detect("clip.mp4", MP4)).isEqualTo(new FileType.Detection.Accepted(FileType.MP4));
        assertThat(FileType.detect("photo.heic", HEIC)).isEqualTo(new FileType.Detection.Accepted(FileType.HEIC));
    }

    @Test
    void acceptsAnImageMislabelledAsAnotherImage() {
        assertThat(FileType.detect("screenshot.jpg", PNG)).isEqualTo(new FileType.Detection.Accepted(FileType.JPEG));
    }

    @Test
    void refusesAFileClaimingToBeAJpegThatIsNot() {
        var d = FileType.detect("holiday.jpg", "hello, this is text".getBytes(StandardCharsets.UTF_8));
        assertThat(d).isInstanceOf(FileType.Detection.Refused.class);
        assertThat(((FileType.Detection.Refused) d).reason()).contains("holiday.jpg").contains("corrupt or mislabelled");
    }

    @Test
    void imageBytesUnderAVideoNameAreStoredAsWhatTheyAre() {
        assertThat(FileType.detect("movie.mp4", JPEG)).isEqualTo(new FileType.Detection.Accepted(FileType.JPEG));
        assertThat(FileType.detect("still.mp4", PNG)).isEqualTo(new FileType.Detection.Accepted(FileType.PNG));
        assertThat(FileType.detect("notes.txt", PNG)).isEqualTo(new FileType.Detection.Accepted(FileType.PNG));
    }

    @Test
    void refusesEmptyFilesAndUnknownExtensions() {
        assertThat(((FileType.Detection.Refused) FileType.detect("a.jpg", new byte[0])).reason()).contains("empty");
        assertThat(((FileType.Detection.Refused) FileType.detect("notes.txt", "x".getBytes())).reason())
                .contains("unsupported").contains(".txt");
    }

    @Test
    void aBareNameIsIdentifiedByItsBytes() {
        assertThat(FileType.detect("upload", JPEG)).isEqualTo(new FileType.Detection.Accepted(FileType.JPEG));
    }

    @Test
    void extensionsAreListedPerKindWithTheDot() {
        assertThat(FileType.extensionsOf(MediaKind.IMAGE)).contains(".jpg", ".heic", ".dng").doesNotContain(".mp4");
        assertThat(FileType.extensionsOf(MediaKind.VIDEO)).contains(".mp4", ".mov", ".webm").allMatch(e -> e.startsWith("."));
    }

    /** The smallest head that carries each type's signature, padded like the start of a real file. */
    static byte[] sample(FileType type) {
        byte[] b = new byte[FileType.HEAD_BYTES];
        byte[] sig = switch (type) {
            case JPEG -> JPEG;
            case PNG -> PNG;
            case GIF -> "GIF89a".getBytes(StandardCharsets.ISO_8859_1);
            case WEBP -> "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
            case BMP -> new byte[] {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0};
            case TIFF, DNG -> new byte[] {'I', 'I', 0x2A, 0};
            case RAW_TIFF_BASED -> new byte[] {'M', 'M', 0, 0x2A};
            case HEIC, HEIF, AVIF, CR3 -> HEIC;
            case MP4, QUICKTIME, THREE_GP -> MP4;
            case JXL -> new byte[] {(byte) 0xFF, 0x0A};
            case JP2 -> new byte[] {0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, (byte) 0x87, 0x0A};
            case PSD -> new byte[] {'8', 'B', 'P', 'S', 0, 1};
            case ARRIRAW -> new byte[] {'A', 'R', 'R', 'I', 0x12, 0x34, 0x56, 0x78};
            case CRW -> "II\u001a\0\0\0HEAPCCDR".getBytes(StandardCharsets.ISO_8859_1);
            case RAF -> "FUJIFILMCCD-RAW 0201".getBytes(StandardCharsets.ISO_8859_1);
            case MRW -> "\0MRM".getBytes(StandardCharsets.ISO_8859_1);
            case X3F -> "FOVb".getBytes(StandardCharsets.ISO_8859_1);
            case CIN -> new byte[] {(byte) 0x80, 0x2A, 0x5F, (byte) 0xD7};
            case AVI -> "RIFF\0\0\0\0AVI LIST".getBytes(StandardCharsets.ISO_8859_1);
            case MATROSKA, WEBM -> new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};
            case MPEG -> new byte[] {0, 0, 1, (byte) 0xBA};
            case WMV -> new byte[] {0x30, 0x26, (byte) 0xB2, 0x75, (byte) 0x8E, 0x66, (byte) 0xCF, 0x11, (byte) 0xA6, (byte) 0xD9,
                    0x00, (byte) 0xAA, 0x00, 0x62, (byte) 0xCE, 0x6C};
            case FLV -> new byte[] {'F', 'L', 'V', 1};
            case MPEG_TS -> new byte[0];
        };
        System.arraycopy(sig, 0, b, 0, sig.length);
        if (type == FileType.MPEG_TS) {
            for (int i = 0; i < b.length; i += 188) {
                b[i] = 0x47;
            }
        }
        return b;
    }

    static Stream<Arguments> everyExtension() {
        return Arrays.stream(FileType.values()).flatMap(t -> t.extensions().stream().map(e -> Arguments.of(t, e)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyExtension")
    void everyAcceptedExtensionIsRecognisedByItsBytes(FileType type, String extension) {
        assertThat(FileType.detect("f" + extension, sample(type))).isEqualTo(new FileType.Detection.Accepted(type));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyExtension")
    void textUnderEveryAcceptedExtensionIsRefused(FileType type, String extension) {
        for (String text : List.of("hello, this is only text and nothing else at all",
                "<!DOCTYPE html><html><script>alert(document.cookie)</script></html>", "G" + "x".repeat(600),
                "BM this is not a bitmap", "IIII not a raw file", "\0\0\0\0\0\0\0\0")) {
            var d = FileType.detect("f" + extension, text.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(d).as(text).isInstanceOf(FileType.Detection.Refused.class);
        }
    }

    @Test
    void htmlNamedLikeAPhotoIsRefusedAndSaysWhatItIs() {
        var d = FileType.detect("cat.jpg", "<html><body><script>fetch('/api/albums')</script>".getBytes(StandardCharsets.UTF_8));
        assertThat(((FileType.Detection.Refused) d).reason()).contains("cat.jpg").contains("an HTML document");
    }

    @Test
    void svgIsRefusedWhateverItIsCalled() {
        byte[] svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                .getBytes(StandardCharsets.UTF_8);
        for (var d : List.of(FileType.detect("logo.svg", svg), FileType.detect("logo.jpg", svg), FileType.detect("logo", svg),
                FileType.detect("logo.svg", PNG), FileType.detect("logo.SVGZ", new byte[] {0x1F, (byte) 0x8B, 8}))) {
            assertThat(d).isInstanceOf(FileType.Detection.Refused.class);
            assertThat(((FileType.Detection.Refused) d).reason()).contains("SVG").contains("convert it to PNG");
        }
        assertThat(FileType.extensionsOf(MediaKind.IMAGE)).doesNotContain(".svg", ".svgz");
    }

    @Test
    void aCineonFileMustCarryTheCineonMagicNumber() {
        assertThat(FileType.detect("scan.cin", "text named .cin".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileType.Detection.Refused.class);
        assertThat(FileType.detect("scan.cin", new byte[] {(byte) 0xD7, 0x5F, 0x2A, (byte) 0x80, 0, 0}))
                .isEqualTo(new FileType.Detection.Accepted(FileType.CIN));
    }

    /**
     * A polyglot (a real JPEG whose tail is also HTML) is a JPEG by its bytes and is accepted: what
     * keeps its HTML from running is how files are served (nosniff, a sandboxing CSP), tested in the server.
     */
    @Test
    void aJpegHtmlPolyglotIsAJpeg() {
        byte[] polyglot = new byte[200];
        System.arraycopy(JPEG, 0, polyglot, 0, JPEG.length);
        byte[] html = "<html><script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(html, 0, polyglot, 20, html.length);
        assertThat(FileType.detect("poly.jpg", polyglot)).isEqualTo(new FileType.Detection.Accepted(FileType.JPEG));
    }

    @Test
    void aMislabelledImageIsDecodedAsWhatItsBytesAre() {
        assertThat(FileType.JPEG.decodeAs(PNG)).isEqualTo(FileType.PNG);
        assertThat(FileType.JPEG.decodeAs(sample(FileType.BMP))).isEqualTo(FileType.BMP);
        assertThat(FileType.JPEG.decodeAs(JPEG)).isEqualTo(FileType.JPEG);
        assertThat(FileType.HEIC.decodeAs(MP4)).as("same family").isEqualTo(FileType.HEIC);
        assertThat(FileType.JPEG.decodeAs("text".getBytes(StandardCharsets.UTF_8))).isEqualTo(FileType.JPEG);
    }
}
