package app.shoebox.media.metadata;

import app.shoebox.media.Dimensions;
import app.shoebox.media.GeoPoint;
import app.shoebox.media.Orientation;
import app.shoebox.media.video.VideoInfo;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything Shoebox reads from a photo or video (and its XMP sidecar). Field names follow Immich's
 * {@code ExifResponseDto} so the mapping is one accessor per field; the accessors at the bottom
 * give the DTO's exact shapes where they differ (orientation as a string, split coordinates).
 *
 * @param fileSizeInByte the size of the file on disk
 * @param captureTime    never empty: the fallback order ends at the caller's file creation time
 * @param modifyDate     EXIF {@code DateTime} (IFD0), the last edit; interpreted with {@code OffsetTime}
 * @param exposureTime   as Immich shows it: "1/125", "0.5", "2"
 * @param dimensions     the stored pixel size (before orientation), Immich's exifImageWidth/Height
 * @param rating         1..5; 0 (unrated) and -1 (rejected) are left empty
 * @param tags           keywords (XMP {@code dc:subject}), sidecar first
 * @param livePhotoId    the identifier that pairs a still with its motion clip (Apple's {@code ContentIdentifier}
 *                       in the HEIC maker notes and the MOV's QuickTime keys), Immich's {@code livePhotoCID}
 * @param motionPhoto    the video an Android phone embedded in a still, found and checked ({@link MotionPhotos});
 *                       always {@link MotionPhoto.None} for videos
 * @param video          present for videos probed by ffprobe
 * @param warnings       what was ignored and why (a sidecar that is not valid XMP, a date that does not parse)
 */
public record MediaMetadata(
        long fileSizeInByte,
        CaptureTime captureTime,
        Optional<Instant> modifyDate,
        Optional<String> make,
        Optional<String> model,
        Optional<String> lensModel,
        Optional<String> exposureTime,
        Optional<Double> fNumber,
        Optional<Double> focalLength,
        Optional<Integer> iso,
        Optional<Dimensions> dimensions,
        Optional<Orientation> orientation,
        Optional<GeoPoint> location,
        Optional<String> description,
        Optional<Integer> rating,
        List<String> tags,
        Optional<String> livePhotoId,
        MotionPhoto motionPhoto,
        Optional<VideoInfo> video,
        List<String> warnings) {

    public MediaMetadata {
        tags = List.copyOf(tags);
        warnings = List.copyOf(warnings);
    }

    /** Immich's {@code dateTimeOriginal}. */
    public Instant dateTimeOriginal() {
        return captureTime.instant();
    }

    /** Immich's {@code timeZone}. */
    public Optional<String> timeZone() {
        return captureTime.timeZone();
    }

    /** Immich's {@code orientation}: "1".."8". */
    public Optional<String> orientationString() {
        return orientation.map(o -> Integer.toString(o.exifValue()));
    }

    public Optional<Integer> exifImageWidth() {
        return dimensions.map(Dimensions::width);
    }

    public Optional<Integer> exifImageHeight() {
        return dimensions.map(Dimensions::height);
    }

    public Optional<Double> latitude() {
        return location.map(GeoPoint::latitude);
    }

    public Optional<Double> longitude() {
        return location.map(GeoPoint::longitude);
    }

    /** Immich's {@code fps}, for videos. */
    public Optional<Double> fps() {
        return video.flatMap(VideoInfo::fps);
    }
}
