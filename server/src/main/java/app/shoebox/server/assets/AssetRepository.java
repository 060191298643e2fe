package app.shoebox.server.assets;

import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** All SQL over {@code assets} and {@code asset_exif}. Every query is scoped to one owner. */
final class AssetRepository {

    /** An asset already holding some bytes: what a duplicate answer needs. */
    record Existing(UUID id, boolean trashed) {}

    /**
     * An asset with its EXIF row, when it has one, and the steps of the media pipeline that failed
     * for it for good (a JSON array of {@code {step, reason, failedAt}}).
     */
    record WithExif(Asset asset, Optional<Exif> exif, String processingErrorsJson) {}

    /** Image, video and total counts. */
    record Counts(long images, long videos, long total) {}

    static final String EXIF_COLUMNS = """
            e.asset_id AS e_asset_id, e.make AS e_make, e.model AS e_model, e.lens_model AS e_lens_model,
            e.exposure_time AS e_exposure_time, e.f_number AS e_f_number, e.iso AS e_iso, e.focal_length AS e_focal_length,
            e.exif_image_width AS e_exif_image_width, e.exif_image_height AS e_exif_image_height,
            e.file_size_in_byte AS e_file_size_in_byte, e.orientation AS e_orientation,
            e.date_time_original AS e_date_time_original, e.modify_date AS e_modify_date, e.time_zone AS e_time_zone,
            e.latitude AS e_latitude, e.longitude AS e_longitude, e.city AS e_city, e.state AS e_state,
            e.country AS e_country, e.description AS e_description, e.rating AS e_rating,
            e.projection_type AS e_projection_type, e.locked_properties AS e_locked_properties,
            (SELECT coalesce(json_agg(json_build_object('step', p.step, 'reason', p.reason, 'failedAt', p.failed_at)
                                      ORDER BY p.step), '[]')
             FROM asset_processing_errors p WHERE p.asset_id = a.id) AS processing_errors""";

    static final RowMapper<Asset> ASSET = (rs, ctx) -> asset(rs);

    static final RowMapper<WithExif> WITH_EXIF = (rs, ctx) -> new WithExif(asset(rs),
            rs.getObject("e_asset_id") == null ? Optional.empty() : Optional.of(exif(rs)), rs.getString("processing_errors"));

    private final Jdbi jdbi;

    AssetRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    Optional<WithExif> find(UUID ownerId, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT a.*, " + EXIF_COLUMNS + """
                         FROM assets a LEFT JOIN asset_exif e ON e.asset_id = a.id
                        WHERE a.id = :id AND a.owner_id = :owner AND a.status <> 'deleted'""")
                .bind("id", id).bind("owner", ownerId).map(WITH_EXIF).findOne());
    }

    /**
     * The asset if {@code userId} may see it: their own (trashed too), or another user's that is in
     * an album they own or that is shared with them (not in the trash), as Immich's album access.
     */
    Optional<WithExif> findReadable(UUID userId, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT a.*, " + EXIF_COLUMNS + """
                         FROM assets a LEFT JOIN asset_exif e ON e.asset_id = a.id
                        WHERE a.id = :id AND a.status <> 'deleted'
                          AND (a.owner_id = :user OR (a.status = 'active' AND EXISTS (
                               SELECT 1 FROM album_assets aa JOIN albums al ON al.id = aa.album_id
                                WHERE aa.asset_id = a.id
                                  AND (al.owner_id = :user
                                       OR EXISTS (SELECT 1 FROM album_users m WHERE m.album_id = al.id AND m.user_id = :user)))))""")
                .bind("id", id).bind("user", userId).map(WITH_EXIF).findOne());
    }

    Optional<Existing> findByChecksum(UUID ownerId, byte[] checksum) {
        return jdbi.withHandle(h -> findByChecksum(h, ownerId, checksum));
    }

    static Optional<Existing> findByChecksum(Handle h, UUID ownerId, byte[] checksum) {
        return h.createQuery("SELECT id, status FROM assets WHERE owner_id = :owner AND checksum = :checksum")
                .bind("owner", ownerId).bind("checksum", checksum)
                .map((rs, ctx) -> new Existing(rs.getObject("id", UUID.class), !"active".equals(rs.getString("status"))))
                .findOne();
    }

    /**
     * The owner's assets among {@code hexChecksums}, keyed by hex checksum: one query for the whole
     * batch, each element an index probe on {@code assets_owner_checksum_key}.
     */
    Map<String, Existing> findByChecksums(UUID ownerId, Collection<String> hexChecksums) {
        if (hexChecksums.isEmpty()) {
            return Map.of();
        }
        Map<String, Existing> found = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT encode(a.checksum, 'hex') AS hex, a.id, a.status
                          FROM (SELECT DISTINCT decode(c, 'hex') AS checksum FROM unnest(CAST(:checksums AS text[])) AS c) wanted
                          JOIN assets a ON a.owner_id = :owner AND a.checksum = wanted.checksum""")
                .bind("owner", ownerId).bind("checksums", hexChecksums.toArray(String[]::new))
                .map((rs, ctx) -> Map.entry(rs.getString("hex"),
                        new Existing(rs.getObject("id", UUID.class), !"active".equals(rs.getString("status")))))
                .forEach(e -> found.put(e.getKey(), e.getValue())));
        return found;
    }

    static void insert(Handle h, Asset a) {
        h.createUpdate("""
                        INSERT INTO assets (id, owner_id, type, status, device_asset_id, device_id, original_path,
                                            original_file_name, sidecar_path, mime_type, checksum, file_size,
                                            file_created_at, file_modified_at, local_date_time, created_at, updated_at,
                                            is_favorite, visibility, duration, live_photo_video_id)
                        VALUES (:id, :owner, :type, 'active', :deviceAssetId, :deviceId, :originalPath,
                                :originalFileName, :sidecarPath, :mimeType, :checksum, :fileSize,
                                :fileCreatedAt, :fileModifiedAt, :localDateTime, :createdAt, :updatedAt,
                                :isFavorite, :visibility, :duration, :livePhotoVideoId)""")
                .bind("id", a.id()).bind("owner", a.ownerId()).bind("type", a.type().name())
                .bind("deviceAssetId", a.deviceAssetId()).bind("deviceId", a.deviceId())
                .bind("originalPath", a.originalPath()).bind("originalFileName", a.originalFileName())
                .bind("sidecarPath", a.sidecarPath().orElse(null)).bind("mimeType", a.mimeType())
                .bind("checksum", a.checksum()).bind("fileSize", a.fileSize())
                .bind("fileCreatedAt", a.fileCreatedAt()).bind("fileModifiedAt", a.fileModifiedAt())
                .bind("localDateTime", a.localDateTime()).bind("createdAt", a.createdAt()).bind("updatedAt", a.updatedAt())
                .bind("isFavorite", a.isFavorite()).bind("visibility", a.visibility().wireName())
                .bind("duration", a.durationMillis().orElse(null))
                .bind("livePhotoVideoId", a.livePhotoVideoId().orElse(null))
                .execute();
    }

    /**
     * Makes {@code videoId} the motion part of a live photo: hidden from the timeline, as Immich
     * does, so clients that upload the video first and then the still see one asset.
     */
    static void hideMotionPart(Handle h, UUID ownerId, UUID videoId) {
        int hidden = h.createUpdate("""
                        UPDATE assets SET visibility = 'hidden', updated_at = now()
                         WHERE id = :id AND owner_id = :owner AND visibility <> 'hidden'""")
                .bind("id", videoId).bind("owner", ownerId).execute();
        if (hidden > 0) {
            CatalogueEvents.publish(h, ClientEvent.ASSET_HIDDEN, ownerId, List.of(videoId));
        }
    }

    /** Which of {@code ids} belong to the owner (trashed included); locks them against concurrent deletion. */
    static List<UUID> lockOwned(Handle h, UUID ownerId, Collection<UUID> ids) {
        return h.createQuery("SELECT id FROM assets WHERE owner_id = :owner AND id = ANY(:ids) AND status <> 'deleted' FOR UPDATE")
                .bind("owner", ownerId).bind("ids", ids.toArray(UUID[]::new)).mapTo(UUID.class).list();
    }

    static Optional<Asset> findOwned(Handle h, UUID ownerId, UUID id) {
        return h.createQuery("SELECT * FROM assets WHERE id = :id AND owner_id = :owner AND status <> 'deleted'")
                .bind("id", id).bind("owner", ownerId).map(ASSET).findOne();
    }

    /**
     * Catalogue paths of the files of {@code ids}, for removal once their rows are gone. An external
     * library's original and sidecar are the user's own files, indexed in place: only the
     * thumbnails derived from them are Shoebox's to remove.
     */
    static List<String> filePaths(Handle h, Collection<UUID> ids) {
        return h.createQuery("""
                        SELECT p FROM assets a,
                               unnest(CASE WHEN a.library_id IS NULL
                                           THEN ARRAY[a.original_path, a.sidecar_path, a.thumbnail_path, a.preview_path]
                                           ELSE ARRAY[a.thumbnail_path, a.preview_path] END) AS p
                         WHERE a.id = ANY(:ids) AND p IS NOT NULL""")
                .bind("ids", ids.toArray(UUID[]::new)).mapTo(String.class).list();
    }

    /** Moves active assets to the trash; returns the ids that moved. */
    static List<UUID> trash(Handle h, Collection<UUID> ids) {
        return h.createQuery("""
                        UPDATE assets SET status = 'trashed', deleted_at = now(), updated_at = now()
                         WHERE id = ANY(:ids) AND status = 'active' RETURNING id""")
                .bind("ids", ids.toArray(UUID[]::new)).mapTo(UUID.class).list();
    }

    /** Moves trashed assets back; {@code ids} null means all of the owner's. Returns the ids restored. */
    static List<UUID> restore(Handle h, UUID ownerId, Collection<UUID> ids) {
        return h.createQuery("""
                        UPDATE assets SET status = 'active', deleted_at = NULL, updated_at = now()
                         WHERE owner_id = :owner AND status = 'trashed' AND (CAST(:ids AS uuid[]) IS NULL OR id = ANY(:ids))
                        RETURNING id""")
                .bind("owner", ownerId).bind("ids", ids == null ? null : ids.toArray(UUID[]::new))
                .mapTo(UUID.class).list();
    }

    /** The owner's trashed assets, locked against concurrent changes. */
    static List<UUID> lockTrashed(Handle h, UUID ownerId) {
        return h.createQuery("SELECT id FROM assets WHERE owner_id = :owner AND status = 'trashed' FOR UPDATE")
                .bind("owner", ownerId).mapTo(UUID.class).list();
    }

    static int delete(Handle h, Collection<UUID> ids) {
        return h.createUpdate("DELETE FROM assets WHERE id = ANY(:ids)").bind("ids", ids.toArray(UUID[]::new)).execute();
    }

    /** Counts by type; {@code where} holds extra conditions on {@code a} with named binds in {@code binds}. */
    Counts count(UUID ownerId, String where, Map<String, Object> binds) {
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("""
                    SELECT count(*) FILTER (WHERE a.type = 'IMAGE') AS images,
                           count(*) FILTER (WHERE a.type = 'VIDEO') AS videos,
                           count(*) AS total
                      FROM assets a WHERE a.owner_id = :owner AND a.status <> 'deleted'""" + where);
            q.bind("owner", ownerId);
            q.bindMap(binds);
            return q.map((rs, ctx) -> new Counts(rs.getLong("images"), rs.getLong("videos"), rs.getLong("total"))).one();
        });
    }

    // --- row mapping ---

    private static Asset asset(ResultSet rs) throws SQLException {
        return new Asset(
                rs.getObject("id", UUID.class), rs.getObject("owner_id", UUID.class),
                Asset.Type.valueOf(rs.getString("type")), Asset.Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
                rs.getString("device_asset_id"), rs.getString("device_id"),
                rs.getString("original_path"), rs.getString("original_file_name"),
                Optional.ofNullable(rs.getString("sidecar_path")), rs.getString("mime_type"),
                rs.getBytes("checksum"), rs.getLong("file_size"),
                instant(rs, "file_created_at"), instant(rs, "file_modified_at"), instant(rs, "local_date_time"),
                instant(rs, "created_at"), instant(rs, "updated_at"), Optional.ofNullable(instant(rs, "deleted_at")),
                rs.getBoolean("is_favorite"), Asset.Visibility.valueOf(rs.getString("visibility").toUpperCase(java.util.Locale.ROOT)),
                Optional.ofNullable((Integer) rs.getObject("duration")),
                Optional.ofNullable((Integer) rs.getObject("width")), Optional.ofNullable((Integer) rs.getObject("height")),
                Optional.ofNullable(rs.getBytes("thumbhash")),
                Optional.ofNullable(rs.getObject("live_photo_video_id", UUID.class)),
                Optional.ofNullable(rs.getObject("stack_id", UUID.class)),
                rs.getBoolean("is_offline"), rs.getBoolean("is_edited"),
                Optional.ofNullable(rs.getString("thumbnail_path")), Optional.ofNullable(rs.getString("preview_path")),
                Optional.ofNullable(rs.getObject("duplicate_id", UUID.class)),
                Optional.ofNullable(rs.getObject("library_id", UUID.class)));
    }

    private static Exif exif(ResultSet rs) throws SQLException {
        Array locked = rs.getArray("e_locked_properties");
        return new Exif(rs.getString("e_make"), rs.getString("e_model"), rs.getString("e_lens_model"),
                rs.getString("e_exposure_time"), (Double) rs.getObject("e_f_number"), (Integer) rs.getObject("e_iso"),
                (Double) rs.getObject("e_focal_length"), (Integer) rs.getObject("e_exif_image_width"),
                (Integer) rs.getObject("e_exif_image_height"), (Long) rs.getObject("e_file_size_in_byte"),
                rs.getString("e_orientation"), instant(rs, "e_date_time_original"), instant(rs, "e_modify_date"),
                rs.getString("e_time_zone"), (Double) rs.getObject("e_latitude"), (Double) rs.getObject("e_longitude"),
                rs.getString("e_city"), rs.getString("e_state"), rs.getString("e_country"),
                rs.getString("e_description"), (Integer) rs.getObject("e_rating"), rs.getString("e_projection_type"),
                locked == null ? List.of() : Arrays.asList((String[]) locked.getArray()));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
