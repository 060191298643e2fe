package app.shoebox.media.video;

import app.shoebox.media.Dimensions;
import app.shoebox.media.FileType;
import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.metadata.CaptureTime;
import app.shoebox.media.metadata.MediaMetadata;
import app.shoebox.media.metadata.MetadataExtractor;
import app.shoebox.media.thumbnails.Thumbnailers;
import app.shoebox.media.thumbnails.Thumbnails;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static app.shoebox.media.NativeToolsForTests.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VideoTest {

    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void makeAClip() throws Exception {
        String ffmpeg = NativeToolsForTests.require("ffmpeg").toString();
        NativeToolsForTests.require("ffprobe");
        clip = dir.resolve("clip.mp4");
        run(ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=1:size=320x240:rate=10",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", "-metadata", "creation_time=2024-05-01T10:00:00Z",
                clip.toString());
    }

    @Test
    void reportsTheVersionOfTheFfmpegItUses() throws Exception {
        String printed = run(NativeToolsForTests.require("ffmpeg").toString(), "-version").lines().findFirst().orElseThrow();
        String version = PosterFrame.fromPath().version().orElseThrow();
        assertThat(version).matches("\\d+\\.\\d+.*");
        assertThat(printed).startsWith("ffmpeg version " + version + " ");
        assertThat(new PosterFrame(Optional.empty(), PosterFrame.DEFAULT_TIMEOUT).version()).isEmpty();
    }

    @Test
    void probesDurationCodecDimensionsAndCreationTime() throws Exception {
        VideoInfo info = VideoProbe.fromPath().probe(clip, FileType.MP4).orElseThrow();

        assertThat(info.duration().toMillis()).isBetween(900L, 1100L);
        assertThat(info.codec()).contains("h264");
        assertThat(info.dimensions()).isEqualTo(new Dimensions(320, 240));
        assertThat(info.fps().orElseThrow()).isCloseTo(10.0, within(0.01));
        assertThat(info.creationTime()).contains(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(info.rotation()).isZero();
    }

    @Test
    void videoMetadataTakesItsCaptureTimeFromTheContainer() throws Exception {
        MediaMetadata m = MetadataExtractor.fromPath().extract(clip, FileType.MP4, Optional.empty(), Instant.EPOCH);

        assertThat(m.captureTime().source()).isEqualTo(CaptureTime.Source.VIDEO_CREATION_TIME);
        assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(m.exifImageWidth()).contains(320);
        assertThat(m.fps().orElseThrow()).isCloseTo(10.0, within(0.01));
        assertThat(m.video().orElseThrow().duration()).isGreaterThan(Duration.ofMillis(900));
    }

    @Test
    void readsAPhoneVideosLocalTimeLocationAndCamera() throws Exception {
        Path mov = dir.resolve("IMG_0001.MOV");
        run(NativeToolsForTests.require("ffmpeg").toString(), "-hide_banner", "-loglevel", "error", "-f", "lavfi",
                "-i", "testsrc=duration=1:size=320x240:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                "-movflags", "use_metadata_tags",
                "-metadata", "com.apple.quicktime.creationdate=2024-05-01T10:00:00+0200",
                "-metadata", "com.apple.quicktime.location.ISO6709=-33.8688+151.2093+010.000/",
                "-metadata", "com.apple.quicktime.make=Apple", "-metadata", "com.apple.quicktime.model=iPhone 15",
                mov.toString());

        MediaMetadata m = MetadataExtractor.fromPath().extract(mov, FileType.QUICKTIME, Optional.empty(), Instant.EPOCH);

        assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
        assertThat(m.timeZone()).contains("UTC+2");
        assertThat(m.location()).contains(new app.shoebox.media.GeoPoint(-33.8688, 151.2093));
        assertThat(m.make()).contains("Apple");
        assertThat(m.model()).contains("iPhone 15");
    }

    @Test
    void withoutFfprobeTheContainerTagsStillGiveTimeSizeAndDuration() throws Exception {
        var extractor = new MetadataExtractor(new VideoProbe(Optional.empty(), Duration.ofSeconds(5)));

        MediaMetadata m = extractor.extract(clip, FileType.MP4, Optional.empty(), Instant.EPOCH);

        assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(m.exifImageWidth()).contains(320);
        assertThat(m.exifImageHeight()).contains(240);
        assertThat(m.video().orElseThrow().duration().toMillis()).isBetween(900L, 1100L);
    }

    @Test
    void posterFrameIsAnUprightImageThatThumbnailsLikeAPhoto() throws Exception {
        Path frame = dir.resolve("clip-poster.jpg");

        var outcome = PosterFrame.fromPath().extract(clip, FileType.MP4, frame);

        assertThat(outcome).isEqualTo(new PosterFrame.Outcome.Extracted(frame));
        BufferedImage image = ImageIO.read(frame.toFile());
        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(240);
        Thumbnails t = Thumbnailers.best().generate(frame, FileType.JPEG, dir.resolve("thumbs"), "clip");
        assertThat(t.previewSize()).isEqualTo(new Dimensions(320, 240));
        assertThat(t.thumbnailSize().longEdge()).isEqualTo(250);
    }

    @Test
    void aSeekPastTheEndFallsBackToTheFirstFrame() throws Exception {
        Path frame = dir.resolve("late.jpg");

        var outcome = PosterFrame.fromPath().extract(clip, FileType.MP4, frame, Duration.ofSeconds(30));

        assertThat(outcome).isEqualTo(new PosterFrame.Outcome.Extracted(frame));
        assertThat(ImageIO.read(frame.toFile()).getWidth()).isEqualTo(320);
    }

    @Test
    void withoutFfmpegThereIsNoPosterAndNoException() throws Exception {
        var outcome = new PosterFrame(Optional.empty(), Duration.ofSeconds(5)).extract(clip, FileType.MP4, dir.resolve("x.jpg"));

        assertThat(outcome).isInstanceOfSatisfying(PosterFrame.Outcome.Unavailable.class,
                u -> assertThat(u.reason()).contains("ffmpeg missing").contains(clip.toString()));
        assertThat(new VideoProbe(Optional.empty(), Duration.ofSeconds(5)).probe(clip, FileType.MP4)).isEmpty();
    }
}
