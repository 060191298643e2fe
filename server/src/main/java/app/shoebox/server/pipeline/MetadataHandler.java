package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.media.Dimensions;
import app.shoebox.media.MediaException;
import app.shoebox.media.SourceCheck;
import app.shoebox.media.metadata.MediaMetadata;
import app.shoebox.media.metadata.MetadataExtractor;
import app.shoebox.media.metadata.MotionPhoto;
import app.shoebox.media.video.VideoInfo;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads an original's metadata (and its XMP sidecar) into {@code asset_exif} and the asset's dates
 * and size, pairs the halves of a live photo ({@link LivePhotos}), and makes the video an Android
 * phone embedded in a still its live-photo video ({@link MotionPhotoVideos}).
 * Fields the user edited through the API ({@code locked_properties}) keep the user's value.
 */
final class MetadataHandler implements AssetStep {

    private static final Logger log = LoggerFactory.getLogger(MetadataHandler.class);

    private final Jdbi jdbi;
    private final JobClient jobs;
    private final Path library;
    private final MetadataExtractor extractor;

    MetadataHandler(Jdbi jdbi, JobClient jobs, Path library, MetadataExtractor extractor) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.library = library;
        this.extractor = extractor;
    }

    @Override
    public Result run(Input in) throws Exception {
        PipelineAsset asset = in.asset();
        UUID id = asset.id();
        Path file = library.resolve(asset.originalPath());
        MediaMetadata meta;
        Optional<MotionPhotoVideos.Copied> motion = Optional.empty();
        try {
            meta = extractor.extract(file, in.fileType(), asset.sidecarPath().map(library::resolve), asset.fileCreatedAt());
            switch (meta.motionPhoto()) {
                // A bad claim costs the still nothing: it is a photo without motion, and the log says why.
                case MotionPhoto.Invalid bad -> log.warn("asset {} ({}, {}): its {} video is not taken out: {}", id,
                        asset.originalFileName(), asset.originalPath(), bad.format().label(), bad.reason());
                case MotionPhoto.Embedded video -> motion = Optional.of(MotionPhotoVideos.copy(library, file, video,
                        new MotionPhotoVideos.Dates(meta.dateTimeOriginal(), localDateTime(meta), modified(file))));
                case MotionPhoto.None none -> { }
            }
        } catch (MediaException e) {
            return Result.ended(ProcessingErrors.of(jdbi, in.ctx(), asset, e));
        }
        Optional<MotionPhotoVideos.Copied> copied = motion;
        return Result.done(tx -> {
            writeExif(tx, id, meta);
            writeAsset(tx, id, meta);
            if (copied.isPresent()) {
                MotionPhotoVideos.link(tx, library, jobs, asset, copied.get());
            }
            if (meta.livePhotoId().isPresent()) {
                LivePhotos.link(tx, asset, meta.livePhotoId().get());
            }
        });
    }

    /** The camera's wall-clock time stored as if it were UTC, as Immich keeps {@code local_date_time}. */
    private static Instant localDateTime(MediaMetadata m) {
        return m.captureTime().localDateTime().toInstant(ZoneOffset.UTC);
    }

    private static Instant modified(Path file) throws MediaException {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            throw SourceCheck.io(file, "reading the modification time of", e);
        }
    }

    /** The size as displayed: EXIF orientations 5-8 and 90/270-degree video rotations swap the sides. */
    static Optional<Dimensions> displayed(MediaMetadata meta) {
        if (meta.video().isPresent()) {
            VideoInfo v = meta.video().get();
            return Optional.of(v.rotation() % 180 != 0 ? v.dimensions().transposed() : v.dimensions());
        }
        return meta.dimensions().map(d -> meta.orientation().map(o -> o.exifValue() >= 5).orElse(false) ? d.transposed() : d);
    }

    private static void writeExif(Connection tx, UUID id, MediaMetadata m) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("""
                INSERT INTO asset_exif AS x (asset_id, make, model, lens_model, exposure_time, f_number, iso, focal_length,
                    exif_image_width, exif_image_height, file_size_in_byte, orientation, date_time_original, modify_date,
                    time_zone, latitude, longitude, description, rating, fps, live_photo_cid, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
                ON CONFLICT (asset_id) DO UPDATE SET
                    make = EXCLUDED.make, model = EXCLUDED.model, lens_model = EXCLUDED.lens_model,
                    exposure_time = EXCLUDED.exposure_time, f_number = EXCLUDED.f_number, iso = EXCLUDED.iso,
                    focal_length = EXCLUDED.focal_length, exif_image_width = EXCLUDED.exif_image_width,
                    exif_image_height = EXCLUDED.exif_image_height, file_size_in_byte = EXCLUDED.file_size_in_byte,
                    orientation = EXCLUDED.orientation, modify_date = EXCLUDED.modify_date, fps = EXCLUDED.fps,
                    live_photo_cid = EXCLUDED.live_photo_cid,
                    date_time_original = CASE WHEN 'dateTimeOriginal' = ANY(x.locked_properties) THEN x.date_time_original ELSE EXCLUDED.date_time_original END,
                    time_zone = CASE WHEN 'timeZone' = ANY(x.locked_properties) OR 'dateTimeOriginal' = ANY(x.locked_properties) THEN x.time_zone ELSE EXCLUDED.time_zone END,
                    latitude = CASE WHEN 'latitude' = ANY(x.locked_properties) THEN x.latitude ELSE EXCLUDED.latitude END,
                    longitude = CASE WHEN 'longitude' = ANY(x.locked_properties) THEN x.longitude ELSE EXCLUDED.longitude END,
                    description = CASE WHEN 'description' = ANY(x.locked_properties) THEN x.description ELSE EXCLUDED.description END,
                    rating = CASE WHEN 'rating' = ANY(x.locked_properties) THEN x.rating ELSE EXCLUDED.rating END,
                    updated_at = now()""")) {
            int i = 1;
            ps.setObject(i++, id);
            setText(ps, i++, m.make());
            setText(ps, i++, m.model());
            setText(ps, i++, m.lensModel());
            setText(ps, i++, m.exposureTime());
            setDouble(ps, i++, m.fNumber());
            setInt(ps, i++, m.iso());
            setDouble(ps, i++, m.focalLength());
            setInt(ps, i++, m.exifImageWidth());
            setInt(ps, i++, m.exifImageHeight());
            ps.setLong(i++, m.fileSizeInByte());
            setText(ps, i++, m.orientationString());
            ps.setTimestamp(i++, Timestamp.from(m.dateTimeOriginal()));
            if (m.modifyDate().isPresent()) {
                ps.setTimestamp(i++, Timestamp.from(m.modifyDate().get()));
            } else {
                ps.setNull(i++, Types.TIMESTAMP_WITH_TIMEZONE);
            }
            setText(ps, i++, m.timeZone());
            setDouble(ps, i++, m.latitude());
            setDouble(ps, i++, m.longitude());
            ps.setString(i++, m.description().orElse(""));
            setInt(ps, i++, m.rating());
            setDouble(ps, i++, m.fps());
            setText(ps, i, m.livePhotoId());
            ps.executeUpdate();
        }
    }

    private static void writeAsset(Connection tx, UUID id, MediaMetadata m) throws SQLException {
        Optional<Dimensions> size = displayed(m);
        Timestamp local = Timestamp.from(localDateTime(m));
        try (PreparedStatement ps = tx.prepareStatement("""
                UPDATE assets a SET
                    width = ?, height = ?, duration = coalesce(?, a.duration),
                    file_created_at = CASE WHEN locked THEN a.file_created_at ELSE ? END,
                    local_date_time = CASE WHEN locked THEN a.local_date_time ELSE ? END,
                    updated_at = now()
                FROM (SELECT coalesce((SELECT 'dateTimeOriginal' = ANY(locked_properties) FROM asset_exif WHERE asset_id = ?), false) AS locked) l
                WHERE a.id = ?""")) {
            setInt(ps, 1, size.map(Dimensions::width));
            setInt(ps, 2, size.map(Dimensions::height));
            setInt(ps, 3, m.video().map(v -> (int) Math.min(Integer.MAX_VALUE, v.duration().toMillis())));
            ps.setTimestamp(4, Timestamp.from(m.dateTimeOriginal()));
            ps.setTimestamp(5, local);
            ps.setObject(6, id);
            ps.setObject(7, id);
            ps.executeUpdate();
        }
    }

    private static void setText(PreparedStatement ps, int i, Optional<String> v) throws SQLException {
        if (v.isPresent()) {
            ps.setString(i, v.get());
        } else {
            ps.setNull(i, Types.VARCHAR);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Optional<Integer> v) throws SQLException {
        if (v.isPresent()) {
            ps.setInt(i, v.get());
        } else {
            ps.setNull(i, Types.INTEGER);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Optional<Double> v) throws SQLException {
        if (v.isPresent()) {
            ps.setDouble(i, v.get());
        } else {
            ps.setNull(i, Types.DOUBLE);
        }
    }
}
