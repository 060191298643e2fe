package app.shoebox.media.metadata;

import app.shoebox.media.Dimensions;
import app.shoebox.media.GeoPoint;
import app.shoebox.media.Orientation;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns exiftool's answer ({@link ExifTool#READ_ARGS}) into Shoebox's fields the way Immich's
 * metadata service does, so that every field agrees with exiftool by construction.
 */
final class ExifToolValues {

    /** Immich's order for the capture time (metadata.service.ts, EXIF_DATE_TAGS), with where each comes from. */
    static final List<Map.Entry<String, CaptureTime.Source>> DATE_TAGS = List.of(
            Map.entry("SubSecDateTimeOriginal", CaptureTime.Source.DATE_TIME_ORIGINAL),
            Map.entry("SubSecCreateDate", CaptureTime.Source.CREATE_DATE),
            Map.entry("SubSecMediaCreateDate", CaptureTime.Source.VIDEO_CREATION_TIME),
            Map.entry("DateTimeOriginal", CaptureTime.Source.DATE_TIME_ORIGINAL),
            Map.entry("CreateDate", CaptureTime.Source.CREATE_DATE),
            Map.entry("MediaCreateDate", CaptureTime.Source.VIDEO_CREATION_TIME),
            Map.entry("CreationDate", CaptureTime.Source.VIDEO_CREATION_TIME),
            Map.entry("DateTimeCreated", CaptureTime.Source.DATE_TIME_ORIGINAL),
            Map.entry("GPSDateTime", CaptureTime.Source.GPS),
            Map.entry("DateTimeUTC", CaptureTime.Source.OTHER),
            Map.entry("SonyDateTime2", CaptureTime.Source.OTHER),
            Map.entry("SourceImageCreateTime", CaptureTime.Source.OTHER));

    /**
     * Where the offset comes from when the chosen date does not carry one, first found wins; then
     * the GPS clock. EXIF 2.31's offsets, a maker note's time zone, then EXIF's older
     * {@code TimeZoneOffset} (whole hours).
     */
    static final List<String> OFFSET_TAGS = List.of("OffsetTimeOriginal", "OffsetTimeDigitized", "OffsetTime", "TimeZone",
            "TimeZoneOffset");

    private ExifToolValues() {
    }

    static Embedded of(JsonNode e) {
        return new Embedded(
                captureTime(e),
                text(e, "ModifyDate").flatMap(ExifDates::parse)
                        .map(s -> s.local().toInstant(s.offset().or(() -> text(e, "OffsetTime").flatMap(ExifDates::offset))
                                .orElse(ZoneOffset.UTC))),
                // Immich's Device.Manufacturer is the XMP Device structure (not the ICC profile's DeviceManufacturer).
                first(e, "Make").or(() -> text(e.path("Device"), "Manufacturer")).or(() -> text(e, "AndroidMake")),
                first(e, "Model").or(() -> text(e.path("Device"), "ModelName")).or(() -> text(e, "AndroidModel")),
                // Immich's order: exiftool's lens name from the maker notes' lens ID first, the EXIF text last.
                first(e, "LensID", "LensType", "LensSpec", "LensModel").filter(l -> !l.equals("----") && !l.startsWith("Unknown")),
                text(e, "ExposureTime"),
                number(e.path("FNumber")).filter(f -> f > 0),
                number(e.path("FocalLength")).filter(f -> f > 0),
                number(e.path("ISO").isArray() ? e.path("ISO").path(0) : e.path("ISO")).filter(i -> i > 0 && i < Integer.MAX_VALUE)
                        .map(Double::intValue),
                dimensions(e),
                number(e.path("Orientation")).flatMap(o -> Orientation.fromExif(o.intValue())),
                location(e),
                first(e, "ImageDescription", "Description"),
                number(e.path("Rating")).flatMap(r -> MetadataExtractor.rating(Double.toString(r))),
                subjects(e.path("Subject")),
                first(e, "ContentIdentifier", "MediaGroupUUID"));
    }

    static Optional<CaptureTime> captureTime(JsonNode e) {
        for (var tag : DATE_TAGS) {
            Optional<ExifDates.Stamp> stamp = text(e, tag.getKey()).flatMap(ExifDates::parse);
            if (stamp.isEmpty()) {
                continue;
            }
            LocalDateTime local = stamp.get().local();
            Optional<ZoneOffset> offset = stamp.get().offset()
                    .or(() -> OFFSET_TAGS.stream().map(t -> text(e, t).flatMap(ExifDates::offset)).flatMap(Optional::stream).findFirst())
                    .or(() -> text(e, "GPSDateTime").flatMap(ExifDates::parse)
                            .flatMap(gps -> ExifDates.offsetFromGps(local, gps.local())));
            return Optional.of(CaptureTime.of(local, offset, tag.getValue()));
        }
        return Optional.empty();
    }

    private static Optional<Dimensions> dimensions(JsonNode e) {
        Optional<String> size = text(e, "ImageSize");
        if (size.isPresent()) {
            String[] parts = size.get().split("[x ]");
            if (parts.length == 2) {
                try {
                    int w = Integer.parseInt(parts[0]);
                    int h = Integer.parseInt(parts[1]);
                    if (w > 0 && h > 0) {
                        return Optional.of(new Dimensions(w, h));
                    }
                } catch (NumberFormatException ex) {
                    // Fall through to the separate tags.
                }
            }
        }
        Optional<Double> w = number(e.path("ImageWidth"));
        Optional<Double> h = number(e.path("ImageHeight"));
        return w.isPresent() && h.isPresent() && w.get() > 0 && h.get() > 0
                ? Optional.of(new Dimensions(w.get().intValue(), h.get().intValue())) : Optional.empty();
    }

    private static Optional<GeoPoint> location(JsonNode e) {
        Optional<Double> lat = number(e.path("GPSLatitude"));
        Optional<Double> lon = number(e.path("GPSLongitude"));
        if (lat.isEmpty() || lon.isEmpty() || lat.get() == 0 || Math.abs(lat.get()) > 90 || Math.abs(lon.get()) > 180) {
            return Optional.empty();
        }
        return Optional.of(new GeoPoint(lat.get(), lon.get()));
    }

    private static List<String> subjects(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(v -> MetadataExtractor.clean(v.asText()).ifPresent(out::add));
        } else if (n.isValueNode()) {
            MetadataExtractor.clean(n.asText()).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<String> first(JsonNode e, String... tags) {
        for (String tag : tags) {
            Optional<String> v = text(e, tag);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> text(JsonNode e, String tag) {
        JsonNode n = e.path(tag);
        return n.isValueNode() && !n.isNull() ? MetadataExtractor.clean(n.asText()) : Optional.empty();
    }

    /** A number as exiftool printed it; a string (a value exiftool could not print as a number) is no number. */
    private static Optional<Double> number(JsonNode n) {
        return n.isNumber() && Double.isFinite(n.asDouble()) ? Optional.of(n.asDouble()) : Optional.empty();
    }
}
