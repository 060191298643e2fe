package app.shoebox.media.metadata;

import app.shoebox.media.GeoPoint;
import com.adobe.internal.xmp.XMPConst;
import com.adobe.internal.xmp.XMPException;
import com.adobe.internal.xmp.XMPMeta;
import com.adobe.internal.xmp.properties.XMPProperty;
import com.drew.metadata.Metadata;
import com.drew.metadata.xmp.XmpDirectory;
import com.drew.metadata.xmp.XmpReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The XMP fields Shoebox uses, from a sidecar file or from XMP embedded in the image. */
record XmpValues(Optional<CaptureTime> originalTime, Optional<CaptureTime> createTime, Optional<GeoPoint> location, Optional<String> description,
                 Optional<Integer> rating, List<String> tags, Optional<String> lens, Optional<String> make,
                 Optional<String> model, Optional<Integer> orientation) {

    static final XmpValues NONE = new XmpValues(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    private static final String NS_PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/";
    private static final String NS_EXIF_EX = "http://cipa.jp/exif/1.0/";

    /** Parses a sidecar's bytes; empty when they are not XMP. */
    static Optional<XmpValues> parse(byte[] bytes, CaptureTime.Source source) {
        Metadata metadata = new Metadata();
        new XmpReader().extract(bytes, metadata);
        XmpDirectory dir = metadata.getFirstDirectoryOfType(XmpDirectory.class);
        if (dir == null || dir.hasErrors() || dir.getXMPMeta() == null) {
            return Optional.empty();
        }
        return Optional.of(of(dir.getXMPMeta(), source));
    }

    static XmpValues of(XMPMeta xmp, CaptureTime.Source source) {
        // exiftool's order under MWG: photoshop:DateCreated (the MWG DateTimeOriginal), exif:DateTimeOriginal,
        // then xmp:CreateDate. A bare date is no capture time (Immich skips it too) and the next one is tried.
        Optional<CaptureTime> original = java.util.stream.Stream.of(string(xmp, NS_PHOTOSHOP, "DateCreated"),
                        string(xmp, XMPConst.NS_EXIF, "DateTimeOriginal"))
                .map(v -> v.flatMap(ExifDates::parse)).flatMap(Optional::stream).findFirst()
                .map(st -> CaptureTime.of(st.local(), st.offset(), source));
        Optional<CaptureTime> create = string(xmp, XMPConst.NS_XMP, "CreateDate").flatMap(ExifDates::parse)
                .map(st -> CaptureTime.of(st.local(), st.offset(),
                        source == CaptureTime.Source.XMP_SIDECAR ? source : CaptureTime.Source.CREATE_DATE));
        Optional<GeoPoint> location = Optional.empty();
        var lat = string(xmp, XMPConst.NS_EXIF, "GPSLatitude").flatMap(XmpValues::coordinate);
        var lon = string(xmp, XMPConst.NS_EXIF, "GPSLongitude").flatMap(XmpValues::coordinate);
        if (lat.isPresent() && lon.isPresent() && Math.abs(lat.get()) <= 90 && Math.abs(lon.get()) <= 180) {
            location = Optional.of(new GeoPoint(lat.get(), lon.get()));
        }
        Optional<String> description = Optional.empty();
        try {
            XMPProperty p = xmp.getLocalizedText(XMPConst.NS_DC, "description", null, XMPConst.X_DEFAULT);
            description = p == null ? Optional.empty() : MetadataExtractor.clean(p.getValue());
        } catch (XMPException e) {
            // Not a language alternative: no description.
        }
        Optional<Integer> rating = string(xmp, XMPConst.NS_XMP, "Rating").flatMap(MetadataExtractor::rating);
        List<String> tags = new ArrayList<>();
        try {
            int n = xmp.countArrayItems(XMPConst.NS_DC, "subject");
            for (int i = 1; i <= n; i++) {
                MetadataExtractor.clean(xmp.getArrayItem(XMPConst.NS_DC, "subject", i).getValue()).ifPresent(tags::add);
            }
        } catch (XMPException e) {
            // Not an array: no tags.
        }
        // exiftool's LensModel (exifEX, and aux in older Adobe files); aux:Lens is another tag, which Immich does not read.
        Optional<String> lens = string(xmp, NS_EXIF_EX, "LensModel").or(() -> string(xmp, XMPConst.NS_EXIF_AUX, "LensModel"));
        return new XmpValues(original, create, location, description, rating, tags, lens, string(xmp, XMPConst.NS_TIFF, "Make"),
                string(xmp, XMPConst.NS_TIFF, "Model"),
                string(xmp, XMPConst.NS_TIFF, "Orientation").flatMap(o -> {
                    try {
                        return Optional.of(Integer.parseInt(o));
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                }));
    }

    /** The capture time the XMP gives, original first. */
    Optional<CaptureTime> captureTime() {
        return originalTime.or(() -> createTime);
    }

    private static Optional<String> string(XMPMeta xmp, String ns, String name) {
        try {
            return Optional.ofNullable(xmp.getPropertyString(ns, name)).flatMap(MetadataExtractor::clean);
        } catch (XMPException e) {
            return Optional.empty();
        }
    }

    /** XMP GPS coordinates: "DDD,MM.mmmN" or "DDD,MM,SSN" (the letter gives the hemisphere). */
    static Optional<Double> coordinate(String s) {
        String t = s.strip().toUpperCase(java.util.Locale.ROOT);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        char hemisphere = t.charAt(t.length() - 1);
        double sign = 1;
        if ("NSEW".indexOf(hemisphere) >= 0) {
            sign = hemisphere == 'S' || hemisphere == 'W' ? -1 : 1;
            t = t.substring(0, t.length() - 1);
        }
        String[] parts = t.split(",");
        try {
            double value = 0;
            double unit = 1;
            for (String part : parts) {
                value += Double.parseDouble(part.strip()) / unit;
                unit *= 60;
            }
            return Optional.of(sign * value);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
