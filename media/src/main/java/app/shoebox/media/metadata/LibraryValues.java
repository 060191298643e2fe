package app.shoebox.media.metadata;

import app.shoebox.media.FileType;
import app.shoebox.media.GeoPoint;
import app.shoebox.media.Orientation;
import app.shoebox.media.ImageHeader;
import com.drew.lang.GeoLocation;
import com.drew.lang.Rational;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.exif.makernotes.AppleMakernoteDirectory;
import com.drew.metadata.exif.makernotes.CanonMakernoteDirectory;
import com.drew.metadata.exif.makernotes.SonyType1MakernoteDirectory;
import com.drew.metadata.exif.makernotes.ReconyxHyperFireMakernoteDirectory;
import com.drew.metadata.exif.makernotes.ReconyxUltraFireMakernoteDirectory;
import com.drew.metadata.iptc.IptcDirectory;
import com.drew.metadata.mov.metadata.QuickTimeMetadataDirectory;
import com.drew.metadata.xmp.XmpDirectory;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The metadata-extractor reader: the same fields, in the same order, as {@link ExifToolValues}
 * takes them from exiftool, found in metadata-extractor's directories (EXIF in every IFD it was
 * written to, the maker notes, IPTC and embedded XMP).
 */
final class LibraryValues {

    private LibraryValues() {
    }

    static Embedded of(Metadata metadata, FileType type) {
        RawProfiles.addExif(metadata);
        Tags t = new Tags(metadata);
        XmpDirectory xmpDir = metadata.getFirstDirectoryOfType(XmpDirectory.class);
        XmpValues xmp = xmpDir != null && xmpDir.getXMPMeta() != null
                ? XmpValues.of(xmpDir.getXMPMeta(), CaptureTime.Source.DATE_TIME_ORIGINAL) : XmpValues.NONE;
        Optional<LocalDateTime> gpsClock = t.gps().flatMap(g -> Optional.ofNullable(g.getGpsDate()))
                .map(d -> LocalDateTime.ofInstant(d.toInstant(), ZoneOffset.UTC));

        Optional<GeoPoint> location = t.gps().map(GpsDirectory::getGeoLocation)
                .filter(g -> g.getLatitude() != 0 && Double.isFinite(g.getLatitude()) && Double.isFinite(g.getLongitude()))
                .filter(g -> Math.abs(g.getLatitude()) <= 90 && Math.abs(g.getLongitude()) <= 180)
                .map((GeoLocation g) -> new GeoPoint(g.getLatitude(), g.getLongitude()))
                .or(xmp::location);

        LinkedHashSet<String> tags = new LinkedHashSet<>(xmp.tags());
        return new Embedded(
                captureTime(t, xmp, gpsClock),
                t.exif(ExifDirectoryBase.TAG_DATETIME).flatMap(ExifDates::parse)
                        .map(s -> s.local().toInstant(t.exif(ExifDirectoryBase.TAG_TIME_ZONE).flatMap(ExifDates::offset)
                                .orElse(ZoneOffset.UTC))),
                t.exif(ExifDirectoryBase.TAG_MAKE).or(xmp::make),
                t.exif(ExifDirectoryBase.TAG_MODEL).or(xmp::model),
                t.exif(ExifDirectoryBase.TAG_LENS_MODEL).or(xmp::lens)
                        .flatMap(l -> lensName(l, type == FileType.CR3 ? LensTable.CANON : makerLensId(metadata))),
                t.rational(ExifDirectoryBase.TAG_EXPOSURE_TIME).filter(s -> s > 0).map(MetadataExtractor::exposure),
                t.rational(ExifDirectoryBase.TAG_FNUMBER).filter(f -> f > 0),
                t.rational(ExifDirectoryBase.TAG_FOCAL_LENGTH).filter(f -> f > 0),
                // The maker notes only when EXIF has no ISO at all: a 0 there is what exiftool shows too.
                t.hasExif(ExifDirectoryBase.TAG_ISO_EQUIVALENT)
                        ? t.integer(ExifDirectoryBase.TAG_ISO_EQUIVALENT).filter(i -> i > 0) : MakerNotes.iso(metadata),
                Sizes.of(metadata, type),
                ImageHeader.orientationOf(metadata).or(() -> xmp.orientation().flatMap(Orientation::fromExif)),
                location,
                // MWG's Description: EXIF, then IPTC's caption, then XMP's dc:description.
                t.exif(ExifDirectoryBase.TAG_IMAGE_DESCRIPTION)
                        .or(() -> t.string(IptcDirectory.class, IptcDirectory.TAG_CAPTION)).or(xmp::description),
                xmp.rating().or(() -> t.integer(ExifDirectoryBase.TAG_RATING).flatMap(r -> MetadataExtractor.rating(r.toString())))
                        .or(() -> MakerNotes.rating(metadata)),
                List.copyOf(tags),
                t.string(AppleMakernoteDirectory.class, AppleMakernoteDirectory.TAG_CONTENT_IDENTIFIER)
                        .or(() -> t.string(QuickTimeMetadataDirectory.class, QuickTimeMetadataDirectory.TAG_CONTENT_IDENTIFIER)));
    }

