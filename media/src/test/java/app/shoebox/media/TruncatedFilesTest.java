package app.shoebox.media;

import app.shoebox.media.metadata.MetadataExtractor;
import app.shoebox.media.thumbnails.Thumbnailer;
import app.shoebox.media.thumbnails.Thumbnailers;
import app.shoebox.media.video.PosterFrame;
import app.shoebox.media.video.VideoProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static app.shoebox.media.NativeToolsForTests.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Real files (a camera-like JPEG with a large EXIF block, a PNG, a HEIC, two MP4s) cut short at
 * several points: inside the header, inside the metadata, in the middle of the pixels, a few bytes
 * before the end. A file that ends early is its own fault, so every operation either succeeds or
 * fails permanently, naming the file; none fails as transient (which would retry it for nothing).
 */
class TruncatedFilesTest {

    @TempDir
    Path dir;

    /** A 12 MP-like JPEG whose EXIF block is 20 kB long (camera makers' notes are often that big). */
    private Path jpegWithExif() throws Exception {
        Path photo = TestImages.write(TestImages.quadrants(1600, 1200), "jpg", dir.resolve("camera.jpg"));
        run(NativeToolsForTests.require("exiftool").toString(), "-q", "-overwrite_original", "-Make=Canon",
                "-Model=EOS R6", "-DateTimeOriginal=2021:06:01 12:00:00", "-ISO=400",
                "-ImageDescription=" + "a long caption ".repeat(1300), photo.toString());
        return photo;
    }

    private Path png() throws Exception {
        return TestImages.write(TestImages.quadrants(1200, 900), "png", dir.resolve("screen.png"));
    }

    private Path heic() throws Exception {
        Path heic = dir.resolve("phone.heic");
        run(NativeToolsForTests.require("vips").toString(), "copy", png().toString(), heic.toString());
        return heic;
    }

    /** {@code faststart}: the index (moov) before the frames, as phones and web tools write it. */
    private Path mp4(boolean faststart) throws Exception {
        Path mp4 = dir.resolve(faststart ? "clip-faststart.mp4" : "clip.mp4");
        List<String> cmd = new ArrayList<>(List.of(NativeToolsForTests.require("ffmpeg").toString(), "-loglevel", "error",
                "-y", "-f", "lavfi", "-i", "testsrc=duration=3:size=640x480:rate=25", "-pix_fmt", "yuv420p"));
        if (faststart) {
            cmd.addAll(List.of("-movflags", "+faststart"));
        }
        cmd.add(mp4.toString());
        run(cmd.toArray(String[]::new));
        return mp4;
    }

