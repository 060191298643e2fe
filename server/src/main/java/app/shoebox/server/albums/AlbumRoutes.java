package app.shoebox.server.albums;

import app.shoebox.server.assets.AssetViews;
import app.shoebox.server.auth.AuthRoutes;
import app.shoebox.server.auth.AuthUser;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BulkIdResult;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/albums/*}: thin handlers over {@link AlbumService}. */
public final class AlbumRoutes implements Api.Routes {

    record CreateAlbumDto(String albumName, String description, List<String> assetIds, List<Object> albumUsers) {}

    record AlbumsAddAssetsDto(List<String> albumIds, List<String> assetIds) {}

    record AlbumsAddAssetsResponseDto(boolean success, @JsonInclude(JsonInclude.Include.NON_NULL) BulkIdResult.Reason error) {}

    record AlbumStatisticsResponseDto(long owned, long shared, long notShared) {}

    /** Immich's {@code UserResponseDto}. */
    public record UserResponseDto(String id, String email, String name, String profileImagePath, String avatarColor,
                                  Instant profileChangedAt) {
        public static UserResponseDto of(User u) {
            return new UserResponseDto(u.id().toString(), u.email(), u.name(), "", "primary", u.profileChangedAt());
        }
    }

    record AlbumUserResponseDto(String role, UserResponseDto user) {}

    /**
     * Immich v3's {@code AlbumResponseDto}, plus v2's {@code ownerId}, {@code owner} and {@code assets}
     * that v2 clients still read. Dates are left out while the album is empty (the spec does not
     * allow them to be null).
     */
    record AlbumResponseDto(String id, String albumName, String description, String albumThumbnailAssetId,
                            List<AlbumUserResponseDto> albumUsers, long assetCount, Instant createdAt,
                            Instant updatedAt, boolean hasSharedLink, boolean isActivityEnabled, boolean shared,
                            String order,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Instant startDate,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Instant endDate,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Instant lastModifiedAssetTimestamp,
                            String ownerId, UserResponseDto owner, List<?> assets) {}

    private final AlbumService albums;
    private final UserService users;
    private final AssetViews assetViews;

    public AlbumRoutes(AlbumService albums, UserService users, AssetViews assetViews) {
        this.albums = albums;
        this.users = users;
        this.assetViews = assetViews;
    }

    @Override
    public void register(Api api) {
        api.get("/albums", Access.permission(Permission.ALBUM_READ), (ctx, user) -> {
            AlbumService.Filter filter = new AlbumService.Filter(queryUuid(ctx, "assetId"), queryUuid(ctx, "id"),
                    Optional.ofNullable(ctx.queryParam("name")),
                    // v3 calls it isShared, v2 shared.
                    queryBoolean(ctx, "isShared").or(() -> queryBoolean(ctx, "shared")), queryBoolean(ctx, "isOwned"));
            UserResponseDto owner = owner(user);
            ctx.json(albums.list(user.id(), filter).stream().map(a -> response(a, owner, List.of())).toList());
        });
        api.post("/albums", Access.permission(Permission.ALBUM_CREATE), (ctx, user) -> {
            CreateAlbumDto dto = ctx.bodyAsClass(CreateAlbumDto.class);
            if (dto.albumName() == null) {
                throw ApiException.badRequest("albumName is required to create an album");
            }
            if (dto.albumUsers() != null && !dto.albumUsers().isEmpty()) {
                throw ApiException.badRequest("albums cannot be shared with other users yet; create the album without albumUsers");
            }
            List<UUID> assetIds = dto.assetIds() == null ? List.of() : BulkIdResult.parseIds(dto.assetIds(), "assetIds");
            Album album = albums.create(user.id(), dto.albumName(), dto.description() == null ? "" : dto.description(), assetIds);
            ctx.status(201).json(response(album, owner(user), assetViews.of(albums.assetIds(album))));
        });
        // Registered before /albums/{id}, which would otherwise take "statistics" for an id.
        api.get("/albums/statistics", Access.permission(Permission.ALBUM_STATISTICS), (ctx, user) -> {
            long owned = albums.count(user.id());
            ctx.json(new AlbumStatisticsResponseDto(owned, 0, owned));
        });
        api.put("/albums/assets", Access.permission(Permission.ALBUM_ASSET_CREATE), (ctx, user) -> {
            AlbumsAddAssetsDto dto = ctx.bodyAsClass(AlbumsAddAssetsDto.class);
            AlbumService.BulkAdd result = albums.addAssetsToAlbums(user.id(),
                    BulkIdResult.parseIds(dto.albumIds(), "albumIds"), BulkIdResult.parseIds(dto.assetIds(), "assetIds"));
            ctx.json(new AlbumsAddAssetsResponseDto(result.success(), result.error().orElse(null)));
        });
        api.get("/albums/{id}", Access.permission(Permission.ALBUM_READ), (ctx, user) -> {
            Album album = albums.find(user.id(), albumId(ctx)).orElseThrow(() -> notFound(ctx));
            boolean withoutAssets = queryBoolean(ctx, "withoutAssets").orElse(false);
            ctx.json(response(album, owner(user), withoutAssets ? List.of() : assetViews.of(albums.assetIds(album))));
        });
        api.patch("/albums/{id}", Access.permission(Permission.ALBUM_UPDATE), (ctx, user) -> {
            Album album = albums.update(user.id(), albumId(ctx), changes(ctx.bodyAsClass(JsonNode.class)))
                    .orElseThrow(() -> notFound(ctx));
            ctx.json(response(album, owner(user), List.of()));
        });
        api.delete("/albums/{id}", Access.permission(Permission.ALBUM_DELETE), (ctx, user) -> {
            if (!albums.delete(user.id(), albumId(ctx))) {
                throw notFound(ctx);
            }
            ctx.status(204);
        });
        api.put("/albums/{id}/assets", Access.permission(Permission.ALBUM_ASSET_CREATE), (ctx, user) -> {
            List<UUID> ids = ctx.bodyAsClass(BulkIdResult.BulkIdsDto.class).parsed();
            ctx.json(albums.addAssets(user.id(), albumId(ctx), ids).orElseThrow(() -> notFound(ctx)));
        });
        api.delete("/albums/{id}/assets", Access.permission(Permission.ALBUM_ASSET_DELETE), (ctx, user) -> {
            List<UUID> ids = ctx.bodyAsClass(BulkIdResult.BulkIdsDto.class).parsed();
            ctx.json(albums.removeAssets(user.id(), albumId(ctx), ids).orElseThrow(() -> notFound(ctx)));
        });
    }

