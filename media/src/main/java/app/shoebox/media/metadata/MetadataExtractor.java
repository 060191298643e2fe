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
import com.drew.metadata.Metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a photo's or video's metadata and applies an XMP sidecar over it.
 *
 * <p>Two readers, one set of rules. With exiftool installed, each file is read by exiftool in its
 * batch mode ({@link ExifTool}) and every field is taken from exiftool's tags in Immich's order
 * ({@link ExifToolValues}): the same values Immich shows. Without it, or when exiftool fails on a
 * file (time-out, crash, a name it cannot be given), metadata-extractor reads the file in-process
 * ({@link LibraryValues}), maker notes included, following the same order. docs/media.md gives
 * the order for each field and how often each reader agrees with exiftool on real camera files.
 *
 * <p>Then, for every reader: the sidecar wins for the capture time, GPS, description, rating and
 * tags, as in Immich; for videos, ffprobe gives the duration, codec, size, rotation, frame rate,
 * and the container's creation time (with Apple's local offset), which comes before the embedded
 * tags; the caller's {@code fileCreatedAt} is the last resort for the capture time.
 */
public final class MetadataExtractor implements AutoCloseable {

    private final VideoProbe videoProbe;
    private final Optional<ExifTool> exifTool;
    private final boolean ownsExifTool;

    /** metadata-extractor alone. */
    public MetadataExtractor(VideoProbe videoProbe) {
        this(videoProbe, Optional.empty());
    }

    /** With this exiftool pool, which {@link #close()} stops. */
    public MetadataExtractor(VideoProbe videoProbe, Optional<ExifTool> exifTool) {
        this(videoProbe, exifTool, true);
    }

    private MetadataExtractor(VideoProbe videoProbe, Optional<ExifTool> exifTool, boolean ownsExifTool) {
        this.videoProbe = videoProbe;
        this.exifTool = exifTool;
        this.ownsExifTool = ownsExifTool;
    }

    /**
     * ffprobe and exiftool from the PATH when installed. exiftool is the JVM's shared pool
     * ({@link ExifTool#shared()}: up to one process per core, one per metadata job running at once),
     * which lives as long as the JVM.
     */
    public static MetadataExtractor fromPath() {
        return new MetadataExtractor(VideoProbe.fromPath(), ExifTool.shared(), false);
    }

    public String describe() {
        return "metadata: " + exifTool.map(ExifTool::describe)
                .orElse("metadata-extractor (exiftool not installed: lens names from maker-note IDs and some dates are read "
                        + "less often; install libimage-exiftool-perl)")
                + "; " + videoProbe.describe();
    }

    public boolean usesExifTool() {
        return exifTool.isPresent();
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
        boolean isVideo = type.kind() == MediaKind.VIDEO;
        Optional<VideoInfo> probed = isVideo ? videoProbe.probe(file, type) : Optional.empty();
        Embedded embedded = null;
        Metadata library = null;
        Optional<MotionPhotos.Claim> motionClaim = Optional.empty();
        if (exifTool.isPresent()) {
            ExifTool.Result r = exifTool.get().read(file);
            if (r instanceof ExifTool.Result.Read read && !read.tags().has("Error")) {
                embedded = ExifToolValues.of(read.tags());
                motionClaim = MotionPhotos.claim(read.tags());
            } else {
                String why = r instanceof ExifTool.Result.Read read ? read.tags().path("Error").asText() : ((ExifTool.Result.Failed) r).reason();
                warnings.add("exiftool could not read " + file + " (" + why + "); read with metadata-extractor instead");
            }
        }
        if (embedded == null || (isVideo && probed.isEmpty())) {
            library = libraryTags(file, type, warnings);
        }
        if (embedded == null) {
            BoxedExif.addExif(library, file, type);
            embedded = LibraryValues.of(library, type);
            motionClaim = MotionPhotos.claim(library);
        }
        MotionPhoto motion = type.kind() == MediaKind.IMAGE ? MotionPhotos.locate(file, motionClaim) : MotionPhoto.NONE;
        Optional<VideoInfo> v = isVideo && probed.isEmpty() ? ContainerVideoTags.read(library) : probed;
        XmpValues fromSidecar = sidecar.isPresent() ? readSidecar(sidecar.get(), file, warnings) : XmpValues.NONE;

        Optional<CaptureTime> videoTime = v.flatMap(VideoInfo::localCreation)
                .map(o -> CaptureTime.of(o.toLocalDateTime(), Optional.of(o.getOffset()), CaptureTime.Source.VIDEO_CREATION_TIME))
                .or(() -> v.flatMap(VideoInfo::creationTime)
                        .map(i -> CaptureTime.ofInstant(i, CaptureTime.Source.VIDEO_CREATION_TIME)));
        Embedded e = embedded;
        // A video's own clock (with Apple's offset) is read by ffprobe; the embedded tags come after it.
        Optional<CaptureTime> fileTime = isVideo ? videoTime.or(e::captureTime) : e.captureTime();
        CaptureTime captureTime = fromSidecar.captureTime().or(() -> fileTime)
                .orElseGet(() -> CaptureTime.ofInstant(fileCreatedAt, CaptureTime.Source.FILE_CREATED));
        Optional<GeoPoint> location = fromSidecar.location().or(e::location).or(() -> v.flatMap(VideoInfo::location));
        LinkedHashSet<String> tags = new LinkedHashSet<>(fromSidecar.tags());
        tags.addAll(e.tags());
        return new MediaMetadata(
                size,
                captureTime,
                e.modifyDate(),
                e.make().or(() -> v.flatMap(VideoInfo::make)),
                e.model().or(() -> v.flatMap(VideoInfo::model)),
                e.lensModel(),
                e.exposureTime(),
                e.fNumber().map(MetadataExtractor::fNumber),
                e.focalLength(),
                e.iso(),
                isVideo && v.isPresent() ? v.map(VideoInfo::dimensions) : e.dimensions(),
                e.orientation(),
                location,
                fromSidecar.description().or(e::description),
                fromSidecar.rating().or(e::rating),
                List.copyOf(tags),
                e.livePhotoId(),
                motion,
                v,
                warnings);
    }

    /** Stops the exiftool processes this extractor was given (not the JVM's shared pool). */
    @Override
    public void close() {
        if (ownsExifTool) {
            exifTool.ifPresent(ExifTool::close);
        }
    }

    private static Metadata libraryTags(Path file, FileType type, List<String> warnings) throws MediaException {
        if (type.kind() == MediaKind.IMAGE && ImageHeader.parses(type)) {
            // A file that ends inside its metadata is CORRUPT there (SourceCheck.parseFailure), not IO.
            return ImageHeader.read(file).metadata();
        }
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

    /** As exiftool prints it, which is what Immich shows: "1/125" below a quarter second, "0.5", "2" above. */
    static String exposure(double seconds) {
        if (seconds < 0.25001) {
            return "1/" + Math.round(1 / seconds);
        }
        String s = String.format(Locale.ROOT, "%.1f", seconds);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    /** As exiftool prints it (and Immich stores it): one decimal, two significant digits below 1. */
    static double fNumber(double f) {
        return f < 1 ? Double.parseDouble(String.format(Locale.ROOT, "%.2g", f)) : Math.round(f * 10) / 10.0;
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
}
