package app.shoebox.server.assets;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code asset_exif}, nullable columns as they are: this record only carries the row to
 * the JSON mapping, where Immich's {@code ExifResponseDto} has the same nullable fields.
 */
record Exif(String make, String model, String lensModel, String exposureTime, Double fNumber, Integer iso,
            Double focalLength, Integer exifImageWidth, Integer exifImageHeight, Long fileSizeInByte,
            String orientation, Instant dateTimeOriginal, Instant modifyDate, String timeZone, Double latitude,
            Double longitude, String city, String state, String country, String description, Integer rating,
            String projectionType, List<String> lockedProperties) {
}
