package app.shoebox.server.timeline;

import app.shoebox.server.http.ApiException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The timeline as Immich's clients read it: month buckets with their counts, then the assets of one
 * month at a time in columns. Months are cut from the wall-clock capture time
 * ({@code local_date_time}), so a photo taken at 23:30 on 31 May in Tokyo is in May wherever the
 * server runs; the index {@code assets_owner_local_time_idx} serves both queries.
 */
public final class TimelineService {

    /** One month and how many assets it holds. */
    public record Bucket(String timeBucket, long count) {}

    /** One asset of a bucket: the columns of {@code TimeBucketAssetResponseDto}. */
    public record Row(UUID id, UUID ownerId, boolean isImage, boolean isTrashed, boolean isFavorite, String visibility,
                      Instant fileCreatedAt, Instant createdAt, double localOffsetHours, Integer duration, Double ratio,
                      byte[] thumbhash, UUID livePhotoVideoId, UUID stackId, Integer stackCount, String city,
                      String country, Double latitude, Double longitude, String projectionType, boolean resized) {}

    private final Jdbi jdbi;

    public TimelineService(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public List<Bucket> buckets(TimelineQuery q) {
        Where where = where(q);
        String month = "date_trunc('month', " + q.orderBy().groupColumn + " AT TIME ZONE 'UTC')";
        String sql = "SELECT to_char(" + month + ", 'YYYY-MM-DD') AS bucket, count(*) AS n FROM assets a WHERE "
                + where.sql + " GROUP BY " + month + " ORDER BY " + month + " " + q.order().name();
        return jdbi.withHandle(h -> {
            Query query = h.createQuery(sql);
            query.bindMap(where.binds);
            return query.map((rs, ctx) -> new Bucket(rs.getString("bucket"), rs.getLong("n"))).list();
        });
    }

    /** The assets of the month that starts {@code timeBucket} (any day of it is accepted). */
    public List<Row> bucket(TimelineQuery q, String timeBucket) {
        LocalDate first = parseBucket(timeBucket).withDayOfMonth(1);
        Where where = where(q);
        where.binds.put("from", first.atStartOfDay().atOffset(ZoneOffset.UTC));
        where.binds.put("until", first.plusMonths(1).atStartOfDay().atOffset(ZoneOffset.UTC));
        String sql = """
                SELECT a.id, a.owner_id, a.type, a.status, a.is_favorite, a.visibility, a.file_created_at, a.created_at,
                       extract(epoch FROM a.local_date_time - a.file_created_at) / 3600.0 AS offset_hours,
                       a.duration, a.width, a.height, a.thumbhash, a.live_photo_video_id, a.thumbnail_path IS NOT NULL AS resized,
                       e.city, e.country, e.latitude, e.longitude, e.projection_type,
                       %s
                  FROM assets a LEFT JOIN asset_exif e ON e.asset_id = a.id
                 WHERE %s AND %s >= :from AND %s < :until
                 ORDER BY %s %s, a.id""".formatted(
                q.withStacked()
                        ? "a.stack_id, (SELECT count(*) FROM assets m WHERE m.stack_id = a.stack_id AND m.status = 'active') AS stack_count"
                        : "NULL::uuid AS stack_id, NULL::bigint AS stack_count",
                where.sql, q.orderBy().groupColumn, q.orderBy().groupColumn, q.orderBy().sortColumn, q.order().name());
        return jdbi.withHandle(h -> {
            Query query = h.createQuery(sql);
            query.bindMap(where.binds);
            return query.map((rs, ctx) -> {
                Integer width = (Integer) rs.getObject("width");
                Integer height = (Integer) rs.getObject("height");
                Long stackCount = (Long) rs.getObject("stack_count");
                return new Row(rs.getObject("id", UUID.class), rs.getObject("owner_id", UUID.class),
                        "IMAGE".equals(rs.getString("type")), !"active".equals(rs.getString("status")),
                        rs.getBoolean("is_favorite"), rs.getString("visibility"),
                        rs.getObject("file_created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getDouble("offset_hours"), (Integer) rs.getObject("duration"),
                        width != null && height != null && height > 0 ? (double) width / height : null,
                        rs.getBytes("thumbhash"), rs.getObject("live_photo_video_id", UUID.class),
                        rs.getObject("stack_id", UUID.class), stackCount == null ? null : stackCount.intValue(),
                        rs.getString("city"), rs.getString("country"), (Double) rs.getObject("latitude"),
                        (Double) rs.getObject("longitude"), rs.getString("projection_type"), rs.getBoolean("resized"));
            }).list();
        });
    }

    /** Whether the user owns the album or it is shared with them (the albums a timeline may be narrowed to). */
    public boolean canReadAlbum(UUID userId, UUID albumId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT EXISTS (SELECT 1 FROM albums al WHERE al.id = :id AND (al.owner_id = :user
                               OR EXISTS (SELECT 1 FROM album_users m WHERE m.album_id = al.id AND m.user_id = :user)))""")
                .bind("id", albumId).bind("user", userId).mapTo(Boolean.class).one());
    }

    public boolean ownsTag(UUID ownerId, UUID tagId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM tags WHERE id = :id AND user_id = :owner)")
                .bind("id", tagId).bind("owner", ownerId).mapTo(Boolean.class).one());
    }

    static LocalDate parseBucket(String timeBucket) {
        if (timeBucket == null || timeBucket.length() < 10) {
            throw ApiException.badRequest("timeBucket must be a date like 2024-01-01 (the first day of the month), got '"
                    + timeBucket + "'");
        }
        try {
            return LocalDate.parse(timeBucket.substring(0, 10));
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("timeBucket must be a date like 2024-01-01 (the first day of the month), got '"
                    + timeBucket + "'");
        }
    }

    private record Where(String sql, Map<String, Object> binds) {}

    private static Where where(TimelineQuery q) {
        List<String> and = new ArrayList<>();
        Map<String, Object> binds = new HashMap<>();
        if (q.albumId().isEmpty()) {
            // An album's timeline shows every member's assets in it (access to the album is checked first).
            and.add("a.owner_id = :owner");
            binds.put("owner", q.ownerId());
        }
        and.add(q.trashed() ? "a.status = 'trashed'" : "a.status = 'active'");
        if (q.visibility().isPresent()) {
            and.add("a.visibility = :visibility");
            binds.put("visibility", q.visibility().get());
        } else {
            and.add("a.visibility IN ('archive', 'timeline')");
        }
        q.favorite().ifPresent(f -> {
            and.add("a.is_favorite = :favorite");
            binds.put("favorite", f);
        });
        q.albumId().ifPresent(id -> {
            and.add("EXISTS (SELECT 1 FROM album_assets aa WHERE aa.album_id = :album AND aa.asset_id = a.id)");
            binds.put("album", id);
        });
        q.tagId().ifPresent(id -> {
            and.add("EXISTS (SELECT 1 FROM tag_assets ta WHERE ta.tag_id = :tag AND ta.asset_id = a.id)");
            binds.put("tag", id);
        });
        if (q.noPerson()) {
            and.add("false"); // Shoebox detects no people: a person's timeline is empty.
        }
        if (q.withStacked()) {
            // A stack shows as its primary asset only, as in Immich.
            and.add("(a.stack_id IS NULL OR EXISTS (SELECT 1 FROM stacks s WHERE s.id = a.stack_id AND s.primary_asset_id = a.id))");
        }
        q.bbox().ifPresent(b -> {
            and.add("EXISTS (SELECT 1 FROM asset_exif x WHERE x.asset_id = a.id AND x.latitude BETWEEN :south AND :north AND "
                    + (b.west() <= b.east() ? "x.longitude BETWEEN :west AND :east" : "(x.longitude >= :west OR x.longitude <= :east)") + ")");
            binds.put("south", b.south());
            binds.put("north", b.north());
            binds.put("west", b.west());
            binds.put("east", b.east());
        });
        return new Where(String.join(" AND ", and), binds);
    }
}
