package app.shoebox.media.video;

import app.shoebox.media.FileType;
import app.shoebox.media.MediaException;
import app.shoebox.media.NativeTools;
import app.shoebox.media.ProcessRunner;
import app.shoebox.media.SourceCheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One still frame of a video, through the {@code ffmpeg} process, to be thumbnailed like a photo.
 * ffmpeg applies the video's rotation itself, so the frame is upright.
 */
public final class PosterFrame {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** What came of asking for a poster. A missing ffmpeg is an outcome, not an error. */
    public sealed interface Outcome {
        /** A JPEG frame at {@code frame}. */
        record Extracted(Path frame) implements Outcome {}

        /** No poster can be made on this installation; {@code reason} says why and what to install. */
        record Unavailable(String reason) implements Outcome {}
    }

    private final Optional<Path> ffmpeg;
    private final Duration timeout;

    public PosterFrame(Optional<Path> ffmpeg, Duration timeout) {
        this.ffmpeg = ffmpeg;
        this.timeout = timeout;
    }

    public static PosterFrame fromPath() {
        return new PosterFrame(NativeTools.find("ffmpeg"), DEFAULT_TIMEOUT);
    }

    public boolean available() {
        return ffmpeg.isPresent();
    }

    /** The version of the ffmpeg that makes the posters ("5.1.6-0+deb12u1"), when there is one. */
    public Optional<String> version() {
        return ffmpeg.flatMap(f -> NativeTools.version(f, "-version", java.util.regex.Pattern.compile("ffmpeg version (\\S+)")));
    }

    public String describe() {
        return ffmpeg.map(p -> "video posters: ffmpeg (" + p + ")")
                .orElse("video posters: none (ffmpeg missing; install ffmpeg to get video thumbnails)");
    }

    /**
     * Writes one frame of {@code video} to {@code frameFile} (JPEG), taken at {@code at} or, when
     * the video is shorter, at its first frame.
     */
    public Outcome extract(Path video, FileType type, Path frameFile, Duration at) throws MediaException {
        if (ffmpeg.isEmpty()) {
            return new Outcome.Unavailable("no poster for " + video + ": ffmpeg missing (install ffmpeg)");
        }
        SourceCheck.check(video, type);
        Outcome outcome = run(video, frameFile, at);
        if (outcome instanceof Outcome.Extracted && !at.isZero() && !nonEmpty(frameFile)) {
            // A seek past the end gives no frame and exit code 0: take the first frame instead.
            outcome = run(video, frameFile, Duration.ZERO);
        }
        if (!nonEmpty(frameFile)) {
            throw new MediaException(MediaException.Reason.CORRUPT, video, video + " has no decodable video frame; no poster");
        }
        return outcome;
    }

    /** {@link #extract(Path, FileType, Path, Duration)} at one second in, as Immich's posters roughly are. */
    public Outcome extract(Path video, FileType type, Path frameFile) throws MediaException {
        return extract(video, type, frameFile, Duration.ofSeconds(1));
    }

    private Outcome run(Path video, Path frameFile, Duration at) throws MediaException {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg.get().toString(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
        if (!at.isZero()) {
            cmd.addAll(List.of("-ss", String.format(java.util.Locale.ROOT, "%.3f", at.toMillis() / 1000.0)));
        }
        cmd.addAll(List.of("-i", video.toString(), "-map", "0:v:0", "-frames:v", "1", "-q:v", "2", "-f", "image2",
                "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", frameFile.toString()));
        try {
            Files.deleteIfExists(frameFile);
        } catch (IOException e) {
            throw SourceCheck.io(frameFile, "replacing", e);
        }
        var result = ProcessRunner.run(cmd, timeout, video);
        if (!result.succeeded()) {
            throw new MediaException(MediaException.Reason.CORRUPT, video, video + " is not a readable video: ffmpeg said "
                    + VideoProbe.firstLine(result.stderr()));
        }
        return new Outcome.Extracted(frameFile);
    }

    private static boolean nonEmpty(Path f) {
        try {
            return Files.isRegularFile(f) && Files.size(f) > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
