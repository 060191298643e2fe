package app.shoebox.media;

import app.shoebox.media.metadata.MetadataExtractor;
import app.shoebox.media.thumbnails.Thumbnailer;
import app.shoebox.media.video.PosterFrame;
import app.shoebox.media.video.VideoProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every kind of bad file ends as a typed failure naming the file; nothing crashes. */
class BadFilesTest {

    @TempDir
    Path dir;

    private static MediaException.Reason failsWith(Path file, ThrowingCall call) {
        MediaException e = catchThrowableOfType(MediaException.class, call::run);
        assertThat(e).as("a MediaException for " + file).isNotNull();
        assertThat(e.getMessage()).contains(file.toString());
        assertThat(e.file()).isEqualTo(file);
        return e.reason();
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    Path empty() throws Exception {
        return Files.createFile(dir.resolve("empty.jpg"));
    }

    Path truncatedJpeg() throws Exception {
        BufferedImage noisy = new BufferedImage(1200, 900, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(7);
        for (int y = 0; y < noisy.getHeight(); y++) {
            for (int x = 0; x < noisy.getWidth(); x++) {
                noisy.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        Path whole = TestImages.write(noisy, "jpg", dir.resolve("whole.jpg"));
        byte[] bytes = Files.readAllBytes(whole);
        return Files.write(dir.resolve("truncated.jpg"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    Path randomBytesNamedJpg() throws Exception {
        byte[] bytes = new byte[50_000];
        new Random(3).nextBytes(bytes);
        bytes[0] = 0x12; // not by chance a JPEG signature
        return Files.write(dir.resolve("random.jpg"), bytes);
    }

    /** A valid PNG header claiming 100000 x 100000 pixels (10 gigapixels), with almost no data. */
    Path pngBomb() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(100_000);
        h.writeInt(100_000);
        h.write(new byte[] {8, 2, 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(new byte[100_000]);
        deflater.finish();
        byte[] idat = new byte[1000];
        int n = deflater.deflate(idat);
        chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return Files.write(dir.resolve("bomb.png"), bytes.toByteArray());
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws Exception {
        out.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    Path textNamedMp4() throws Exception {
        return Files.writeString(dir.resolve("notes.mp4"), "These are my holiday notes, not a video.\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail", "imageio"})
    void thumbnailsOfBadImagesFailPermanently(String pathName) throws Exception {
        Thumbnailer t = NativeToolsForTests.thumbnailer(pathName);
        Path out = dir.resolve("out");

        Path empty = empty();
        assertThat(failsWith(empty, () -> t.generate(empty, FileType.JPEG, out))).isEqualTo(MediaException.Reason.EMPTY);
        Path truncated = truncatedJpeg();
        assertThat(failsWith(truncated, () -> t.generate(truncated, FileType.JPEG, out))).isEqualTo(MediaException.Reason.CORRUPT);
        assertThat(catchThrowableOfType(MediaException.class, () -> t.generate(truncated, FileType.JPEG, out)).getMessage())
                .as("the decoder's own words").matches("(?is).*(premature end|truncated file).*");
        Path random = randomBytesNamedJpg();
        assertThat(failsWith(random, () -> t.generate(random, FileType.JPEG, out))).isEqualTo(MediaException.Reason.MISLABELLED);
        Path bomb = pngBomb();
        assertThat(failsWith(bomb, () -> t.generate(bomb, FileType.PNG, out))).isEqualTo(MediaException.Reason.TOO_LARGE);
        Path text = textNamedMp4();
        assertThat(failsWith(text, () -> t.generate(text, FileType.JPEG, out))).isEqualTo(MediaException.Reason.MISLABELLED);
        for (MediaException.Reason r : List.of(MediaException.Reason.EMPTY, MediaException.Reason.CORRUPT,
                MediaException.Reason.MISLABELLED, MediaException.Reason.TOO_LARGE)) {
            assertThat(r.permanent()).isTrue();
        }
        // The path still works after all that.
        Path good = TestImages.write(TestImages.quadrants(300, 200), "jpg", dir.resolve("good.jpg"));
        assertThat(t.generate(good, FileType.JPEG, out).previewSize().width()).isEqualTo(300);
    }

    @Test
    void metadataOfBadFilesFailsPermanently() throws Exception {
        MetadataExtractor extractor = MetadataExtractor.fromPath();

        Path empty = empty();
        assertThat(failsWith(empty, () -> extractor.extract(empty, FileType.JPEG, Optional.empty(), Instant.EPOCH)))
                .isEqualTo(MediaException.Reason.EMPTY);
        Path random = randomBytesNamedJpg();
        assertThat(failsWith(random, () -> extractor.extract(random, FileType.JPEG, Optional.empty(), Instant.EPOCH)))
                .isEqualTo(MediaException.Reason.MISLABELLED);
        Path text = textNamedMp4();
        assertThat(failsWith(text, () -> extractor.extract(text, FileType.MP4, Optional.empty(), Instant.EPOCH)))
                .isEqualTo(MediaException.Reason.MISLABELLED);
        // Reading a header decodes no pixels: a bomb's metadata is harmless and says how big it claims to be.
        Path bomb = pngBomb();
        assertThat(extractor.extract(bomb, FileType.PNG, Optional.empty(), Instant.EPOCH).dimensions())
                .contains(new Dimensions(100_000, 100_000));
    }

    @Test
    void aVideoWithAValidSignatureButNoContentFailsPermanently() throws Exception {
        NativeToolsForTests.require("ffprobe");
        NativeToolsForTests.require("ffmpeg");
        byte[] bytes = new byte[4096];
        new Random(5).nextBytes(bytes);
        System.arraycopy(new byte[] {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'}, 0, bytes, 0, 12);
        Path broken = Files.write(dir.resolve("broken.mp4"), bytes);

        assertThat(failsWith(broken, () -> VideoProbe.fromPath().probe(broken, FileType.MP4)))
                .isEqualTo(MediaException.Reason.CORRUPT);
        assertThat(failsWith(broken, () -> PosterFrame.fromPath().extract(broken, FileType.MP4, dir.resolve("p.jpg"))))
                .isEqualTo(MediaException.Reason.CORRUPT);
        Path text = textNamedMp4();
        assertThat(failsWith(text, () -> PosterFrame.fromPath().extract(text, FileType.MP4, dir.resolve("p.jpg"))))
                .isEqualTo(MediaException.Reason.MISLABELLED);
    }

    @Test
    void aMissingFileIsPermanentAndSaysSo() {
        Path missing = dir.resolve("gone.jpg");
        MediaException e = catchThrowableOfType(MediaException.class,
                () -> SourceCheck.check(missing, FileType.JPEG));
        assertThat(e.reason()).isEqualTo(MediaException.Reason.NOT_FOUND);
        assertThat(e.getMessage()).contains("gone.jpg").contains("does not exist");
    }

    @Test
    void aToolThatRunsTooLongIsKilledAndTheFailureIsTransient() throws Exception {
        Path sleep = NativeToolsForTests.require("sleep");
        Path file = dir.resolve("slow.mov");

        MediaException e = catchThrowableOfType(MediaException.class,
                () -> ProcessRunner.run(List.of(sleep.toString(), "30"), Duration.ofMillis(300), file));

        assertThat(e.reason()).isEqualTo(MediaException.Reason.TIMEOUT);
        assertThat(e.permanent()).isFalse();
        assertThat(e.getMessage()).contains("slow.mov").contains("stopped");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").equals(sleep.toString())
                && p.info().arguments().map(a -> List.of(a).equals(List.of("30"))).orElse(false)
                && p.parent().map(pp -> pp.pid() == ProcessHandle.current().pid()).orElse(false))).isEmpty();
    }
}
