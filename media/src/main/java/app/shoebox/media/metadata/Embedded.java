package app.shoebox.media.metadata;

import app.shoebox.media.Dimensions;
import app.shoebox.media.GeoPoint;
import app.shoebox.media.Orientation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a file says about itself, from either reader (exiftool or metadata-extractor), before the
 * sidecar, the video probe and the file date are applied by {@link MetadataExtractor}.
 */
record Embedded(
        Optional<CaptureTime> captureTime,
        Optional<Instant> modifyDate,
        Optional<String> make,
        Optional<String> model,
        Optional<String> lensModel,
        Optional<String> exposureTime,
        Optional<Double> fNumber,
        Optional<Double> focalLength,
        Optional<Integer> iso,
        Optional<Dimensions> dimensions,
        Optional<Orientation> orientation,
        Optional<GeoPoint> location,
        Optional<String> description,
        Optional<Integer> rating,
        List<String> tags,
        Optional<String> livePhotoId) {

    static final Embedded NONE = new Embedded(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty());

    Embedded {
        tags = List.copyOf(tags);
    }
}
