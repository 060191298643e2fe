package app.shoebox.media.metadata;

import app.shoebox.media.FileType;
import app.shoebox.media.GeoPoint;
import app.shoebox.media.ImageHeader;
import app.shoebox.media.MediaException;
import app.shoebox.media.MediaKind;
import app.shoebox.media.SourceCheck;
import app.shoebox.media.video.VideoInfo;
import app.shoebox.media.video.VideoProbe;
import com.drew.imaging.ImageMetadataReader;
import com.drew.lang.GeoLocation;
import com.drew.lang.Rational;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.xmp.XmpDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a photo's or video's metadata with metadata-extractor (and ffprobe for videos), and applies
 * an XMP sidecar over it.
 *
 * <p>Capture time, first found wins:
 * <ol>
 *   <li>the XMP sidecar: {@code exif:DateTimeOriginal}, {@code photoshop:DateCreated}, {@code xmp:CreateDate}
 *       (with the offset written in the value, if any);</li>
 *   <li>EXIF {@code DateTimeOriginal} + {@code SubSecTimeOriginal}, offset from {@code OffsetTimeOriginal},
 *       else {@code OffsetTime}, else derived from the GPS clock (see below);</li>
 *   <li>EXIF {@code DateTimeDigitized} (exiftool's CreateDate), offset from {@code OffsetTimeDigitized} or the GPS clock;</li>
 *   <li>embedded XMP, same fields as the sidecar;</li>
 *   <li>the GPS date and time stamp (UTC, no local offset known);</li>
 *   <li>for videos, Apple's {@code com.apple.quicktime.creationdate} (with its offset), else the
 *       container's {@code creation_time} (UTC);</li>
 *   <li>the caller's {@code fileCreatedAt}.</li>
 * </ol>
 * Without an offset the camera clock is read as UTC and {@link CaptureTime#offset()} is empty, as
 * Immich does. The GPS-derived offset is the difference between the camera clock and the GPS clock
 * (UTC) rounded to 15 minutes, used when within ±14 h.
 *
 * <p>The sidecar also wins for GPS, description, rating and tags, as in Immich.
 */
public final class MetadataExtractor {

    private static final DateTimeFormatter EXIF_DATE = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss", Locale.ROOT);
    private static final long FIFTEEN_MINUTES = 15 * 60;

    private final VideoProbe videoProbe;

    public MetadataExtractor(VideoProbe videoProbe) {
        this.videoProbe = videoProbe;
    }

    /** With ffprobe from the PATH when installed. */
    public static MetadataExtractor fromPath() {
        return new MetadataExtractor(VideoProbe.fromPath());
    }

    public String describe() {
        return "metadata: metadata-extractor; " + videoProbe.describe();
    }

    /**
     * Reads {@code file}'s metadata. {@code sidecar} is the separate {@code .xmp} file, when the
     * caller has one; {@code fileCreatedAt} is the last resort for the capture time.
     *
     * @throws MediaException permanent when the file is empty, mislabelled or unreadable as its type;
     *                        transient on I/O errors and ffprobe time-outs
     */
    public MediaMetadata extract(Path file, FileType type, Optional<Path> sidecar, Instant fileCreatedAt) throws MediaException {
        long size = SourceCheck.check(file, type);
        List<String> warnings = new ArrayList<>();
        Metadata metadata;
        Optional<VideoInfo> probed = Optional.empty();
        if (type.kind() == MediaKind.IMAGE && ImageHeader.parses(type)) {
            metadata = ImageHeader.read(file).metadata();
        } else if (type.kind() == MediaKind.IMAGE) {
            metadata = containerTags(file, warnings);
        } else {
            probed = videoProbe.probe(file, type);
            metadata = containerTags(file, warnings);
        }
        Optional<VideoInfo> video = type.kind() == MediaKind.VIDEO && probed.isEmpty() ? ContainerVideoTags.read(metadata) : probed;
        XmpValues fromSidecar = sidecar.isPresent() ? readSidecar(sidecar.get(), file, warnings) : XmpValues.NONE;
        XmpDirectory xmpDir = metadata.getFirstDirectoryOfType(XmpDirectory.class);
        XmpValues embeddedXmp = xmpDir != null && xmpDir.getXMPMeta() != null
                ? XmpValues.of(xmpDir.getXMPMeta(), CaptureTime.Source.EMBEDDED_XMP) : XmpValues.NONE;

        Directory ifd0 = first(metadata, ExifIFD0Directory.class);
        Directory exif = first(metadata, ExifSubIFDDirectory.class);
        GpsDirectory gps = metadata.getFirstDirectoryOfType(GpsDirectory.class);
        Optional<Instant> gpsTime = gps == null ? Optional.empty() : Optional.ofNullable(gps.getGpsDate()).map(java.util.Date::toInstant);

        Optional<CaptureTime> videoTime = video.flatMap(VideoInfo::localCreation)
                .map(o -> CaptureTime.of(o.toLocalDateTime(), Optional.of(o.getOffset()), CaptureTime.Source.VIDEO_CREATION_TIME))
                .or(() -> video.flatMap(VideoInfo::creationTime)
                        .map(i -> CaptureTime.ofInstant(i, CaptureTime.Source.VIDEO_CREATION_TIME)));
        CaptureTime captureTime = fromSidecar.captureTime()
                .or(() -> exifTime(exif, ExifDirectoryBase.TAG_DATETIME_ORIGINAL, ExifDirectoryBase.TAG_SUBSECOND_TIME_ORIGINAL,
                        ExifDirectoryBase.TAG_TIME_ZONE_ORIGINAL, gpsTime, CaptureTime.Source.EXIF_DATE_TIME_ORIGINAL, warnings))
                .or(() -> exifTime(exif, ExifDirectoryBase.TAG_DATETIME_DIGITIZED, ExifDirectoryBase.TAG_SUBSECOND_TIME_DIGITIZED,
                        ExifDirectoryBase.TAG_TIME_ZONE_DIGITIZED, gpsTime, CaptureTime.Source.EXIF_DATE_TIME_DIGITIZED, warnings))
                .or(embeddedXmp::captureTime)
                .or(() -> gpsTime.map(i -> CaptureTime.ofInstant(i, CaptureTime.Source.GPS)))
                .or(() -> videoTime)
                .orElseGet(() -> CaptureTime.ofInstant(fileCreatedAt, CaptureTime.Source.FILE_CREATED));

        Optional<Instant> modifyDate = string(ifd0, ExifDirectoryBase.TAG_DATETIME).flatMap(MetadataExtractor::exifDate)
                .map(local -> local.toInstant(string(exif, ExifDirectoryBase.TAG_TIME_ZONE).flatMap(MetadataExtractor::offset)
                        .orElse(ZoneOffset.UTC)));

        Optional<GeoPoint> embeddedLocation = Optional.ofNullable(gps).map(GpsDirectory::getGeoLocation)
                // (0, 0) is what many apps write for "no fix"; Immich treats it as no position too.
                .filter(g -> !g.isZero() && Double.isFinite(g.getLatitude()) && Double.isFinite(g.getLongitude()))
                .filter(g -> Math.abs(g.getLatitude()) <= 90 && Math.abs(g.getLongitude()) <= 180)
                .map((GeoLocation g) -> new GeoPoint(g.getLatitude(), g.getLongitude()))
                .or(embeddedXmp::location)
                .or(() -> video.flatMap(VideoInfo::location));

        LinkedHashSet<String> tags = new LinkedHashSet<>(fromSidecar.tags());
        tags.addAll(embeddedXmp.tags());

        return new MediaMetadata(
                size,
                captureTime,
                modifyDate,
                string(ifd0, ExifDirectoryBase.TAG_MAKE).or(() -> video.flatMap(VideoInfo::make)),
                string(ifd0, ExifDirectoryBase.TAG_MODEL).or(() -> video.flatMap(VideoInfo::model)),
                string(exif, ExifDirectoryBase.TAG_LENS_MODEL).or(embeddedXmp::lens),
                rational(exif, ExifDirectoryBase.TAG_EXPOSURE_TIME).filter(s -> s > 0).map(MetadataExtractor::exposure),
                rational(exif, ExifDirectoryBase.TAG_FNUMBER).filter(f -> f > 0),
                rational(exif, ExifDirectoryBase.TAG_FOCAL_LENGTH).filter(f -> f > 0),
                integer(exif, ExifDirectoryBase.TAG_ISO_EQUIVALENT).or(() -> integer(exif, ExifDirectoryBase.TAG_ISO_SPEED))
                        .filter(i -> i > 0),
                type.kind() == MediaKind.VIDEO && video.isPresent()
                        ? video.map(VideoInfo::dimensions) : ImageHeader.dimensionsOf(metadata),
                ImageHeader.orientationOf(metadata),
                fromSidecar.location().or(() -> embeddedLocation),
                fromSidecar.description().or(() -> string(ifd0, ExifDirectoryBase.TAG_IMAGE_DESCRIPTION))
                        .or(embeddedXmp::description),
                fromSidecar.rating().or(() -> integer(ifd0, ExifDirectoryBase.TAG_RATING).flatMap(r -> rating(r.toString())))
                        .or(embeddedXmp::rating),
                List.copyOf(tags),
                video,
                warnings);
    }

    private static Metadata containerTags(Path file, List<String> warnings) throws MediaException {
        // Videos are judged by ffprobe, and images metadata-extractor does not parse (JXL, AVIF, raw)
        // by the thumbnail decoder: here a parse failure only means fewer tags.
        try {
            return ImageMetadataReader.readMetadata(file.toFile());
        } catch (IOException e) {
            if (SourceCheck.parseFailure(file, "the metadata parser", e).permanent()) {
                // The file reads fine: the parser tripped over its content, which is a matter for
                // the decoder (ffprobe, the thumbnail step) to judge, as for any other parse failure.
                warnings.add("container tags of " + file + " not read: " + e.getMessage());
                return new Metadata();
            }
            throw SourceCheck.io(file, "reading", e);
        } catch (Exception e) {
            warnings.add("container tags of " + file + " not read: " + e.getMessage());
            return new Metadata();
        }
    }

    private static XmpValues readSidecar(Path sidecar, Path file, List<String> warnings) throws MediaException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(sidecar);
        } catch (NoSuchFileException e) {
            warnings.add("sidecar " + sidecar + " does not exist; ignored");
            return XmpValues.NONE;
        } catch (IOException e) {
            throw SourceCheck.io(sidecar, "reading the sidecar of " + file + ":", e);
        }
        // A broken sidecar must not cost the photo its own metadata: ignore it and say so.
        return XmpValues.parse(bytes, CaptureTime.Source.XMP_SIDECAR).orElseGet(() -> {
            warnings.add("sidecar " + sidecar + " is not valid XMP; ignored");
            return XmpValues.NONE;
        });
    }

    private static Optional<CaptureTime> exifTime(Directory exif, int dateTag, int subSecTag, int offsetTag,
                                                  Optional<Instant> gpsTime, CaptureTime.Source source, List<String> warnings) {
        Optional<String> raw = string(exif, dateTag);
        Optional<LocalDateTime> local = raw.flatMap(MetadataExtractor::exifDate);
        if (raw.isPresent() && local.isEmpty() && !raw.get().startsWith("0000")) {
            warnings.add("EXIF date \"" + raw.get() + "\" does not parse; ignored");
        }
        if (local.isEmpty()) {
            return Optional.empty();
        }
        LocalDateTime withFraction = string(exif, subSecTag).filter(s -> s.chars().allMatch(Character::isDigit))
                .map(s -> local.get().withNano((int) (Double.parseDouble("0." + s) * 1e9)))
                .orElse(local.get());
        Optional<ZoneOffset> offset = string(exif, offsetTag).flatMap(MetadataExtractor::offset)
                .or(() -> string(exif, ExifDirectoryBase.TAG_TIME_ZONE).flatMap(MetadataExtractor::offset))
                .or(() -> gpsTime.flatMap(utc -> offsetFromGps(local.get(), utc)));
        return Optional.of(CaptureTime.of(withFraction, offset, source));
    }

    static Optional<ZoneOffset> offsetFromGps(LocalDateTime cameraClock, Instant gpsUtc) {
        long diff = Duration.between(gpsUtc, cameraClock.toInstant(ZoneOffset.UTC)).toSeconds();
        long rounded = Math.round((double) diff / FIFTEEN_MINUTES) * FIFTEEN_MINUTES;
        return Math.abs(rounded) <= 14 * 3600 ? Optional.of(ZoneOffset.ofTotalSeconds((int) rounded)) : Optional.empty();
    }

    static Optional<LocalDateTime> exifDate(String s) {
        String t = s.strip();
        if (t.length() < 19) {
            return Optional.empty();
        }
        // Some writers use '-' in the date part; EXIF says ':'.
        String normalized = t.substring(0, 10).replace('-', ':') + t.substring(10, 19);
        try {
            return Optional.of(LocalDateTime.parse(normalized, EXIF_DATE));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static Optional<ZoneOffset> offset(String s) {
        try {
            return Optional.of(ZoneOffset.of(s.strip()));
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    /** As exiftool prints it, which is what Immich shows: "1/125" below a quarter second, "0.5", "2" above. */
    static String exposure(double seconds) {
        if (seconds < 0.25001) {
            return "1/" + Math.round(1 / seconds);
        }
        String s = String.format(Locale.ROOT, "%.1f", seconds);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    static Optional<Integer> rating(String s) {
        try {
            int r = (int) Math.round(Double.parseDouble(s.strip()));
            return r >= 1 && r <= 5 ? Optional.of(r) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Optional<String> clean(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String t = s.replace("\u0000", "").strip();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    private static Directory first(Metadata metadata, Class<? extends Directory> type) {
        return metadata.getFirstDirectoryOfType(type);
    }

    private static Optional<String> string(Directory dir, int tag) {
        return dir == null ? Optional.empty() : clean(dir.getString(tag));
    }

    private static Optional<Integer> integer(Directory dir, int tag) {
        return dir == null ? Optional.empty() : Optional.ofNullable(dir.getInteger(tag));
    }

    private static Optional<Double> rational(Directory dir, int tag) {
        if (dir == null) {
            return Optional.empty();
        }
        Rational r = dir.getRational(tag);
        return r == null || r.getDenominator() == 0 ? Optional.empty() : Optional.of(r.doubleValue());
    }
}
