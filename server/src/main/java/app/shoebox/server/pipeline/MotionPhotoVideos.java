package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.media.MediaException;
import app.shoebox.media.metadata.MotionPhoto;
import app.shoebox.media.metadata.MotionPhotos;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * The video an Android phone embeds in a still becomes the still's live-photo video, as Immich's
 * metadata service does ({@code applyMotionPhotos}): a VIDEO asset of the same owner, hidden from the
 * timeline, stored as a file of its own ({@code encoded-video/<owner>/<aa>/<bb>/<id>-MP.mp4}, Immich's
 * place), named after the still ({@code PXL_1.MP.jpg} gives {@code PXL_1.MP.mp4}), dated like the
 * still, and sent through the pipeline itself (metadata, poster and thumbnails). An asset of the
 * owner with the same bytes (SHA-1) is reused instead, so reading the still again makes no second one.
 *
 * <p>The copy runs in the metadata step's slow part, to a temporary file; the catalogue work runs
 * in the step's transaction. The new asset's id is derived from the owner and the checksum, so an
 * attempt whose transaction rolls back and is tried again writes the same file, never a second one.
 */
final class MotionPhotoVideos {

    /** Where extracted videos live in the library folder (Immich's encoded-video folder). */
    static final String FOLDER = "encoded-video";

    private MotionPhotoVideos() {
    }

    /** The video copied out of a still, waiting in a temporary file for the step's transaction, with the still's dates. */
    record Copied(Path temp, byte[] sha1, long size, Dates dates) {
    }

    /** Copies {@code video} out of {@code still} to a temporary file of the library; the file is the caller's. */
    static Copied copy(Path library, Path still, MotionPhoto.Embedded video, Dates dates) throws MediaException {
        Path temp;
        try {
            Path tmp = Files.createDirectories(library.resolve("tmp"));
            // ".part": a server start removes what an interrupted attempt left here.
            temp = Files.createTempFile(tmp, "motion-", ".part");
        } catch (IOException e) {
            throw new MediaException(MediaException.Reason.IO, still, "cannot make a temporary file in " + library.resolve("tmp")
                    + " for the motion photo video of " + still + ": " + e.getMessage(), e);
        }
        try {
            MotionPhotos.Copied c = MotionPhotos.copy(still, video, temp);
            return new Copied(temp, c.sha1(), c.size(), dates);
        } catch (MediaException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /** The still's dates, which its motion part takes. */
    record Dates(Instant fileCreatedAt, Instant localDateTime, Instant fileModifiedAt) {
    }

    /**
     * In the metadata step's transaction: finds or makes the motion asset for {@code copied}, puts
     * its file in place when it has none, queues its own pipeline when new, and pairs it with the
     * still. The temporary file is moved or removed.
     */
    static void link(Connection tx, Path library, JobClient jobs, PipelineAsset still, Copied copied) throws SQLException {
        String hex = HexFormat.of().formatHex(copied.sha1());
        // Two stills with the same video read at once must not both insert it.
        try (PreparedStatement ps = tx.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, "motion-photo:" + still.ownerId() + ":" + hex);
            ps.execute();
        }
        Optional<Existing> existing = find(tx, still.ownerId(), copied.sha1());
        UUID motion;
        if (existing.isPresent()) {
            motion = existing.get().id();
            String path = existing.get().originalPath();
            // The extracted file is Shoebox's own: if it went missing (a lost folder), it is written again.
            if (path.startsWith(FOLDER + "/") && !Files.exists(library.resolve(path))) {
                place(library, copied.temp(), path);
                jobs.insert(tx, AssetJobs.STEPS.getFirst().request(motion, AssetJobs.UPLOAD_PRIORITY));
            }
        } else {
            motion = idOf(still.ownerId(), hex);
            String path = path(still.ownerId(), motion);
            insert(tx, still, motion, path, copied);
            place(library, copied.temp(), path);
            jobs.insert(tx, AssetJobs.STEPS.getFirst().request(motion, AssetJobs.UPLOAD_PRIORITY));
        }
        deleteQuietly(copied.temp());
        LivePhotos.pair(tx, still.ownerId(), still.id(), motion);
    }

    /** Removes the temporary file of a copy whose transaction never ran. */
    static void discard(Copied copied) {
        deleteQuietly(copied.temp());
    }

    /**
     * The motion asset's id: derived from the owner and the video's checksum (MD5, as
     * {@link UUID#nameUUIDFromBytes}), marked version 4 because Immich's API takes only version-4 ids.
     */
    static UUID idOf(UUID ownerId, String sha1Hex) {
        UUID named = UUID.nameUUIDFromBytes(("motion-photo:" + ownerId + ":" + sha1Hex).getBytes(StandardCharsets.UTF_8));
        return new UUID((named.getMostSignificantBits() & ~0xF000L) | 0x4000L, named.getLeastSignificantBits());
    }

    static String path(UUID ownerId, UUID motion) {
        String id = motion.toString();
        return FOLDER + "/" + ownerId + "/" + id.substring(0, 2) + "/" + id.substring(2, 4) + "/" + id + "-MP.mp4";
    }

    /** Immich's name for the motion part: the still's name without its extension, then ".mp4". */
    static String fileName(String stillName) {
        int dot = stillName.lastIndexOf('.');
        return (dot > 0 ? stillName.substring(0, dot) : stillName) + ".mp4";
    }

    private record Existing(UUID id, String originalPath) {
    }

    private static Optional<Existing> find(Connection tx, UUID ownerId, byte[] sha1) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT id, original_path FROM assets WHERE owner_id = ? AND checksum = ?")) {
            ps.setObject(1, ownerId);
            ps.setBytes(2, sha1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Existing(rs.getObject(1, UUID.class), rs.getString(2))) : Optional.empty();
            }
        }
    }

    private static void insert(Connection tx, PipelineAsset still, UUID motion, String path, Copied copied) throws SQLException {
        Dates dates = copied.dates();
        try (PreparedStatement ps = tx.prepareStatement("""
                INSERT INTO assets (id, owner_id, type, status, device_asset_id, device_id, original_path, original_file_name,
                                    mime_type, checksum, file_size, file_created_at, file_modified_at, local_date_time, visibility)
                VALUES (?, ?, 'VIDEO', 'active', 'NONE', 'NONE', ?, ?, 'video/mp4', ?, ?, ?, ?, ?, 'hidden')""")) {
            ps.setObject(1, motion);
            ps.setObject(2, still.ownerId());
            ps.setString(3, path);
            ps.setString(4, fileName(still.originalFileName()));
            ps.setBytes(5, copied.sha1());
            ps.setLong(6, copied.size());
            ps.setTimestamp(7, Timestamp.from(dates.fileCreatedAt()));
            ps.setTimestamp(8, Timestamp.from(dates.fileModifiedAt()));
            ps.setTimestamp(9, Timestamp.from(dates.localDateTime()));
            ps.executeUpdate();
        }
    }

    /** Moves the copy to its catalogue path inside the transaction, so a committed row always has its file. */
    private static void place(Path library, Path temp, String path) throws SQLException {
        Path target = library.resolve(path);
        try {
            Files.createDirectories(target.getParent());
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            // Rolls the step back; the job is tried again.
            throw new SQLException("cannot put the motion photo video at " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // A server start removes leftovers in tmp/.
        }
    }
}
