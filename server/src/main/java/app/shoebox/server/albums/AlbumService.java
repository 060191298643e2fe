package app.shoebox.server.albums;

import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BulkIdResult;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A user's albums and what is in them. Every method takes the acting user: another user's album is
 * treated as absent, so callers answer 404 and never learn it exists.
 */
public final class AlbumService {

    /** What {@code GET /albums} may filter on; all absent lists every album of the user. */
    public record Filter(Optional<UUID> assetId, Optional<UUID> id, Optional<String> name, Optional<Boolean> shared,
                         Optional<Boolean> owned) {
        public static Filter none() {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** The fields a {@code PATCH} sets; absent ones stay as they are. */
    public record Changes(Optional<String> name, Optional<String> description, Optional<UUID> thumbnailAssetId,
                          Optional<Boolean> activityEnabled, Optional<Album.Order> order) {}

    // Counts and dates cover the assets a user sees: trashed and deleted ones are left out, as in Immich.
    private static final String SELECT = """
            SELECT al.*, s.asset_count, s.start_date, s.end_date, s.last_modified
            FROM albums al
            CROSS JOIN LATERAL (
                SELECT count(x.id) AS asset_count, min(x.file_created_at) AS start_date,
                       max(x.file_created_at) AS end_date, max(x.updated_at) AS last_modified
                FROM album_assets aa JOIN assets x ON x.id = aa.asset_id AND x.status = 'active'
                WHERE aa.album_id = al.id) s
            """;

    private static final RowMapper<Album> MAPPER = (rs, ctx) -> new Album(
            rs.getObject("id", UUID.class), rs.getObject("owner_id", UUID.class), rs.getString("album_name"),
            rs.getString("description"), Optional.ofNullable(rs.getObject("album_thumbnail_asset_id", UUID.class)),
            rs.getBoolean("is_activity_enabled"),
            Album.Order.fromWireName(rs.getString("sort_order")).orElse(Album.Order.DESC),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
            rs.getLong("asset_count"), instant(rs.getTimestamp("start_date")), instant(rs.getTimestamp("end_date")),
            instant(rs.getTimestamp("last_modified")));

    private final Jdbi jdbi;

    public AlbumService(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public List<Album> list(UUID ownerId, Filter filter) {
        if (filter.assetId().isEmpty()
                && (filter.shared().orElse(false) || !filter.owned().orElse(true))) {
            return List.of(); // Albums are not shared between users yet: none is shared, none is shared with me.
        }
        return jdbi.withHandle(h -> {
            if (filter.assetId().isPresent()) {
                return h.createQuery(SELECT + """
                                WHERE al.owner_id = :owner
                                  AND EXISTS (SELECT 1 FROM album_assets f WHERE f.album_id = al.id AND f.asset_id = :asset)
                                ORDER BY al.created_at DESC""")
                        .bind("owner", ownerId).bind("asset", filter.assetId().get()).map(MAPPER).list();
            }
            return h.createQuery(SELECT + """
                            WHERE al.owner_id = :owner
                              AND (CAST(:id AS uuid) IS NULL OR al.id = :id)
                              AND (CAST(:name AS text) IS NULL OR al.album_name = :name)
                            ORDER BY al.created_at DESC""")
                    .bind("owner", ownerId).bind("id", filter.id().orElse(null)).bind("name", filter.name().orElse(null))
                    .map(MAPPER).list();
        });
    }

    public Optional<Album> find(UUID ownerId, UUID albumId) {
        return jdbi.withHandle(h -> find(h, ownerId, albumId));
    }

    /**
     * Creates an album holding those of {@code assetIds} the user owns; other ids are left out
     * silently, as Immich does.
     */
    public Album create(UUID ownerId, String name, String description, List<UUID> assetIds) {
        return jdbi.inTransaction(h -> {
            UUID id = h.createQuery("""
                            INSERT INTO albums (owner_id, album_name, description) VALUES (:owner, :name, :description)
                            RETURNING id""")
                    .bind("owner", ownerId).bind("name", name).bind("description", description)
                    .mapTo(UUID.class).one();
            List<UUID> distinct = BulkIdResult.distinct(assetIds);
            Set<UUID> owned = OwnedAssets.among(h, ownerId, distinct);
            insertAssets(h, id, distinct.stream().filter(owned::contains).toList());
            refreshThumbnail(h, id);
            return find(h, ownerId, id).orElseThrow();
        });
    }

    public Optional<Album> update(UUID ownerId, UUID albumId, Changes changes) {
        return jdbi.inTransaction(h -> {
            if (find(h, ownerId, albumId).isEmpty()) {
                return Optional.empty();
            }
            changes.thumbnailAssetId().ifPresent(asset -> {
                boolean inAlbum = h.createQuery("SELECT EXISTS (SELECT 1 FROM album_assets WHERE album_id = :album AND asset_id = :asset)")
                        .bind("album", albumId).bind("asset", asset).mapTo(Boolean.class).one();
                if (!inAlbum) {
                    throw ApiException.badRequest("albumThumbnailAssetId " + asset + " is not an asset of album " + albumId
                            + "; add it to the album first");
                }
            });
            h.createUpdate("""
                            UPDATE albums SET
                                album_name = coalesce(:name, album_name),
                                description = coalesce(:description, description),
                                album_thumbnail_asset_id = coalesce(:thumbnail, album_thumbnail_asset_id),
                                is_activity_enabled = coalesce(:activity, is_activity_enabled),
                                sort_order = coalesce(:order, sort_order),
                                updated_at = now()
                            WHERE id = :id""")
                    .bind("id", albumId)
                    .bind("name", changes.name().orElse(null))
                    .bind("description", changes.description().orElse(null))
                    .bind("thumbnail", changes.thumbnailAssetId().orElse(null))
                    .bind("activity", changes.activityEnabled().orElse(null))
                    .bind("order", changes.order().map(Album.Order::wireName).orElse(null))
                    .execute();
            return find(h, ownerId, albumId);
        });
    }

    /** Deletes the album (never its assets); false when the user has no such album. */
    public boolean delete(UUID ownerId, UUID albumId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM albums WHERE id = :id AND owner_id = :owner")
                .bind("id", albumId).bind("owner", ownerId).execute() > 0);
    }

    /** Adds assets; one result per requested id, in order. Empty when the user has no such album. */
    public Optional<List<BulkIdResult>> addAssets(UUID ownerId, UUID albumId, List<UUID> assetIds) {
        return jdbi.inTransaction(h -> {
            if (!lockOwned(h, ownerId, albumId)) {
                return Optional.empty();
            }
            List<UUID> distinct = BulkIdResult.distinct(assetIds);
            Set<UUID> owned = OwnedAssets.among(h, ownerId, distinct);
            Set<UUID> inserted = insertAssets(h, albumId, distinct.stream().filter(owned::contains).toList());
            if (!inserted.isEmpty()) {
                h.createUpdate("UPDATE albums SET updated_at = now() WHERE id = :id").bind("id", albumId).execute();
                refreshThumbnail(h, albumId);
            }
            return Optional.of(BulkIdResult.added(assetIds, owned, inserted));
        });
    }

    /**
     * Adds every asset to every album ({@code PUT /albums/assets}), skipping albums and assets the
     * user does not own. Immich's answer: success when anything was added; otherwise
     * {@code no_permission} when no album or no asset was usable, else {@code duplicate}.
     */
    public BulkAdd addAssetsToAlbums(UUID ownerId, List<UUID> albumIds, List<UUID> assetIds) {
        return jdbi.inTransaction(h -> {
            // Locked in id order, so requests naming the same albums in another order cannot deadlock.
            List<UUID> albums = BulkIdResult.distinct(albumIds).stream().sorted()
                    .filter(id -> lockOwned(h, ownerId, id)).toList();
            List<UUID> distinct = BulkIdResult.distinct(assetIds);
            Set<UUID> owned = OwnedAssets.among(h, ownerId, distinct);
            if (albums.isEmpty() || owned.isEmpty()) {
                return new BulkAdd(false, Optional.of(BulkIdResult.Reason.NO_PERMISSION));
            }
            List<UUID> usable = distinct.stream().filter(owned::contains).toList();
            boolean added = false;
            for (UUID album : albums) {
                if (!insertAssets(h, album, usable).isEmpty()) {
                    added = true;
                    h.createUpdate("UPDATE albums SET updated_at = now() WHERE id = :id").bind("id", album).execute();
                    refreshThumbnail(h, album);
                }
            }
            return added ? new BulkAdd(true, Optional.empty()) : new BulkAdd(false, Optional.of(BulkIdResult.Reason.DUPLICATE));
        });
    }

    /** The outcome of {@link #addAssetsToAlbums}. */
    public record BulkAdd(boolean success, Optional<BulkIdResult.Reason> error) {}

    /** How many albums the user owns. */
    public long count(UUID ownerId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM albums WHERE owner_id = :owner")
                .bind("owner", ownerId).mapTo(Long.class).one());
    }

    /** Removes assets (never deletes them); ids not in the album are {@code not_found}. */
    public Optional<List<BulkIdResult>> removeAssets(UUID ownerId, UUID albumId, List<UUID> assetIds) {
        return jdbi.inTransaction(h -> {
            if (!lockOwned(h, ownerId, albumId)) {
                return Optional.empty();
            }
            Set<UUID> removed = new HashSet<>(h.createQuery("""
                            DELETE FROM album_assets WHERE album_id = :album AND asset_id = ANY(:ids) RETURNING asset_id""")
                    .bind("album", albumId).bindArray("ids", UUID.class, BulkIdResult.distinct(assetIds))
                    .mapTo(UUID.class).list());
            if (!removed.isEmpty()) {
                h.createUpdate("UPDATE albums SET updated_at = now() WHERE id = :id").bind("id", albumId).execute();
                refreshThumbnail(h, albumId);
            }
            return Optional.of(BulkIdResult.removed(assetIds, removed));
        });
    }

    /** The album's visible assets, sorted by date as the album asks. */
    public List<UUID> assetIds(Album album) {
        String direction = album.order() == Album.Order.ASC ? "ASC" : "DESC";
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT x.id FROM album_assets aa JOIN assets x ON x.id = aa.asset_id AND x.status = 'active'
                        WHERE aa.album_id = :album ORDER BY x.file_created_at %s, x.id""".formatted(direction))
                .bind("album", album.id()).mapTo(UUID.class).list());
    }

    private static Optional<Album> find(Handle h, UUID ownerId, UUID albumId) {
        return h.createQuery(SELECT + "WHERE al.id = :id AND al.owner_id = :owner")
                .bind("id", albumId).bind("owner", ownerId).map(MAPPER).findOne();
    }

    // Changes to one album's assets run one at a time: the lock is held until the transaction ends,
    // so a concurrent delete cannot remove the album under an insert, and two adds cannot deadlock
    // (with a shared lock both would wait on each other to update the album row).
    private static boolean lockOwned(Handle h, UUID ownerId, UUID albumId) {
        return h.createQuery("SELECT id FROM albums WHERE id = :id AND owner_id = :owner FOR NO KEY UPDATE")
                .bind("id", albumId).bind("owner", ownerId).mapTo(UUID.class).findOne().isPresent();
    }

    /** Inserts what is not there yet; returns the ids actually inserted (concurrent adds cannot both win). */
    private static Set<UUID> insertAssets(Handle h, UUID albumId, List<UUID> assetIds) {
        if (assetIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(h.createQuery("""
                        INSERT INTO album_assets (album_id, asset_id) SELECT :album, id FROM unnest(:ids) id ORDER BY id
                        ON CONFLICT DO NOTHING RETURNING asset_id""")
                .bind("album", albumId).bindArray("ids", UUID.class, assetIds).mapTo(UUID.class).list());
    }

    /** Keeps the thumbnail on an asset of the album: the newest one when none is set or it left. */
    private static void refreshThumbnail(Handle h, UUID albumId) {
        h.createUpdate("""
                        UPDATE albums al SET album_thumbnail_asset_id = (
                            SELECT aa.asset_id FROM album_assets aa JOIN assets x ON x.id = aa.asset_id
                            WHERE aa.album_id = al.id ORDER BY x.file_created_at DESC, x.id LIMIT 1)
                        WHERE al.id = :id
                          AND (al.album_thumbnail_asset_id IS NULL OR NOT EXISTS (
                               SELECT 1 FROM album_assets t WHERE t.album_id = al.id AND t.asset_id = al.album_thumbnail_asset_id))""")
                .bind("id", albumId).execute();
    }

    private static Optional<Instant> instant(Timestamp t) {
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }
}
