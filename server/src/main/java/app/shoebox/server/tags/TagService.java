package app.shoebox.server.tags;

import app.shoebox.server.albums.OwnedAssets;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BulkIdResult;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A user's tags, a tree by path, and which assets carry them. Another user's tag or asset is
 * treated as absent.
 */
public final class TagService {

    // The spec's pattern for TagCreateDto.color.
    private static final Pattern COLOR = Pattern.compile("^#?([0-9A-Fa-f]{3}|[0-9A-Fa-f]{4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$");

    static final RowMapper<Tag> MAPPER = (rs, ctx) -> new Tag(rs.getObject("id", UUID.class), rs.getString("value"),
            Optional.ofNullable(rs.getObject("parent_id", UUID.class)), Optional.ofNullable(rs.getString("color")),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());

    private final Jdbi jdbi;

    public TagService(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public List<Tag> list(UUID userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tags WHERE user_id = :user ORDER BY value")
                .bind("user", userId).map(MAPPER).list());
    }

    public Optional<Tag> find(UUID userId, UUID tagId) {
        return jdbi.withHandle(h -> find(h, userId, tagId));
    }

    /** Creates one tag under an optional parent; an existing path is a 400, as in Immich. */
    public Tag create(UUID userId, String name, Optional<UUID> parentId, Optional<String> color) {
        if (name.isBlank() || name.contains("/")) {
            throw ApiException.badRequest("tag name '" + name + "' must be non-empty and hold no '/'; "
                    + "use parentId, or PUT /api/tags with a path, for nested tags");
        }
        color.ifPresent(TagService::checkColor);
        return jdbi.inTransaction(h -> {
            Optional<Tag> parent = parentId.map(p -> find(h, userId, p)
                    .orElseThrow(() -> ApiException.noAccess(app.shoebox.server.auth.Permission.TAG_READ)));
            String value = parent.map(p -> p.value() + "/" + name).orElse(name);
            requireIndexable(value);
            Optional<Tag> created = h.createQuery("""
                            INSERT INTO tags (user_id, value, parent_id, color) VALUES (:user, :value, :parent, :color)
                            ON CONFLICT (user_id, value) DO NOTHING RETURNING *""")
                    .bind("user", userId).bind("value", value).bind("parent", parentId.orElse(null))
                    .bind("color", color.orElse(null)).map(MAPPER).findOne();
            return created.orElseThrow(() -> ApiException.badRequest("A tag with that name already exists"));
        });
    }

    /**
     * Finds or creates each path ("a/b/c"), creating the missing levels; returns the leaf of each
     * path, in order. Empty levels ("a//b", "/a/") are dropped, as in Immich.
     */
    public List<Tag> upsert(UUID userId, List<String> paths) {
        List<List<String>> split = new ArrayList<>();
        for (String path : paths) {
            List<String> parts = path == null ? List.of()
                    : Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toList();
            if (parts.isEmpty()) {
                throw ApiException.badRequest("tag '" + path + "' has no name; send paths like \"Travel/2024\"");
            }
            requireIndexable(String.join("/", parts));
            split.add(parts);
        }
        return jdbi.inTransaction(h -> {
            List<Tag> leaves = new ArrayList<>();
            for (List<String> parts : split) {
                Tag tag = null;
                for (int i = 0; i < parts.size(); i++) {
                    tag = upsertOne(h, userId, String.join("/", parts.subList(0, i + 1)),
                            Optional.ofNullable(tag).map(Tag::id));
                }
                leaves.add(tag);
            }
            return leaves;
        });
    }

    /**
     * Tag paths are a unique index's keys, and PostgreSQL refuses index rows over about 2.7 kB:
     * 500 characters (at most 2,000 bytes of UTF-8) keep every path storable, and any real one fits.
     */
    static final int MAX_PATH_CHARS = 500;

    private static void requireIndexable(String path) {
        if (path.codePointCount(0, path.length()) > MAX_PATH_CHARS) {
            throw ApiException.badRequest("tag path '" + path.substring(0, 40) + "...' is longer than " + MAX_PATH_CHARS
                    + " characters; use a shorter name");
        }
    }

