package app.shoebox.media.metadata;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fields Shoebox shows, each written in one canonical form so that two readers agree exactly
 * when their strings are equal: dates to the millisecond, f-numbers to one decimal (as exiftool
 * prints them), focal lengths to two, coordinates to six (about 10 cm).
 */
record Fields(Map<String, String> values) {

    static final String[] NAMES = {"captureDate", "timeZone", "make", "model", "lens", "iso", "exposureTime", "fNumber",
            "focalLength", "gps", "orientation", "dimensions", "description", "rating", "livePhotoId"};

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT);

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    static Builder builder() {
        return new Builder();
    }

    /** What Shoebox's reader produced, in the canonical form. */
    static Fields of(MediaMetadata m) {
        Builder b = builder();
        if (m.captureTime().source() != CaptureTime.Source.FILE_CREATED) {
            b.date(m.captureTime().localDateTime(), m.captureTime().offset());
        }
        return b.text("make", m.make()).text("model", m.model()).text("lens", m.lensModel())
                .number("iso", m.iso().map(Integer::doubleValue), "%.0f")
                .text("exposureTime", m.exposureTime())
                .number("fNumber", m.fNumber(), "%.1f").number("focalLength", m.focalLength(), "%.2f")
                .gps(m.latitude(), m.longitude())
                .text("orientation", m.orientationString())
                .text("dimensions", m.dimensions().map(d -> d.width() + "x" + d.height()))
                .text("description", m.description())
                .text("rating", m.rating().map(String::valueOf))
                .text("livePhotoId", m.livePhotoId())
                .build();
    }

    static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        Builder date(LocalDateTime local, Optional<ZoneOffset> offset) {
            values.put("captureDate", local.format(LOCAL));
            offset.ifPresent(o -> values.put("timeZone", o.getId().equals("Z") ? "+00:00" : o.getId()));
            return this;
        }

        Builder text(String name, Optional<String> value) {
            value.map(String::strip).filter(s -> !s.isEmpty()).ifPresent(s -> values.put(name, s));
            return this;
        }

        Builder number(String name, Optional<Double> value, String format) {
            value.filter(Double::isFinite).ifPresent(v -> values.put(name, String.format(Locale.ROOT, format, v)));
            return this;
        }

        Builder gps(Optional<Double> lat, Optional<Double> lon) {
            if (lat.isPresent() && lon.isPresent()) {
                values.put("gps", String.format(Locale.ROOT, "%.6f,%.6f", lat.get(), lon.get()));
            }
            return this;
        }

        Fields build() {
            return new Fields(Map.copyOf(values));
        }
    }
}
