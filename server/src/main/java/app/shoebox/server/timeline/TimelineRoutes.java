package app.shoebox.server.timeline;

import app.shoebox.server.auth.AuthRoutes;
import app.shoebox.server.auth.AuthUser;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** {@code GET /api/timeline/buckets} and {@code GET /api/timeline/bucket}, in Immich's shapes. */
public final class TimelineRoutes implements Api.Routes {

    record TimeBucketsResponseDto(String timeBucket, long count) {}

    /**
     * Immich's columnar {@code TimeBucketAssetResponseDto}: one array per field, one element per
     * asset. {@code resized} is Shoebox's: whether the thumbnail exists yet, so a page shows a
     * placeholder instead of asking for an image that is still being made.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TimeBucketAssetResponseDto(List<String> id, List<String> ownerId, List<Double> ratio, List<Boolean> isFavorite,
                                      List<String> visibility, List<Boolean> isTrashed, List<Boolean> isImage,
                                      List<String> thumbhash, List<String> fileCreatedAt, List<String> createdAt,
                                      List<Double> localOffsetHours, List<Integer> duration, List<List<String>> stack,
                                      List<String> projectionType, List<String> livePhotoVideoId, List<String> city,
                                      List<String> country, List<Double> latitude, List<Double> longitude,
                                      List<Boolean> resized) {}

    private final TimelineService timeline;

    public TimelineRoutes(TimelineService timeline) {
        this.timeline = timeline;
    }

    @Override
    public void register(Api api) {
        api.get("/timeline/buckets", Access.permission(Permission.ASSET_READ), (ctx, user) ->
                ctx.json(timeline.buckets(query(ctx, user)).stream()
                        .map(b -> new TimeBucketsResponseDto(b.timeBucket(), b.count())).toList()));
        api.get("/timeline/bucket", Access.permission(Permission.ASSET_READ), (ctx, user) -> {
            TimelineQuery q = query(ctx, user);
            String bucket = ctx.queryParam("timeBucket");
            if (bucket == null || bucket.isBlank()) {
                throw ApiException.badRequest("timeBucket is required: a month from GET /api/timeline/buckets, e.g. 2024-01-01");
            }
            ctx.json(columns(timeline.bucket(q, bucket), q.withCoordinates()));
        });
    }

    private static TimeBucketAssetResponseDto columns(List<TimelineService.Row> rows, boolean withCoordinates) {
        int n = rows.size();
        TimeBucketAssetResponseDto dto = new TimeBucketAssetResponseDto(new ArrayList<>(n), new ArrayList<>(n),
                new ArrayList<>(n), new ArrayList<>(n), new ArrayList<>(n), new ArrayList<>(n), new ArrayList<>(n),
                new ArrayList<>(n), new ArrayList<>(n), new ArrayList<>(n), new ArrayList<>(n), new ArrayList<>(n),
                new ArrayList<>(n), new ArrayList<>(n), new ArrayList<>(n), new ArrayList<>(n), new ArrayList<>(n),
                withCoordinates ? new ArrayList<>(n) : null, withCoordinates ? new ArrayList<>(n) : null, new ArrayList<>(n));
        Base64.Encoder base64 = Base64.getEncoder();
        for (TimelineService.Row r : rows) {
            dto.id().add(r.id().toString());
            dto.ownerId().add(r.ownerId().toString());
            dto.ratio().add(r.ratio() == null ? 1.0 : r.ratio());
            dto.isFavorite().add(r.isFavorite());
            dto.visibility().add(r.visibility());
            dto.isTrashed().add(r.isTrashed());
            dto.isImage().add(r.isImage());
            dto.thumbhash().add(r.thumbhash() == null ? null : base64.encodeToString(r.thumbhash()));
            dto.fileCreatedAt().add(r.fileCreatedAt().toString());
            dto.createdAt().add(r.createdAt().toString());
            dto.localOffsetHours().add(r.localOffsetHours());
            dto.duration().add(r.duration());
            dto.stack().add(r.stackId() == null ? null : List.of(r.stackId().toString(), String.valueOf(r.stackCount())));
            dto.projectionType().add(r.projectionType());
            dto.livePhotoVideoId().add(r.livePhotoVideoId() == null ? null : r.livePhotoVideoId().toString());
            dto.city().add(r.city());
            dto.country().add(r.country());
            if (withCoordinates) {
                dto.latitude().add(r.latitude());
                dto.longitude().add(r.longitude());
            }
            dto.resized().add(r.resized());
        }
        return dto;
    }

    private TimelineQuery query(Context ctx, AuthUser user) {
        Optional<UUID> userId = uuid(ctx, "userId");
        if (userId.isPresent() && !userId.get().equals(user.id())) {
            throw ApiException.noAccess(Permission.TIMELINE_READ);
        }
        Optional<UUID> albumId = uuid(ctx, "albumId");
        if (albumId.isPresent() && !timeline.canReadAlbum(user.id(), albumId.get())) {
            throw ApiException.noAccess(Permission.ALBUM_READ);
        }
        Optional<UUID> tagId = uuid(ctx, "tagId");
        if (tagId.isPresent() && !timeline.ownsTag(user.id(), tagId.get())) {
            throw ApiException.noAccess(Permission.TAG_READ);
        }
        Optional<String> visibility = Optional.ofNullable(ctx.queryParam("visibility")).filter(v -> !v.isBlank()).map(v -> {
            String lower = v.toLowerCase(Locale.ROOT);
            if (!List.of("archive", "timeline", "hidden", "locked").contains(lower)) {
                throw ApiException.badRequest("visibility must be archive, timeline, hidden or locked, got '" + v + "'");
            }
            return lower;
        });
        TimelineQuery.Order order = Optional.ofNullable(ctx.queryParam("order")).filter(v -> !v.isBlank()).map(v -> switch (v) {
            case "asc" -> TimelineQuery.Order.ASC;
            case "desc" -> TimelineQuery.Order.DESC;
            default -> throw ApiException.badRequest("order must be asc or desc, got '" + v + "'");
        }).orElse(TimelineQuery.Order.DESC);
        TimelineQuery.OrderBy orderBy = Optional.ofNullable(ctx.queryParam("orderBy")).filter(v -> !v.isBlank()).map(v -> switch (v) {
            case "takenAt" -> TimelineQuery.OrderBy.TAKEN_AT;
            case "createdAt" -> TimelineQuery.OrderBy.CREATED_AT;
            default -> throw ApiException.badRequest("orderBy must be takenAt or createdAt, got '" + v + "'");
        }).orElse(TimelineQuery.OrderBy.TAKEN_AT);
        return new TimelineQuery(user.id(), bool(ctx, "isTrashed").orElse(false), bool(ctx, "isFavorite"), visibility,
                albumId, tagId, uuid(ctx, "personId").isPresent(), bool(ctx, "withStacked").orElse(false),
                bool(ctx, "withCoordinates").orElse(false), order, orderBy, bbox(ctx.queryParam("bbox")));
    }

    private static Optional<UUID> uuid(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isBlank()).map(v -> app.shoebox.server.http.Validation.uuid(v, name));
    }

    private static Optional<Boolean> bool(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        return switch (v) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw ApiException.badRequest(name + " must be true or false, got '" + v + "'");
        };
    }

    private static Optional<TimelineQuery.BoundingBox> bbox(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String[] parts = raw.split(",");
        try {
            if (parts.length == 4) {
                var box = new TimelineQuery.BoundingBox(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                        Double.parseDouble(parts[2].trim()), Double.parseDouble(parts[3].trim()));
                if (Math.abs(box.south()) <= 90 && Math.abs(box.north()) <= 90 && box.south() <= box.north()
                        && Math.abs(box.west()) <= 180 && Math.abs(box.east()) <= 180) {
                    return Optional.of(box);
                }
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("bbox must be west,south,east,north in degrees, e.g. 11.07,49.41,11.11,49.45; got '" + raw + "'");
    }
}
