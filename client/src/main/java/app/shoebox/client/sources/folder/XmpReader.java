package app.shoebox.client.sources.folder;

import app.shoebox.client.sources.Metadata;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few fields of an XMP sidecar that {@code --sync-metadata} compares: capture time, GPS,
 * description. XMP writes them either as attributes ({@code exif:DateTimeOriginal="..."}) or as
 * elements; both are read. Anything unreadable is simply not stated.
 */
final class XmpReader {

    private static final String[] DATE_FIELDS = {"exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"};

    private XmpReader() {
    }

    static Metadata read(String xmp) {
        Optional<Instant> date = Optional.empty();
        for (String f : DATE_FIELDS) {
            date = value(xmp, f).flatMap(XmpReader::date);
            if (date.isPresent()) {
                break;
            }
        }
        Optional<Double> lat = value(xmp, "exif:GPSLatitude").flatMap(XmpReader::coordinate);
        Optional<Double> lon = value(xmp, "exif:GPSLongitude").flatMap(XmpReader::coordinate);
        Optional<Metadata.Gps> gps = lat.isPresent() && lon.isPresent() ? Optional.of(new Metadata.Gps(lat.get(), lon.get()))
                : Optional.empty();
        Optional<String> description = element(xmp, "dc:description")
                .map(d -> {
                    Matcher li = Pattern.compile("<rdf:li[^>]*>([^<]*)</rdf:li>").matcher(d);
                    return li.find() ? li.group(1) : d;
                })
                .map(XmpReader::unescape).map(String::strip).filter(s -> !s.isEmpty());
        return new Metadata(Metadata.Origin.XMP, date, gps, description, Optional.empty(), Optional.empty());
    }

    private static Optional<String> value(String xmp, String name) {
        Matcher attr = Pattern.compile(Pattern.quote(name) + "\\s*=\\s*\"([^\"]*)\"").matcher(xmp);
        if (attr.find()) {
            return Optional.of(unescape(attr.group(1)).strip());
        }
        return element(xmp, name).map(String::strip);
    }

    private static Optional<String> element(String xmp, String name) {
        Matcher el = Pattern.compile("<" + Pattern.quote(name) + "(?:\\s[^>]*)?>(.*?)</" + Pattern.quote(name) + ">", Pattern.DOTALL)
                .matcher(xmp);
        return el.find() ? Optional.of(el.group(1)) : Optional.empty();
    }

    private static Optional<Instant> date(String s) {
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(LocalDateTime.parse(s.length() == 16 ? s + ":00" : s).atZone(ZoneId.systemDefault()).toInstant());
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    /** XMP's {@code "51,30.5N"} (degrees, decimal minutes, hemisphere) or a plain decimal. */
    private static Optional<Double> coordinate(String s) {
        Matcher m = Pattern.compile("^(\\d+),(\\d+(?:\\.\\d+)?)(?:,(\\d+(?:\\.\\d+)?))?([NSEW])$").matcher(s.strip());
        try {
            if (m.matches()) {
                double v = Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2)) / 60
                        + (m.group(3) == null ? 0 : Double.parseDouble(m.group(3)) / 3600);
                return Optional.of("SW".contains(m.group(4)) ? -v : v);
            }
            return Optional.of(Double.parseDouble(s.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }
}
