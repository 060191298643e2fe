package app.shoebox.media;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

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
    void refusesAVideoNameOnImageBytes() {
        assertThat(FileType.detect("movie.mp4", JPEG)).isInstanceOf(FileType.Detection.Refused.class);
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
}