    /** Copies of {@code whole} cut at fixed offsets and at fractions of its length. */
    private List<Path> cuts(Path whole, long... offsets) throws Exception {
        byte[] bytes = Files.readAllBytes(whole);
        List<Long> at = new ArrayList<>();
        for (long o : offsets) {
            at.add(o);
        }
        at.addAll(List.of(bytes.length / 4L, bytes.length / 2L, bytes.length - 16L));
        String name = whole.getFileName().toString();
        String stem = name.substring(0, name.lastIndexOf('.'));
        String ext = name.substring(name.lastIndexOf('.'));
        List<Path> out = new ArrayList<>();
        for (long n : at) {
            out.add(Files.write(dir.resolve(stem + "-cut-at-" + n + ext), Arrays.copyOf(bytes, (int) n)));
        }
        return out;
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Succeeds, or fails permanently naming the file; never transient. Returns the failure, if any. */
    private static Optional<MediaException> neverTransient(String what, Path file, Call call) throws Exception {
        MediaException e = catchThrowableOfType(MediaException.class, call::run);
        if (e == null) {
            return Optional.empty();
        }
        assertThat(e.permanent()).as(what + " of " + file.getFileName() + " failed as " + e.reason() + ": " + e.getMessage())
                .isTrue();
        assertThat(e.getMessage()).as(what).contains(file.toString());
        return Optional.of(e);
    }

    /** metadata-extractor alone: the reader used where exiftool is not installed, and the one that tripped. */
    private static MetadataExtractor withoutExifTool() {
        return new MetadataExtractor(VideoProbe.fromPath());
    }

    private void images(Path whole, FileType type, long... offsets) throws Exception {
        MetadataExtractor metadata = MetadataExtractor.fromPath();
        MetadataExtractor library = withoutExifTool();
        List<Thumbnailer> paths = Thumbnailers.available();
        for (Path cut : cuts(whole, offsets)) {
            neverTransient("metadata", cut, () -> metadata.extract(cut, type, Optional.empty(), Instant.EPOCH));
            neverTransient("metadata-extractor", cut, () -> library.extract(cut, type, Optional.empty(), Instant.EPOCH));
            for (Thumbnailer t : paths) {
                Optional<MediaException> failed = neverTransient(t.describe(), cut, () -> t.generate(cut, type, dir.resolve("out")));
                assertThat(failed).as("a thumbnail of " + cut.getFileName() + " by " + t.describe()
                        + ": a file cut short never decodes whole").isPresent();
            }
        }
    }

    @Test
    void aJpegCutInsideItsExifBlockIsCorruptNotAnIoError() throws Exception {
        Path whole = jpegWithExif();
        Path cut = cuts(whole, 3000).getFirst();
        // (exiftool, where installed, reads what is there and lets the thumbnail step judge the rest.)
        MediaException e = catchThrowableOfType(MediaException.class,
                () -> withoutExifTool().extract(cut, FileType.JPEG, Optional.empty(), Instant.EPOCH));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(MediaException.Reason.CORRUPT);
        assertThat(e.getMessage()).contains(cut.toString()).contains("truncated or damaged");
    }

    @Test
    void truncatedJpegs() throws Exception {
        // 4: inside the first segment header; 200 and 3000: inside the EXIF block; 21000: just past it.
        images(jpegWithExif(), FileType.JPEG, 4, 200, 3000, 21_000);
    }

    @Test
    void truncatedPngs() throws Exception {
        // 10: inside the signature's chunk; 40: inside IHDR; 100: inside the first IDAT.
        images(png(), FileType.PNG, 10, 40, 100);
    }

    @Test
    void truncatedHeics() throws Exception {
        // 30: inside ftyp; 300 and 1000: inside the meta box.
        images(heic(), FileType.HEIC, 30, 300, 1000);
    }

    @Test
    void truncatedMp4s() throws Exception {
        NativeToolsForTests.require("ffprobe");
        MetadataExtractor metadata = MetadataExtractor.fromPath();
        MetadataExtractor withoutFfprobe = new MetadataExtractor(new VideoProbe(Optional.empty(), VideoProbe.DEFAULT_TIMEOUT));
        for (boolean faststart : List.of(false, true)) {
            for (Path cut : cuts(mp4(faststart), 20, 100, 1000)) {
                neverTransient("metadata", cut, () -> metadata.extract(cut, FileType.MP4, Optional.empty(), Instant.EPOCH));
                neverTransient("container metadata", cut,
                        () -> withoutFfprobe.extract(cut, FileType.MP4, Optional.empty(), Instant.EPOCH));
                neverTransient("ffprobe", cut, () -> VideoProbe.fromPath().probe(cut, FileType.MP4));
                neverTransient("poster", cut, () -> PosterFrame.fromPath().extract(cut, FileType.MP4, dir.resolve("poster.jpg")));
            }
        }
    }

    @Test
    void aFileThatCannotBeReadIsStillTransient() throws Exception {
        // The rule's other side: when the file itself does not read (here: a directory where the
        // file should be, which fails with an I/O error), the parser's failure is the environment's.
        Path notAFile = Files.createDirectories(dir.resolve("looks-like.jpg"));
        MediaException e = SourceCheck.parseFailure(notAFile, "the metadata parser", new java.io.EOFException("End of data"));
        assertThat(e.reason()).isEqualTo(MediaException.Reason.IO);
        assertThat(e.permanent()).isFalse();
    }
}
