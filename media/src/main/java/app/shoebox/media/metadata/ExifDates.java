package app.shoebox.media.metadata;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Dates as cameras and editors write them, and the offsets that go with them. */
final class ExifDates {

    /** A date-time with the offset written in it, if any. */
    record Stamp(LocalDateTime local, Optional<ZoneOffset> offset) {
    }

    // "2024:05:01 10:00:00", "2024-05-01T10:00:00.25+02:00", "2004/05/09 16:00:21", "2024:05:01 10:00Z".
    private static final Pattern DATE_TIME = Pattern.compile(
            "^(\\d{4})[:/-](\\d{1,2})[:/-](\\d{1,2})[ T]+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(\\.\\d+)?\\s*(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Pattern SUBSEC = Pattern.compile("\\d+");
    private static final long FIFTEEN_MINUTES = 15 * 60;

    private ExifDates() {
    }

    /** A date and time with optional fraction and offset; empty for a bare date, zeros or garbage. */
    static Optional<Stamp> parse(String s) {
        Matcher m = DATE_TIME.matcher(s.strip());
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
            if (m.group(7) != null) {
                local = withFraction(local, m.group(7).substring(1));
            }
            return Optional.of(new Stamp(local, Optional.ofNullable(m.group(8)).flatMap(ExifDates::offset)));
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** IPTC's date ("20240501", "2024:05:01") and time ("100000+0200", "10:00:00+02:00"). */
    static Optional<Stamp> iptc(String date, Optional<String> time) {
        String d = date.replaceAll("[^0-9]", "");
        if (d.length() != 8) {
            return Optional.empty();
        }
        try {
            LocalDate day = LocalDate.of(Integer.parseInt(d.substring(0, 4)), Integer.parseInt(d.substring(4, 6)),
                    Integer.parseInt(d.substring(6, 8)));
            if (time.isEmpty()) {
                // exiftool's DateTimeCreated needs both; a bare IPTC date is no capture time.
                return Optional.empty();
            }
            Matcher m = Pattern.compile("^(\\d{2}):?(\\d{2}):?(\\d{2})\\s*(Z|[+-]\\d{2}:?\\d{2})?").matcher(time.get().strip());
            if (!m.find()) {
                return Optional.empty();
            }
            LocalDateTime local = day.atTime(LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3))));
            return Optional.of(new Stamp(local, Optional.ofNullable(m.group(4)).flatMap(ExifDates::offset)));
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** EXIF's SubSecTime: the digits after the decimal point ("25" is a quarter second). */
    static LocalDateTime withFraction(LocalDateTime local, String digits) {
        String d = digits.strip();
        if (!SUBSEC.matcher(d).matches()) {
            return local;
        }
        // Milliseconds, as exiftool-vendored and Immich keep them.
        int millis = (int) Math.round(Double.parseDouble("0." + d) * 1000);
        return millis >= 1000 ? local : local.withNano(millis * 1_000_000);
    }

    /** "+02:00", "-0330", "Z", "+5:30", or a whole number of hours (EXIF TimeZoneOffset, maker-note time zones). */
    static Optional<ZoneOffset> offset(String s) {
        String t = s.strip();
        try {
            if (t.equals("Z")) {
                return Optional.of(ZoneOffset.UTC);
            }
            Matcher m = Pattern.compile("^([+-]?)(\\d{1,2})(?::?(\\d{2}))?$").matcher(t);
            if (m.matches()) {
                int sign = m.group(1).equals("-") ? -1 : 1;
                int minutes = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
                return Optional.of(ZoneOffset.ofHoursMinutes(sign * Integer.parseInt(m.group(2)), sign * minutes));
            }
        } catch (DateTimeException | NumberFormatException e) {
            // Out of range: no offset.
        }
        return Optional.empty();
    }

    /**
     * The offset implied by the camera clock and the GPS clock (UTC): their difference rounded to
     * 15 minutes, when within ±14 h (a camera at 10:00 with GPS at 13:00:12 UTC was at UTC-3).
     */
    static Optional<ZoneOffset> offsetFromGps(LocalDateTime cameraClock, LocalDateTime gpsUtc) {
        long diff = Duration.between(gpsUtc, cameraClock).toSeconds();
        long rounded = Math.round((double) diff / FIFTEEN_MINUTES) * FIFTEEN_MINUTES;
        return Math.abs(rounded) <= 14 * 3600 ? Optional.of(ZoneOffset.ofTotalSeconds((int) rounded)) : Optional.empty();
    }
}
