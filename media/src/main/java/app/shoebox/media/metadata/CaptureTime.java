package app.shoebox.media.metadata;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * When a photo or video was taken.
 *
 * @param instant       the moment, in UTC (Immich's {@code dateTimeOriginal}). When the offset is
 *                      unknown, the camera's clock reading is taken as UTC, as Immich does.
 * @param localDateTime the wall-clock time the camera showed (Immich's {@code localDateTime})
 * @param offset        the camera's offset from UTC, when the file or its GPS clock tells it
 * @param source        which field the time came from (see {@link MetadataExtractor} for the order)
 */
public record CaptureTime(Instant instant, LocalDateTime localDateTime, Optional<ZoneOffset> offset, Source source) {

    /** Which tag a capture time came from, in the order they are tried (Immich's order, see {@link MetadataExtractor}). */
    public enum Source {
        XMP_SIDECAR,
        /** EXIF {@code DateTimeOriginal}, else IPTC {@code DateCreated}+{@code TimeCreated}, else XMP {@code photoshop:DateCreated} or {@code exif:DateTimeOriginal}. */
        DATE_TIME_ORIGINAL,
        /** EXIF {@code DateTimeDigitized} (exiftool's {@code CreateDate}), else XMP {@code xmp:CreateDate}. */
        CREATE_DATE,
        /** A video container's creation date (QuickTime {@code MediaCreateDate}, Apple's {@code CreationDate}). */
        VIDEO_CREATION_TIME,
        /** The GPS date and time stamp (UTC). */
        GPS,
        /** A maker-note clock in UTC ({@code DateTimeUTC}, Sony's {@code SonyDateTime2}) or a panorama's source time. */
        OTHER,
        FILE_CREATED
    }

    static CaptureTime of(LocalDateTime local, Optional<ZoneOffset> offset, Source source) {
        return new CaptureTime(local.toInstant(offset.orElse(ZoneOffset.UTC)), local, offset, source);
    }

    static CaptureTime ofInstant(Instant instant, Source source) {
        return new CaptureTime(instant, LocalDateTime.ofInstant(instant, ZoneOffset.UTC), Optional.empty(), source);
    }

    /**
     * Immich's {@code timeZone}: "UTC+2", "UTC-3:30", "UTC" for a zero offset; empty when the offset
     * is unknown.
     */
    public Optional<String> timeZone() {
        return offset.map(o -> {
            int total = o.getTotalSeconds();
            if (total == 0) {
                return "UTC";
            }
            int abs = Math.abs(total);
            int hours = abs / 3600;
            int minutes = abs % 3600 / 60;
            return "UTC" + (total < 0 ? "-" : "+") + hours + (minutes == 0 ? "" : String.format(":%02d", minutes));
        });
    }
}