    /** Sets or (with null) clears the colour of one of the user's tags; empty when it is not theirs. */
    public Optional<Tag> updateColor(UUID userId, UUID tagId, Optional<String> color) {
        color.ifPresent(TagService::checkColor);
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE tags SET color = :color, updated_at = now() WHERE id = :id AND user_id = :user RETURNING *""")
                .bind("id", tagId).bind("user", userId).bind("color", color.map(TagService::withHash).orElse(null))
                .map(MAPPER).findOne());
    }

    /** Immich stores a colour with its '#', adding one when the client left it out. */
    private static String withHash(String color) {
        return color.startsWith("#") ? color : "#" + color;
    }

    public boolean delete(UUID userId, UUID tagId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM tags WHERE id = :id AND user_id = :user")
                .bind("id", tagId).bind("user", userId).execute() > 0);
    }

    /** Tags assets; one result per requested id. Empty when the user has no such tag. */
    public Optional<List<BulkIdResult>> tagAssets(UUID userId, UUID tagId, List<UUID> assetIds) {
        return jdbi.inTransaction(h -> {
            if (lockOwned(h, userId, List.of(tagId)).isEmpty()) {
                return Optional.empty();
            }
            List<UUID> distinct = BulkIdResult.distinct(assetIds);
            Set<UUID> owned = OwnedAssets.among(h, userId, distinct);
            Set<UUID> inserted = insertPairs(h, List.of(tagId), distinct.stream().filter(owned::contains).toList())
                    .stream().map(Pair::assetId).collect(Collectors.toSet());
            return Optional.of(BulkIdResult.added(assetIds, owned, inserted));
        });
    }

    /** Untags assets; an asset that did not carry the tag is {@code not_found}. */
    public Optional<List<BulkIdResult>> untagAssets(UUID userId, UUID tagId, List<UUID> assetIds) {
        return jdbi.inTransaction(h -> {
            if (lockOwned(h, userId, List.of(tagId)).isEmpty()) {
                return Optional.empty();
            }
            Set<UUID> removed = new HashSet<>(h.createQuery("""
                            DELETE FROM tag_assets WHERE tag_id = :tag AND asset_id = ANY(:ids) RETURNING asset_id""")
                    .bind("tag", tagId).bindArray("ids", UUID.class, BulkIdResult.distinct(assetIds))
                    .mapTo(UUID.class).list());
            return Optional.of(BulkIdResult.removed(assetIds, removed));
        });
    }

    /**
     * Puts every tag on every asset; ids of tags or assets the user does not own are skipped.
     * Returns how many (tag, asset) pairs are new.
     */
    public int tagAssets(UUID userId, List<UUID> tagIds, List<UUID> assetIds) {
        return jdbi.inTransaction(h -> {
            List<UUID> tags = lockOwned(h, userId, BulkIdResult.distinct(tagIds));
            List<UUID> distinct = BulkIdResult.distinct(assetIds);
            Set<UUID> owned = OwnedAssets.among(h, userId, distinct);
            return insertPairs(h, tags, distinct.stream().filter(owned::contains).toList()).size();
        });
    }

    private record Pair(UUID tagId, UUID assetId) {}

    private static List<Pair> insertPairs(Handle h, List<UUID> tagIds, List<UUID> assetIds) {
        if (tagIds.isEmpty() || assetIds.isEmpty()) {
            return List.of();
        }
        return h.createQuery("""
                        INSERT INTO tag_assets (tag_id, asset_id)
                        SELECT t, a FROM unnest(:tags) t CROSS JOIN unnest(:assets) a ORDER BY t, a
                        ON CONFLICT DO NOTHING RETURNING tag_id, asset_id""")
                .bindArray("tags", UUID.class, tagIds).bindArray("assets", UUID.class, assetIds)
                .map((rs, ctx) -> new Pair(rs.getObject("tag_id", UUID.class), rs.getObject("asset_id", UUID.class)))
                .list();
    }

    /**
     * Locks the user's tags among {@code tagIds}, in id order, until the transaction ends: taggings
     * of one tag run one at a time, and requests naming the same tags cannot deadlock.
     */
    private static List<UUID> lockOwned(Handle h, UUID userId, List<UUID> tagIds) {
        if (tagIds.isEmpty()) {
            return List.of();
        }
        return h.createQuery("SELECT id FROM tags WHERE id = ANY(:ids) AND user_id = :user ORDER BY id FOR NO KEY UPDATE")
                .bindArray("ids", UUID.class, tagIds).bind("user", userId).mapTo(UUID.class).list();
    }

    private static Tag upsertOne(Handle h, UUID userId, String value, Optional<UUID> parentId) {
        // DO UPDATE with an unchanged value so that RETURNING also yields the row that was already there.
        return h.createQuery("""
                        INSERT INTO tags (user_id, value, parent_id) VALUES (:user, :value, :parent)
                        ON CONFLICT (user_id, value) DO UPDATE SET value = EXCLUDED.value RETURNING *""")
                .bind("user", userId).bind("value", value).bind("parent", parentId.orElse(null))
                .map(MAPPER).one();
    }

    private static Optional<Tag> find(Handle h, UUID userId, UUID tagId) {
        return h.createQuery("SELECT * FROM tags WHERE id = :id AND user_id = :user")
                .bind("id", tagId).bind("user", userId).map(MAPPER).findOne();
    }

    private static void checkColor(String color) {
        if (!COLOR.matcher(color).matches()) {
            throw ApiException.badRequest("tag color '" + color + "' is not a hex color such as #ff8800");
        }
    }
}