    private static AlbumService.Changes changes(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body of PATCH /api/albums/{id} must be a JSON object");
        }
        Optional<Album.Order> order = text(body, "order").map(o -> Album.Order.fromWireName(o).orElseThrow(
                () -> ApiException.badRequest("order must be 'asc' or 'desc', not '" + o + "'")));
        Optional<Boolean> activity = Optional.ofNullable(body.get("isActivityEnabled")).filter(n -> !n.isNull()).map(n -> {
            if (!n.isBoolean()) {
                throw ApiException.badRequest("isActivityEnabled must be true or false");
            }
            return n.booleanValue();
        });
        // v3 clears a description with null; an absent field leaves it as it is.
        Optional<String> description = body.has("description")
                ? Optional.of(text(body, "description").orElse("")) : Optional.empty();
        return new AlbumService.Changes(text(body, "albumName"), description,
                text(body, "albumThumbnailAssetId").map(AuthRoutes::uuid), activity, order);
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        return Optional.of(n.textValue());
    }

    private AlbumResponseDto response(Album a, UserResponseDto owner, List<?> assets) {
        return new AlbumResponseDto(a.id().toString(), a.name(), a.description(),
                a.thumbnailAssetId().map(UUID::toString).orElse(null), List.of(new AlbumUserResponseDto("owner", owner)),
                a.assetCount(), a.createdAt(), a.updatedAt(), false, a.activityEnabled(), false, a.order().wireName(),
                a.startDate().orElse(null), a.endDate().orElse(null), a.lastModifiedAssetTimestamp().orElse(null),
                a.ownerId().toString(), owner, assets);
    }

    private UserResponseDto owner(AuthUser user) {
        return UserResponseDto.of(users.find(user.id()).orElseThrow(() -> ApiException.unauthorized("User no longer exists")));
    }

    private static UUID albumId(Context ctx) {
        return AuthRoutes.uuid(ctx.pathParam("id"));
    }

    private static ApiException notFound(Context ctx) {
        return ApiException.notFound("Album " + ctx.pathParam("id") + " not found");
    }

    static Optional<UUID> queryUuid(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isEmpty()).map(AuthRoutes::uuid);
    }

    static Optional<Boolean> queryBoolean(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        return switch (value) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw ApiException.badRequest("query parameter " + name + " must be true or false, not '" + value + "'");
        };
    }
}