    private static final java.util.regex.Pattern CANON_MOUNT = java.util.regex.Pattern.compile("^(EF-S|EF-M|EF|RF-S|RF)(\\d.*)");

    /**
     * Whose lens-ID table exiftool looks the lens up in: the maker notes carry a lens ID (a CR3's
     * Canon maker notes always do; metadata-extractor does not read them there).
     */
    enum LensTable { NONE, CANON, SONY }

    static LensTable makerLensId(Metadata m) {
        if (m.getDirectoriesOfType(CanonMakernoteDirectory.class).stream()
                .anyMatch(d -> d.containsTag(CanonMakernoteDirectory.CameraSettings.TAG_LENS_TYPE))) {
            return LensTable.CANON;
        }
        if (m.getDirectoriesOfType(SonyType1MakernoteDirectory.class).stream()
                .anyMatch(d -> d.containsTag(SonyType1MakernoteDirectory.TAG_LENS_ID))) {
            return LensTable.SONY;
        }
        return LensTable.NONE;
    }

    /**
     * The lens as exiftool names it, as far as that can be done without exiftool's lens tables.
     * When the maker notes carry a lens ID, exiftool's tables name Sony's and Canon's own lenses
     * "Sony FE 85mm F1.4 GM", "Canon EF-M 15-45mm f/3.5-6.3 IS STM": the EXIF text with the maker in
     * front (and a space after Canon's mount). Without a lens ID exiftool takes the EXIF text,
     * tidied as its second {@code LensID} composite does ("XF50mmF2" becomes "XF50mm F2",
     * "100.0 mm" becomes "100.0mm").
     */
    static Optional<String> lensName(String model, LensTable table) {
        String m = model.strip();
        if (m.equals("----") || m.isEmpty()) {
            return Optional.empty();
        }
        if (table == LensTable.SONY && m.matches("^(E|FE) .*")) {
            return Optional.of("Sony " + m);
        }
        java.util.regex.Matcher canon = CANON_MOUNT.matcher(m);
        if (table == LensTable.CANON && canon.matches()) {
            return Optional.of(("Canon " + canon.group(1) + " " + canon.group(2)).replaceAll("(\\d) L( |$)", "$1L$2"));
        }
        if (m.contains("mm") || m.matches(".*\\d/F.*")) {
            return Optional.of(m.replaceAll("(\\d)/F", "$1mm F").replace("mmF", "mm F").replaceAll("(\\d) mm", "$1mm")
                    .replace(" - ", "-"));
        }
        return Optional.of(m);
    }

    /** Immich's order (see {@link ExifToolValues#DATE_TAGS}) over metadata-extractor's directories. */
    private static Optional<CaptureTime> captureTime(Tags t, XmpValues xmp, Optional<LocalDateTime> gpsClock) {
        List<Supplier<Optional<Dated>>> order = List.of(
                () -> exifStamp(t, ExifDirectoryBase.TAG_DATETIME_ORIGINAL, ExifDirectoryBase.TAG_SUBSECOND_TIME_ORIGINAL,
                        ExifDirectoryBase.TAG_TIME_ZONE_ORIGINAL, CaptureTime.Source.DATE_TIME_ORIGINAL),
                // exiftool's SubSecCreateDate exists only when CreateDate has sub-seconds or an offset.
                () -> t.exif(ExifDirectoryBase.TAG_SUBSECOND_TIME_DIGITIZED).or(() -> t.exif(ExifDirectoryBase.TAG_TIME_ZONE_DIGITIZED))
                        .flatMap(x -> exifStamp(t, ExifDirectoryBase.TAG_DATETIME_DIGITIZED,
                                ExifDirectoryBase.TAG_SUBSECOND_TIME_DIGITIZED, ExifDirectoryBase.TAG_TIME_ZONE_DIGITIZED,
                                CaptureTime.Source.CREATE_DATE)),
                // MWG's DateTimeOriginal when EXIF has none: IPTC's DateCreated + TimeCreated, then XMP.
                () -> iptc(t),
                () -> xmp.originalTime().map(Dated::of),
                // Trail cameras keep it in their maker notes only.
                () -> t.string(ReconyxHyperFireMakernoteDirectory.class, ReconyxHyperFireMakernoteDirectory.TAG_DATE_TIME_ORIGINAL)
                        .or(() -> t.string(ReconyxUltraFireMakernoteDirectory.class,
                                ReconyxUltraFireMakernoteDirectory.TAG_DATE_TIME_ORIGINAL))
                        .flatMap(ExifDates::parse).map(s -> new Dated(s, CaptureTime.Source.OTHER)),
                // MWG's CreateDate: EXIF's (whole seconds), then XMP's.
                () -> exifStamp(t, ExifDirectoryBase.TAG_DATETIME_DIGITIZED, ExifDirectoryBase.TAG_SUBSECOND_TIME_DIGITIZED,
                        ExifDirectoryBase.TAG_TIME_ZONE_DIGITIZED, CaptureTime.Source.CREATE_DATE),
                () -> xmp.createTime().map(Dated::of),
                () -> gpsClock.map(g -> new Dated(new ExifDates.Stamp(g, Optional.of(ZoneOffset.UTC)), CaptureTime.Source.GPS)));
        for (Supplier<Optional<Dated>> s : order) {
            Optional<Dated> d = s.get();
            if (d.isPresent()) {
                LocalDateTime local = d.get().stamp().local();
                Optional<ZoneOffset> offset = d.get().stamp().offset()
                        .or(() -> Stream.of(ExifDirectoryBase.TAG_TIME_ZONE_ORIGINAL, ExifDirectoryBase.TAG_TIME_ZONE_DIGITIZED,
                                        ExifDirectoryBase.TAG_TIME_ZONE)
                                .map(tag -> t.exif(tag).flatMap(ExifDates::offset)).flatMap(Optional::stream).findFirst())
                        .or(() -> MakerNotes.timeZone(t.metadata()))
                        .or(() -> t.exif(ExifDirectoryBase.TAG_TIME_ZONE_OFFSET_TIFF_EP).flatMap(ExifDates::offset))
                        .or(() -> gpsClock.flatMap(g -> ExifDates.offsetFromGps(local, g)));
                return Optional.of(CaptureTime.of(local, offset, d.get().source()));
            }
        }
        return Optional.empty();
    }

