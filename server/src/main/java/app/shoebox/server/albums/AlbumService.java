package app.shoebox.server.albums;

import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BulkIdResult;
import app.shoebox.server.notifications.Notifications;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Albums, what is in them and who they are shared with. Every method takes the acting user and
 * acts only as that user's role in the album allows (Immich's rules): the owner does everything,
 * an editor also adds (and removes their own) assets, a viewer only reads. An album the user has
 * no part in is treated as absent, so callers answer Immich's 400 and never say it exists.
 */
public final class AlbumService {

    /** What {@code GET /albums} may filter on; all absent lists every album of the user. */
    public record Filter(Optional<UUID> assetId, Optional<UUID> id, Optional<String> name, Optional<Boolean> shared,
                         Optional<Boolean> owned) {
        public static Filter none() {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** A user's part in an album. */
    public enum Role {
        OWNER, EDITOR, VIEWER;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** A role a member can be given: editor or viewer (the owner is not a member). */
        public static Optional<Role> member(String wireName) {
            return switch (wireName == null ? "" : wireName) {
                case "editor" -> Optional.of(EDITOR);
                case "viewer" -> Optional.of(VIEWER);
                default -> Optional.empty();
            };
        }

        boolean canAddAssets() {
            return this != VIEWER;
        }
    }

    /** A user the album is shared with. */
    public record Member(UUID userId, Role role) {}

    /** The outcome of a change to an album's members, with Immich's message when it is refused. */
    public sealed interface Sharing {
        record Done() implements Sharing {}

        /** The caller may not do this to this album (or there is no such album). */
        record NoAccess() implements Sharing {}

        record Refused(String message) implements Sharing {}
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

    // The albums a user has a part in: owns, or is a member of.
    private static final String ACCESSIBLE = """
            (al.owner_id = :user OR EXISTS (SELECT 1 FROM album_users m WHERE m.album_id = al.id AND m.user_id = :user))""";

    /**
     * The albums the user owns or is a member of: with {@code assetId}, those holding it (other
     * filters ignored, as in Immich); {@code owned} true for the user's own, false for those shared
     * with them; {@code shared} true for albums with members, false for those without.
     */
    public List<Album> list(UUID userId, Filter filter) {
        return jdbi.withHandle(h -> {
            if (filter.assetId().isPresent()) {
                return h.createQuery(SELECT + "WHERE " + ACCESSIBLE + """
                                  AND EXISTS (SELECT 1 FROM album_assets f WHERE f.album_id = al.id AND f.asset_id = :asset)
                                ORDER BY al.created_at DESC""")
                        .bind("user", userId).bind("asset", filter.assetId().get()).map(MAPPER).list();
            }
            return h.createQuery(SELECT + "WHERE " + ACCESSIBLE + """
                              AND (CAST(:id AS uuid) IS NULL OR al.id = :id)
                              AND (CAST(:name AS text) IS NULL OR al.album_name = :name)
                              AND (CAST(:owned AS boolean) IS NULL OR (al.owner_id = :user) = :owned)
                              AND (CAST(:shared AS boolean) IS NULL
                                   OR EXISTS (SELECT 1 FROM album_users s WHERE s.album_id = al.id) = :shared)
                            ORDER BY al.created_at DESC""")
                    .bind("user", userId).bind("id", filter.id().orElse(null)).bind("name", filter.name().orElse(null))
                    .bind("owned", filter.owned().orElse(null)).bind("shared", filter.shared().orElse(null))
                    .map(MAPPER).list();
        });
    }

    /** The album if the user owns it or it is shared with them. */
    public Optional<Album> find(UUID userId, UUID albumId) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE al.id = :id AND " + ACCESSIBLE)
                .bind("id", albumId).bind("user", userId).map(MAPPER).findOne());
    }

    /** The user's part in the album; empty when they have none (or there is no such album). */
    public Optional<Role> role(UUID userId, UUID albumId) {
        return jdbi.withHandle(h -> role(h, userId, albumId, false));
    }

    /** The album's members (not its owner), in the order they joined. */
    public List<Member> members(UUID albumId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT user_id, role FROM album_users WHERE album_id = :album ORDER BY created_at, user_id")
                .bind("album", albumId)
                .map((rs, c) -> new Member(rs.getObject("user_id", UUID.class), Role.member(rs.getString("role")).orElseThrow()))
                .list());
    }

    /**
     * Shares the album with {@code members} (owner only). Refused, with Immich's words, when one is
     * the owner, already a member or no user at all; nothing is added then.
     */
    public Sharing addMembers(UUID ownerId, UUID albumId, List<Member> members) {
        return jdbi.inTransaction(h -> {
            if (!lockOwned(h, ownerId, albumId)) {
                return new Sharing.NoAccess();
            }
            Set<UUID> current = new HashSet<>(h.createQuery("SELECT user_id FROM album_users WHERE album_id = :album")
                    .bind("album", albumId).mapTo(UUID.class).list());
            for (Member m : members) {
                if (m.userId().equals(ownerId)) {
                    return new Sharing.Refused("Cannot be shared with owner");
                }
                if (!current.add(m.userId())) {
                    return new Sharing.Refused("User already added");
                }
                if (!userExists(h, m.userId())) {
                    return new Sharing.Refused("User not found");
                }
            }
            insertMembers(h, albumId, members);
            h.createUpdate("UPDATE albums SET updated_at = now() WHERE id = :id").bind("id", albumId).execute();
            return new Sharing.Done();
        });
    }

