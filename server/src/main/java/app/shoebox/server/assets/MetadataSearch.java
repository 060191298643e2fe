package app.shoebox.server.assets;

import app.shoebox.server.http.ApiException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /search/metadata} ({@code MetadataSearchDto}) turned into one SQL condition with its
 * binds. Results are ordered by (file_created_at, id), a unique key, so paging through the whole
 * library (immich-go's inventory) sees every asset exactly once while the library does not change.
 */
record MetadataSearch(String where, Map<String, Object> binds, boolean ascending, int page, int size, boolean withExif) {

    static final int DEFAULT_SIZE = 250;
    static final int MAX_SIZE = 1000;
    private static final String REQUEST = "POST /api/search/metadata";

    static MetadataSearch parse(JsonNode body) {
        JsonNode b = body == null || body.isNull() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : body;
        if (!b.isObject()) {
            throw ApiException.badRequest(REQUEST + " needs a JSON object body");
        }
        Conditions c = new Conditions();
        int page = integer(b, "page", 1, Integer.MAX_VALUE, 1);
        int size = integer(b, "size", 1, MAX_SIZE, DEFAULT_SIZE);
        String order = text(b, "order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw ApiException.badRequest(REQUEST + ": order must be asc or desc, got '" + order + "'");
        }

        String id = text(b, "id");
        if (id != null) {
            c.add("a.id = :id", "id", UploadService.uuid(id, "id"));
        }
        String checksum = text(b, "checksum");
        if (checksum != null) {
            c.add("a.checksum = :checksum", "checksum", Checksums.require(checksum, "checksum"));
        }
        equal(b, c, "deviceId", "a.device_id");
        equal(b, c, "deviceAssetId", "a.device_asset_id");
        String type = text(b, "type");
        if (type != null) {
            c.add("a.type = :type", "type", Asset.Type.parse(type, "type").name());
        }
        String visibility = text(b, "visibility");
        if (visibility != null) {
            c.add("a.visibility = :visibility", "visibility", Asset.Visibility.parse(visibility, "visibility").wireName());
        } else {
            // As Immich: hidden (e.g. the video half of a live photo) and locked assets only on request.
            c.add("a.visibility IN ('archive', 'timeline')");
        }
        flag(b, c, "isFavorite", "a.is_favorite");
        flag(b, c, "isOffline", "a.is_offline");
        if (b.hasNonNull("isMotion")) {
            c.add(bool(b, "isMotion") ? "a.live_photo_video_id IS NOT NULL" : "a.live_photo_video_id IS NULL");
        }
        boolean trashFilter = b.hasNonNull("trashedAfter") || b.hasNonNull("trashedBefore");
        c.add(bool(b, "withDeleted") || trashFilter ? "a.status IN ('active', 'trashed')" : "a.status = 'active'");
        range(b, c, "takenAfter", "takenBefore", "a.file_created_at");
        range(b, c, "createdAfter", "createdBefore", "a.created_at");
        range(b, c, "updatedAfter", "updatedBefore", "a.updated_at");
        range(b, c, "trashedAfter", "trashedBefore", "a.deleted_at");
        like(b, c, "originalFileName", "a.original_file_name");
        like(b, c, "originalPath", "a.original_path");
        like(b, c, "description", "e.description");
        for (String[] f : new String[][]{{"make", "e.make"}, {"model", "e.model"}, {"lensModel", "e.lens_model"},
                {"city", "e.city"}, {"state", "e.state"}, {"country", "e.country"}}) {
            nullableEqual(b, c, f[0], f[1]);
        }
        if (b.has("rating")) {
            JsonNode r = b.get("rating");
            if (r.isNull()) {
                c.add("e.rating IS NULL");
            } else {
                c.add("e.rating = :rating", "rating", integer(b, "rating", 1, 5, 0));
            }
        }
        equal(b, c, "thumbnailPath", "a.thumbnail_path");
        equal(b, c, "previewPath", "a.preview_path");
        List<UUID> albums = uuids(b, "albumIds");
        if (!albums.isEmpty()) {
            c.add("(SELECT count(DISTINCT x.album_id) FROM album_assets x WHERE x.asset_id = a.id AND x.album_id = ANY(:albumIds)) = :albumCount",
                    "albumIds", albums.toArray(UUID[]::new));
            c.binds.put("albumCount", (long) albums.size());
        }
        if (b.has("tagIds") && b.get("tagIds").isNull()) {
            c.add("NOT EXISTS (SELECT 1 FROM tag_assets x WHERE x.asset_id = a.id)");
        }
        List<UUID> tags = uuids(b, "tagIds");
        if (!tags.isEmpty()) {
            c.add("(SELECT count(DISTINCT x.tag_id) FROM tag_assets x WHERE x.asset_id = a.id AND x.tag_id = ANY(:tagIds)) = :tagCount",
                    "tagIds", tags.toArray(UUID[]::new));
            c.binds.put("tagCount", (long) tags.size());
        }
        if (b.hasNonNull("isNotInAlbum") && bool(b, "isNotInAlbum")) {
            c.add("NOT EXISTS (SELECT 1 FROM album_assets x WHERE x.asset_id = a.id)");
        }
        // Filters on things Shoebox does not have (yet): people, OCR text, encoded videos, external
        // libraries. Asking for them matches nothing rather than everything.
        if (!uuids(b, "personIds").isEmpty() || text(b, "ocr") != null || text(b, "encodedVideoPath") != null
                || (b.hasNonNull("isEncoded") && bool(b, "isEncoded")) || text(b, "libraryId") != null) {
            c.add("false");
        }
        return new MetadataSearch(c.sql(), c.binds, "asc".equals(order), page, size, bool(b, "withExif"));
    }

    /** The SQL ORDER BY clause: a unique key, so pages neither overlap nor skip. */
    String orderBy() {
        String dir = ascending ? "ASC" : "DESC";
        return " ORDER BY a.file_created_at " + dir + ", a.id " + dir;
    }

    long offset() {
        return (long) (page - 1) * size;
    }

    private static final class Conditions {
        final List<String> sql = new ArrayList<>();
        final Map<String, Object> binds = new HashMap<>();

        void add(String condition) {
            sql.add(condition);
        }

        void add(String condition, String name, Object value) {
            sql.add(condition);
            binds.put(name, value);
        }

        String sql() {
            return sql.stream().map(s -> " AND " + s).reduce("", String::concat);
        }
    }

    private static void equal(JsonNode b, Conditions c, String field, String column) {
        String v = text(b, field);
        if (v != null) {
            c.add(column + " = :" + field, field, v);
        }
    }

    private static void nullableEqual(JsonNode b, Conditions c, String field, String column) {
        if (b.has(field) && b.get(field).isNull()) {
            c.add(column + " IS NULL");
        } else {
            equal(b, c, field, column);
        }
    }

    private static void like(JsonNode b, Conditions c, String field, String column) {
        String v = text(b, field);
        if (v != null) {
            String escaped = v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
            c.add(column + " ILIKE :" + field, field, "%" + escaped + "%");
        }
    }

    private static void flag(JsonNode b, Conditions c, String field, String column) {
        if (b.hasNonNull(field)) {
            c.add(column + " = :" + field, field, bool(b, field));
        }
    }

    private static void range(JsonNode b, Conditions c, String after, String before, String column) {
        String from = text(b, after);
        if (from != null) {
            c.add(column + " >= :" + after, after, date(from, after));
        }
        String to = text(b, before);
        if (to != null) {
            c.add(column + " <= :" + before, before, date(to, before));
        }
    }

    private static OffsetDateTime date(String value, String field) {
        return UploadService.dateTime(value, field);
    }

    private static String text(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(REQUEST + ": " + field + " must be a string, got " + n);
        }
        return n.asText();
    }

    private static boolean bool(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest(REQUEST + ": " + field + " must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private static int integer(JsonNode b, String field, int min, int max, int fallback) {
        JsonNode n = b.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw ApiException.badRequest(REQUEST + ": " + field + " must be an integer from " + min + " to " + max + ", got " + n);
        }
        return n.intValue();
    }

    private static List<UUID> uuids(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw ApiException.badRequest(REQUEST + ": " + field + " must be an array of ids");
        }
        List<UUID> out = new ArrayList<>();
        n.forEach(x -> out.add(UploadService.uuid(x.asText(), field)));
        return out;
    }
}
