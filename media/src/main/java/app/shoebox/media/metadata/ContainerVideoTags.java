package app.shoebox.media.metadata;

import app.shoebox.media.Dimensions;
import app.shoebox.media.video.VideoInfo;
import com.drew.lang.Rational;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.mov.QuickTimeDirectory;
import com.drew.metadata.mov.media.QuickTimeVideoDirectory;
import com.drew.metadata.mp4.Mp4Directory;
import com.drew.metadata.mp4.media.Mp4VideoDirectory;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * Video facts from the MP4/QuickTime container as metadata-extractor reads it: the fallback when
 * ffprobe is not installed (no frame rate, and the codec only as its four-letter code).
 */
final class ContainerVideoTags {

    private static final Instant NO_CLOCK = Instant.parse("1971-01-01T00:00:00Z");

    private ContainerVideoTags() {
    }

    static Optional<VideoInfo> read(Metadata metadata) {
        Directory container = Optional.<Directory>ofNullable(metadata.getFirstDirectoryOfType(Mp4Directory.class))
                .orElse(metadata.getFirstDirectoryOfType(QuickTimeDirectory.class));
        Directory video = Optional.<Directory>ofNullable(metadata.getFirstDirectoryOfType(Mp4VideoDirectory.class))
                .orElse(metadata.getFirstDirectoryOfType(QuickTimeVideoDirectory.class));
        if (container == null || video == null) {
            return Optional.empty();
        }
        boolean mp4 = container instanceof Mp4Directory;
        Integer w = video.getInteger(mp4 ? Mp4VideoDirectory.TAG_WIDTH : QuickTimeVideoDirectory.TAG_WIDTH);
        Integer h = video.getInteger(mp4 ? Mp4VideoDirectory.TAG_HEIGHT : QuickTimeVideoDirectory.TAG_HEIGHT);
        if (w == null || h == null || w <= 0 || h <= 0) {
            return Optional.empty();
        }
        Rational seconds = container.getRational(mp4 ? Mp4Directory.TAG_DURATION_SECONDS : QuickTimeDirectory.TAG_DURATION_SECONDS);
        Date created = container.getDate(mp4 ? Mp4Directory.TAG_CREATION_TIME : QuickTimeDirectory.TAG_CREATION_TIME);
        String codec = video.getString(mp4 ? Mp4VideoDirectory.TAG_COMPRESSION_TYPE : QuickTimeVideoDirectory.TAG_COMPRESSION_TYPE);
        return Optional.of(new VideoInfo(
                seconds == null ? Duration.ZERO : Duration.ofMillis(Math.round(seconds.doubleValue() * 1000)),
                MetadataExtractor.clean(codec), new Dimensions(w, h),
                Optional.ofNullable(created).map(Date::toInstant).filter(i -> i.isAfter(NO_CLOCK))));
    }
}