    /** Changes a member's role (owner only). */
    public Sharing setRole(UUID ownerId, UUID albumId, UUID userId, Role role) {
        return jdbi.inTransaction(h -> {
            if (!lockOwned(h, ownerId, albumId)) {
                return new Sharing.NoAccess();
            }
            int n = h.createUpdate("UPDATE album_users SET role = :role WHERE album_id = :album AND user_id = :user")
                    .bind("role", role.wireName()).bind("album", albumId).bind("user", userId).execute();
            return n == 0 ? new Sharing.Refused("Album not shared with user") : new Sharing.Done();
        });
    }

    /** Takes a member out: the owner may remove anyone, a member only themselves. */
    public Sharing removeMember(UUID callerId, UUID albumId, UUID userId) {
        return jdbi.inTransaction(h -> {
            Optional<Role> caller = role(h, callerId, albumId, true);
            if (caller.isEmpty()) {
                return new Sharing.NoAccess();
            }
            UUID owner = h.createQuery("SELECT owner_id FROM albums WHERE id = :id").bind("id", albumId).mapTo(UUID.class).one();
            if (owner.equals(userId)) {
                return new Sharing.Refused("Cannot remove album owner");
            }
            if (caller.get() != Role.OWNER && !callerId.equals(userId)) {
                return new Sharing.NoAccess();
            }
            int n = h.createUpdate("DELETE FROM album_users WHERE album_id = :album AND user_id = :user")
                    .bind("album", albumId).bind("user", userId).execute();
            return n == 0 ? new Sharing.Refused("Album not shared with user") : new Sharing.Done();
        });
    }

    /** Whether every one of {@code userIds} is a user (not deleted). */
    public boolean usersExist(List<UUID> userIds) {
        return jdbi.withHandle(h -> userIds.stream().allMatch(id -> userExists(h, id)));
    }

