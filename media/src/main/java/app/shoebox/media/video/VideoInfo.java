package app.shoebox.media.video;

import app.shoebox.media.Dimensions;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What ffprobe says about a video's first video stream and its container.
 *
 * @param dimensions     the coded frame size, before {@code rotation}
 * @param rotation       degrees the player turns the frame (0, 90, 180, 270) from the display matrix
 * @param creationTime   the container's {@code creation_time} (UTC), when the camera wrote one
 */
public record VideoInfo(Duration duration, Optional<String> codec, Dimensions dimensions, int rotation,
                        Optional<Instant> creationTime, Optional<Double> fps) {
}
