package app.shoebox.media.video;

import app.shoebox.media.Dimensions;
import app.shoebox.media.FileType;
import app.shoebox.media.GeoPoint;
import app.shoebox.media.MediaException;
import app.shoebox.media.NativeTools;
import app.shoebox.media.ProcessRunner;
import app.shoebox.media.SourceCheck;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** Video metadata through the {@code ffprobe} process (JSON output), when ffprobe is installed. */
public final class VideoProbe {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<Path> ffprobe;
    private final Duration timeout;

    public VideoProbe(Optional<Path> ffprobe, Duration timeout) {
        this.ffprobe = ffprobe;
        this.timeout = timeout;
    }

    /** ffprobe from the PATH, if installed, with the default time limit. */
    public static VideoProbe fromPath() {
        return new VideoProbe(NativeTools.find("ffprobe"), DEFAULT_TIMEOUT);
    }

    public boolean available() {
        return ffprobe.isPresent();
    }

    /** For the start-up log. */
    public String describe() {
        return ffprobe.map(p -> "video metadata: ffprobe (" + p + ")")
                .orElse("video metadata: ffprobe missing, only container tags are read; install ffmpeg for duration, codec and frame rate");
    }

    /**
     * Probes {@code file}. Empty when ffprobe is not installed; a permanent failure when the file is
     * not a video with a video stream.
     */
    public Optional<VideoInfo> probe(Path file, FileType type) throws MediaException {
        if (ffprobe.isEmpty()) {
            return Optional.empty();
        }
        SourceCheck.check(file, type);
        var result = ProcessRunner.run(List.of(ffprobe.get().toString(), "-v", "error", "-print_format", "json",
                "-show_format", "-show_streams", "--", file.toString()), timeout, file);
        if (!result.succeeded()) {
            throw new MediaException(MediaException.Reason.CORRUPT, file, file + " is not a readable video: ffprobe said "
                    + firstLine(result.stderr()));
        }
        JsonNode root;
        try {
            root = JSON.readTree(result.stdout());
        } catch (java.io.IOException e) {
            throw new MediaException(MediaException.Reason.CORRUPT, file, "ffprobe gave no readable answer for " + file, e);
        }
        JsonNode video = firstVideoStream(root);
        if (video == null || video.path("width").asInt() <= 0 || video.path("height").asInt() <= 0) {
            throw new MediaException(MediaException.Reason.CORRUPT, file, file + " has no video stream; it is not a playable video");
        }
        JsonNode format = root.path("format");
        double seconds = format.path("duration").asDouble(video.path("duration").asDouble(0));
        Optional<Instant> created = text(format.path("tags").path("creation_time"))
                .or(() -> text(video.path("tags").path("creation_time")))
                .flatMap(VideoProbe::instant);
        JsonNode tags = format.path("tags");
        return Optional.of(new VideoInfo(Duration.ofNanos(Math.round(seconds * 1e9)), text(video.path("codec_name")),
                new Dimensions(video.path("width").asInt(), video.path("height").asInt()), rotation(video),
                created, text(tags.path("com.apple.quicktime.creationdate")).flatMap(VideoProbe::offsetDateTime),
                fps(video.path("avg_frame_rate").asText("")).or(() -> fps(video.path("r_frame_rate").asText(""))),
                text(tags.path("com.apple.quicktime.location.ISO6709")).or(() -> text(tags.path("location")))
                        .flatMap(VideoProbe::iso6709),
                text(tags.path("com.apple.quicktime.make")).or(() -> text(tags.path("make"))),
                text(tags.path("com.apple.quicktime.model")).or(() -> text(tags.path("model")))));
    }

    private static JsonNode firstVideoStream(JsonNode root) {
        for (JsonNode s : root.path("streams")) {
            // Cover art in an audio file is a "video" stream too; it is not what we want.
            if ("video".equals(s.path("codec_type").asText()) && s.path("disposition").path("attached_pic").asInt() == 0) {
                return s;
            }
        }
        return null;
    }

    private static int rotation(JsonNode video) {
        for (JsonNode side : video.path("side_data_list")) {
            if (side.has("rotation")) {
                return Math.floorMod(-side.path("rotation").asInt(), 360);
            }
        }
        return Math.floorMod(video.path("tags").path("rotate").asInt(0), 360);
    }

    private static Optional<Double> fps(String ratio) {
        int slash = ratio.indexOf('/');
        try {
            double v = slash < 0 ? Double.parseDouble(ratio)
                    : Double.parseDouble(ratio.substring(0, slash)) / Double.parseDouble(ratio.substring(slash + 1));
            return Double.isFinite(v) && v > 0 ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.asText().isBlank() ? Optional.empty() : Optional.of(node.asText());
    }

    private static Optional<Instant> instant(String s) {
        try {
            Instant i = Instant.parse(s);
            // Cameras without a clock write 1904-01-01 (the QuickTime epoch) or 1970: no date at all.
            return i.isAfter(Instant.parse("1971-01-01T00:00:00Z")) ? Optional.of(i) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static final java.util.regex.Pattern ISO_6709 =
            java.util.regex.Pattern.compile("^([+-]\\d{1,2}(?:\\.\\d+)?)([+-]\\d{1,3}(?:\\.\\d+)?)");

    /** "+48.8584+002.2945+035.000/" (decimal degrees; the rare degrees-minutes form is not read). */
    static Optional<GeoPoint> iso6709(String s) {
        var m = ISO_6709.matcher(s.strip());
        if (!m.find()) {
            return Optional.empty();
        }
        double lat = Double.parseDouble(m.group(1));
        double lon = Double.parseDouble(m.group(2));
        return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat == 0 && lon == 0)
                ? Optional.of(new GeoPoint(lat, lon)) : Optional.empty();
    }

    /** Apple writes "2024-05-01T10:00:00+0200"; accept the ISO form with a colon too. */
    static Optional<OffsetDateTime> offsetDateTime(String s) {
        for (DateTimeFormatter f : List.of(DateTimeFormatter.ISO_OFFSET_DATE_TIME,
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx", java.util.Locale.ROOT))) {
            try {
                return Optional.of(OffsetDateTime.parse(s.strip(), f));
            } catch (DateTimeParseException e) {
                // Try the next form.
            }
        }
        return Optional.empty();
    }

    static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return t.isEmpty() ? "(nothing)" : nl < 0 ? t : t.substring(0, nl);
    }
}