    private record Dated(ExifDates.Stamp stamp, CaptureTime.Source source) {
        static Dated of(CaptureTime c) {
            return new Dated(new ExifDates.Stamp(c.localDateTime(), c.offset()), c.source());
        }
    }

    private static Optional<Dated> iptc(Tags t) {
        return t.string(IptcDirectory.class, IptcDirectory.TAG_DATE_CREATED)
                .flatMap(d -> ExifDates.iptc(d, t.string(IptcDirectory.class, IptcDirectory.TAG_TIME_CREATED)))
                .map(s -> new Dated(s, CaptureTime.Source.DATE_TIME_ORIGINAL));
    }

    private static Optional<Dated> exifStamp(Tags t, int dateTag, int subSecTag, int offsetTag, CaptureTime.Source source) {
        return t.exif(dateTag).flatMap(ExifDates::parse).map(s -> {
            LocalDateTime local = t.exif(subSecTag).map(sub -> ExifDates.withFraction(s.local(), sub)).orElse(s.local());
            return new Dated(new ExifDates.Stamp(local, s.offset().or(() -> t.exif(offsetTag).flatMap(ExifDates::offset))), source);
        });
    }

    /** Looks a tag up across every directory of a kind, as exiftool finds a tag wherever the camera put it. */
    private record Tags(Metadata metadata) {

        /** An EXIF tag from IFD0 or the EXIF sub-IFD, whichever has it (cameras disagree on where). */
        Optional<String> exif(int tag) {
            return Stream.<Class<? extends Directory>>of(ExifSubIFDDirectory.class, ExifIFD0Directory.class)
                    .flatMap(c -> metadata.getDirectoriesOfType(c).stream())
                    .map(d -> MetadataExtractor.clean(d.getString(tag))).flatMap(Optional::stream).findFirst();
        }

        boolean hasExif(int tag) {
            return Stream.<Class<? extends Directory>>of(ExifSubIFDDirectory.class, ExifIFD0Directory.class)
                    .flatMap(c -> metadata.getDirectoriesOfType(c).stream()).anyMatch(d -> d.containsTag(tag));
        }

        Optional<Integer> integer(int tag) {
            return exifValue(tag, d -> d.getInteger(tag));
        }

        Optional<Double> rational(int tag) {
            return exifValue(tag, d -> {
                Rational r = d.getRational(tag);
                return r == null || r.getDenominator() == 0 ? null : r.doubleValue();
            });
        }

        private <T> Optional<T> exifValue(int tag, Function<Directory, T> read) {
            return Stream.<Class<? extends Directory>>of(ExifSubIFDDirectory.class, ExifIFD0Directory.class)
                    .flatMap(c -> metadata.getDirectoriesOfType(c).stream())
                    .filter(d -> d.containsTag(tag)).map(d -> Optional.ofNullable(read.apply(d))).flatMap(Optional::stream)
                    .findFirst();
        }

        Optional<String> string(Class<? extends Directory> type, int tag) {
            return metadata.getDirectoriesOfType(type).stream().map(d -> MetadataExtractor.clean(d.getString(tag)))
                    .flatMap(Optional::stream).findFirst();
        }

        Optional<GpsDirectory> gps() {
            return Optional.ofNullable(metadata.getFirstDirectoryOfType(GpsDirectory.class));
        }
    }
}