    private static boolean userExists(Handle h, UUID userId) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM users WHERE id = :id AND deleted_at IS NULL)")
                .bind("id", userId).mapTo(Boolean.class).one();
    }

    /** Adds the members and tells each, as Immich does, with an "album invite" notification. */
    private static void insertMembers(Handle h, UUID albumId, List<Member> members) {
        if (members.isEmpty()) {
            return;
        }
        Map<String, Object> album = h.createQuery("""
                        SELECT al.album_name, u.name AS owner_name FROM albums al JOIN users u ON u.id = al.owner_id WHERE al.id = :id""")
                .bind("id", albumId).mapToMap().one();
        for (Member m : members) {
            h.createUpdate("INSERT INTO album_users (album_id, user_id, role) VALUES (:album, :user, :role)")
                    .bind("album", albumId).bind("user", m.userId()).bind("role", m.role().wireName()).execute();
            Notifications.create(h, m.userId(), "success", "AlbumInvite", "Shared album invitation",
                    album.get("owner_name") + " shared an album (" + album.get("album_name") + ") with you", albumData(albumId));
        }
    }

    /**
     * After {@code actorId} added assets to a shared album: an "album update" notification for
     * everyone else in it (owner and members), as Immich sends.
     */
    private static void notifyUpdate(Handle h, UUID albumId, UUID actorId) {
        List<UUID> others = h.createQuery("""
                        SELECT owner_id FROM albums WHERE id = :album AND owner_id <> :actor
                          AND EXISTS (SELECT 1 FROM album_users WHERE album_id = :album)
                        UNION SELECT user_id FROM album_users WHERE album_id = :album AND user_id <> :actor""")
                .bind("album", albumId).bind("actor", actorId).mapTo(UUID.class).list();
        if (others.isEmpty()) {
            return;
        }
        String name = h.createQuery("SELECT album_name FROM albums WHERE id = :id").bind("id", albumId).mapTo(String.class).one();
        for (UUID user : others) {
            Notifications.create(h, user, "info", "AlbumUpdate", "Shared album update",
                    "New media has been added to the album (" + name + ")", albumData(albumId));
        }
    }

    private static String albumData(UUID albumId) {
        return "{\"albumId\":\"" + albumId + "\"}";
    }

    /**
     * The user's role in the album; {@code lock} takes the album row as {@link #lockOwned} does,
     * so changes to one album's assets and members run one at a time.
     */
    private static Optional<Role> role(Handle h, UUID userId, UUID albumId, boolean lock) {
        Optional<UUID> owner = h.createQuery("SELECT owner_id FROM albums WHERE id = :id" + (lock ? " FOR NO KEY UPDATE" : ""))
                .bind("id", albumId).mapTo(UUID.class).findOne();
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        if (owner.get().equals(userId)) {
            return Optional.of(Role.OWNER);
        }
        return h.createQuery("SELECT role FROM album_users WHERE album_id = :album AND user_id = :user")
                .bind("album", albumId).bind("user", userId).mapTo(String.class).findOne().flatMap(Role::member);
    }

    /**
     * Creates an album holding those of {@code assetIds} the user owns; other ids are left out
     * silently, as Immich does.
     */
    public Album create(UUID ownerId, String name, String description, List<UUID> assetIds, List<Member> members) {
        return jdbi.inTransaction(h -> {
            UUID id = h.createQuery("""
                            INSERT INTO albums (owner_id, album_name, description) VALUES (:owner, :name, :description)
                            RETURNING id""")
                    .bind("owner", ownerId).bind("name", name).bind("description", description)
                    .mapTo(UUID.class).one();
            List<UUID> distinct = BulkIdResult.distinct(assetIds);
            Set<UUID> owned = OwnedAssets.among(h, ownerId, distinct);
            insertAssets(h, id, distinct.stream().filter(owned::contains).toList());
            insertMembers(h, id, members);
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

    /**
     * Adds assets of the user's own (owner or editor); one result per requested id, in order. Empty
     * when the user may not add to this album.
     */
    public Optional<List<BulkIdResult>> addAssets(UUID ownerId, UUID albumId, List<UUID> assetIds) {
        return jdbi.inTransaction(h -> {
            if (!role(h, ownerId, albumId, true).filter(Role::canAddAssets).isPresent()) {
                return Optional.empty();
            }
            List<UUID> distinct = BulkIdResult.distinct(assetIds);
            Set<UUID> owned = OwnedAssets.among(h, ownerId, distinct);
            Set<UUID> inserted = insertAssets(h, albumId, distinct.stream().filter(owned::contains).toList());
            if (!inserted.isEmpty()) {
                h.createUpdate("UPDATE albums SET updated_at = now() WHERE id = :id").bind("id", albumId).execute();
                refreshThumbnail(h, albumId);
                notifyUpdate(h, albumId, ownerId);
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
                    .filter(id -> role(h, ownerId, id, true).filter(Role::canAddAssets).isPresent()).toList();
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
                    notifyUpdate(h, album, ownerId);
                }
            }
            return added ? new BulkAdd(true, Optional.empty()) : new BulkAdd(false, Optional.of(BulkIdResult.Reason.DUPLICATE));
        });
    }

    /** The outcome of {@link #addAssetsToAlbums}. */
    public record BulkAdd(boolean success, Optional<BulkIdResult.Reason> error) {}

    /** Immich's album statistics: albums owned, shared (owned with members, or shared with the user), owned and not shared. */
    public record Statistics(long owned, long shared, long notShared) {}

    public Statistics statistics(UUID userId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*) FILTER (WHERE al.owner_id = :user) AS owned,
                               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM album_users s WHERE s.album_id = al.id)) AS shared,
                               count(*) FILTER (WHERE al.owner_id = :user
                                                AND NOT EXISTS (SELECT 1 FROM album_users s WHERE s.album_id = al.id)) AS not_shared
                        FROM albums al WHERE """ + ACCESSIBLE)
                .bind("user", userId)
                .map((rs, c) -> new Statistics(rs.getLong("owned"), rs.getLong("shared"), rs.getLong("not_shared"))).one());
    }

    /**
     * Removes assets (never deletes them); ids not in the album are {@code not_found}. The owner
     * removes any asset, an editor only their own (others are {@code no_permission}).
     */
    public Optional<List<BulkIdResult>> removeAssets(UUID ownerId, UUID albumId, List<UUID> assetIds) {
        return jdbi.inTransaction(h -> {
            Optional<Role> role = role(h, ownerId, albumId, true).filter(Role::canAddAssets);
            if (role.isEmpty()) {
                return Optional.empty();
            }
            List<UUID> distinct = BulkIdResult.distinct(assetIds);
            Set<UUID> allowed = role.get() == Role.OWNER ? Set.copyOf(distinct) : OwnedAssets.among(h, ownerId, distinct);
            Set<UUID> removed = new HashSet<>(h.createQuery("""
                            DELETE FROM album_assets WHERE album_id = :album AND asset_id = ANY(:ids) RETURNING asset_id""")
                    .bind("album", albumId).bindArray("ids", UUID.class, List.copyOf(allowed))
                    .mapTo(UUID.class).list());
            if (!removed.isEmpty()) {
                h.createUpdate("UPDATE albums SET updated_at = now() WHERE id = :id").bind("id", albumId).execute();
                refreshThumbnail(h, albumId);
            }
            return Optional.of(BulkIdResult.removed(assetIds, removed, allowed));
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
