package app.shoebox.media.metadata;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expected value of each field, from exiftool's output for a file (one object of
 * {@code expected.json}, or of a live {@code exiftool -json} run with the same arguments), by the
 * rules of Immich's metadata service. Written apart from the production code on purpose: it is the
 * reference the readers are measured against, kept as plain as the rules allow.
 *
 * <p>Where Immich stores a value Shoebox leaves empty, both sides are read as empty: orientation
 * outside 1..8, rating 0 (unrated) and -1 (rejected), an ISO, f-number or focal length of 0 (what
 * cameras write for "unknown" or a lens without contacts), a blank make or description.
 * Immich also looks the time zone up from the GPS position (a time-zone map); Shoebox does not,
 * so the offset here comes from the file's own tags and its GPS clock only.
 */
final class ExiftoolReference {

    /** Immich's order (metadata.service.ts, EXIF_DATE_TAGS). */
    static final List<String> DATE_TAGS = List.of("SubSecDateTimeOriginal", "SubSecCreateDate", "SubSecMediaCreateDate",
            "DateTimeOriginal", "CreateDate", "MediaCreateDate", "CreationDate", "DateTimeCreated", "GPSDateTime",
            "DateTimeUTC", "SonyDateTime2", "SourceImageCreateTime");

    /** Tags that state the offset of the capture time when the date itself does not. */
    static final List<String> OFFSET_TAGS = List.of("OffsetTimeOriginal", "OffsetTimeDigitized", "OffsetTime",
            "TimeZone", "TimeZoneOffset");

    private static final Pattern DATE = Pattern.compile(
            "^(\\d{4})[:/-](\\d{2})[:/-](\\d{2})[ T](\\d{2}):(\\d{2})(?::(\\d{2}))?(\\.\\d+)?\\s*(Z|[+-]\\d{2}:?\\d{2})?");

    private ExiftoolReference() {
    }

    static Fields fields(JsonNode e) {
        Fields.Builder b = Fields.builder();
        captureTime(e).ifPresent(t -> b.date(t.local, t.offset));
        return b.text("make", first(e, "Make").or(() -> first(e.path("Device"), "Manufacturer")).or(() -> first(e, "AndroidMake")))
                .text("model", first(e, "Model").or(() -> first(e.path("Device"), "ModelName")).or(() -> first(e, "AndroidModel")))
                .text("lens", lens(e))
                .number("iso", positive(e.path("ISO").isArray() ? e.path("ISO").path(0) : e.path("ISO")), "%.0f")
                .text("exposureTime", text(e.path("ExposureTime")))
                .number("fNumber", positive(e.path("FNumber")), "%.1f")
                .number("focalLength", positive(e.path("FocalLength")), "%.2f")
                .gps(gps(e, "GPSLatitude"), gps(e, "GPSLongitude"))
                .text("orientation", number(e.path("Orientation")).filter(o -> o >= 1 && o <= 8)
                        .map(o -> Integer.toString(o.intValue())))
                .text("dimensions", dimensions(e))
                .text("description", first(e, "ImageDescription", "Description"))
                .text("rating", number(e.path("Rating")).filter(r -> r >= 1 && r <= 5).map(r -> Integer.toString(r.intValue())))
                .text("livePhotoId", first(e, "ContentIdentifier", "MediaGroupUUID"))
                .build();
    }

    record Time(LocalDateTime local, Optional<ZoneOffset> offset) {
    }

    static Optional<Time> captureTime(JsonNode e) {
        for (String tag : DATE_TAGS) {
            Optional<Time> t = text(e.path(tag)).flatMap(ExiftoolReference::parse);
            if (t.isPresent()) {
                if (t.get().offset.isPresent()) {
                    return t;
                }
                Optional<ZoneOffset> offset = OFFSET_TAGS.stream().map(n -> text(e.path(n)).flatMap(ExiftoolReference::offset))
                        .flatMap(Optional::stream).findFirst()
                        .or(() -> gpsClock(e, t.get().local));
                return Optional.of(new Time(t.get().local, offset));
            }
        }
        return Optional.empty();
    }

    /** The camera clock minus the GPS clock (UTC), to the nearest 15 minutes, within 14 hours. */
    private static Optional<ZoneOffset> gpsClock(JsonNode e, LocalDateTime local) {
        return text(e.path("GPSDateTime")).flatMap(ExiftoolReference::parse).flatMap(g -> {
            long seconds = Duration.between(g.local, local).toSeconds();
            long rounded = Math.round(seconds / 900.0) * 900;
            return Math.abs(rounded) <= 14 * 3600 ? Optional.of(ZoneOffset.ofTotalSeconds((int) rounded)) : Optional.empty();
        });
    }

    static Optional<Time> parse(String s) {
        Matcher m = DATE.matcher(s.strip());
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            int nanos = m.group(7) == null ? 0 : (int) Math.round(Double.parseDouble("0" + m.group(7)) * 1000) * 1_000_000;
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6))).plusNanos(nanos);
            return Optional.of(new Time(local, Optional.ofNullable(m.group(8)).flatMap(ExiftoolReference::offset)));
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    /** "+02:00", "-0330", "Z", or a number of hours (EXIF TimeZoneOffset). */
    static Optional<ZoneOffset> offset(String s) {
        String t = s.strip();
        try {
            if (t.matches("[+-]?\\d{1,2}")) {
                return Optional.of(ZoneOffset.ofHours(Integer.parseInt(t)));
            }
            if (t.matches("[+-]\\d{2}:?\\d{2}|Z")) {
                return Optional.of(ZoneOffset.of(t.length() == 5 && !t.contains(":") ? t.substring(0, 3) + ":" + t.substring(3) : t));
            }
        } catch (java.time.DateTimeException e) {
            // Not an offset.
        }
        return Optional.empty();
    }

    private static Optional<String> lens(JsonNode e) {
        return first(e, "LensID", "LensType", "LensSpec", "LensModel")
                .filter(l -> !l.equals("----") && !l.startsWith("Unknown"));
    }

    private static Optional<String> dimensions(JsonNode e) {
        Optional<String> size = text(e.path("ImageSize")).filter(s -> s.matches("\\d+[x ]\\d+")).map(s -> s.replace(' ', 'x'))
                .filter(s -> !s.startsWith("0x") && !s.endsWith("x0"));
        return size.or(() -> number(e.path("ImageWidth")).flatMap(w -> number(e.path("ImageHeight"))
                .map(h -> w.intValue() + "x" + h.intValue())));
    }

    private static Optional<Double> gps(JsonNode e, String tag) {
        Optional<Double> lat = number(e.path("GPSLatitude"));
        // Immich keeps a position when the latitude is not exactly 0.
        return lat.filter(l -> l != 0).isPresent() && number(e.path("GPSLongitude")).isPresent() ? number(e.path(tag)) : Optional.empty();
    }

    private static Optional<String> first(JsonNode e, String... tags) {
        for (String tag : tags) {
            Optional<String> v = text(e.path(tag)).map(String::strip).filter(s -> !s.isEmpty());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> text(JsonNode n) {
        return n.isMissingNode() || n.isNull() || n.isContainerNode() ? Optional.empty() : Optional.of(n.asText());
    }

    private static Optional<Double> positive(JsonNode n) {
        return number(n).filter(v -> v > 0);
    }

    /** A number as exiftool-vendored hands it to Immich: a JSON number, never a string. */
    private static Optional<Double> number(JsonNode n) {
        return n.isNumber() ? Optional.of(n.asDouble()) : Optional.empty();
    }
}
