package app.shoebox.media.video;

import app.shoebox.media.Dimensions;
import app.shoebox.media.GeoPoint;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * What ffprobe says about a video's first video stream and its container.
 *
 * @param dimensions     the coded frame size, before {@code rotation}
 * @param rotation       degrees the player turns the frame (0, 90, 180, 270) from the display matrix
 * @param creationTime   the container's {@code creation_time} (UTC), when the camera wrote one
 * @param localCreation  Apple's {@code com.apple.quicktime.creationdate}, which keeps the local offset
 * @param location       the ISO 6709 {@code location} tag (phones write it), decimal degrees
 */
public record VideoInfo(Duration duration, Optional<String> codec, Dimensions dimensions, int rotation,
                        Optional<Instant> creationTime, Optional<OffsetDateTime> localCreation, Optional<Double> fps,
                        Optional<GeoPoint> location, Optional<String> make, Optional<String> model) {

    /** A video with only what any container says. */
    public VideoInfo(Duration duration, Optional<String> codec, Dimensions dimensions, Optional<Instant> creationTime) {
        this(duration, codec, dimensions, 0, creationTime, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }
}
