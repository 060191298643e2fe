package app.shoebox.server.albums;

import app.shoebox.server.assets.AssetViews;
import app.shoebox.server.auth.AuthRoutes;
import app.shoebox.server.auth.AuthUser;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BulkIdResult;
import app.shoebox.server.http.Validation;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserResponseDto;
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

    record AlbumUserDto(String userId, String role) {}

    record CreateAlbumDto(String albumName, String description, List<String> assetIds, List<AlbumUserDto> albumUsers) {}

    record AddUsersDto(List<AlbumUserDto> albumUsers) {}

    record AlbumsAddAssetsDto(List<String> albumIds, List<String> assetIds) {}

    record AlbumsAddAssetsResponseDto(boolean success, @JsonInclude(JsonInclude.Include.NON_NULL) BulkIdResult.Reason error) {}

    record AlbumStatisticsResponseDto(long owned, long shared, long notShared) {}

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
            Optional<Boolean> isShared = queryBoolean(ctx, "isShared");
            Optional<Boolean> isOwned = queryBoolean(ctx, "isOwned");
            // v2 clients send shared: true lists every shared album, false the user's own unshared ones.
            Optional<Boolean> v2Shared = isShared.isEmpty() && isOwned.isEmpty() ? queryBoolean(ctx, "shared") : Optional.empty();
            if (v2Shared.isPresent()) {
                isShared = v2Shared;
                isOwned = v2Shared.get() ? Optional.empty() : Optional.of(true);
            }
            AlbumService.Filter filter = new AlbumService.Filter(queryUuid(ctx, "assetId"), queryUuid(ctx, "id"),
                    Optional.ofNullable(ctx.queryParam("name")), isShared, isOwned);
            ctx.json(albums.list(user.id(), filter).stream().map(a -> response(a, user.id(), List.of())).toList());
        });
        api.post("/albums", Access.permission(Permission.ALBUM_CREATE), (ctx, user) -> {
            CreateAlbumDto dto = ctx.bodyAsClass(CreateAlbumDto.class);
            if (dto.albumName() == null) {
                throw Validation.fail(Validation.required("string", "albumName"));
            }
            List<AlbumService.Member> members = members(dto.albumUsers(), "albumUsers", null);
            for (AlbumService.Member m : members) {
                if (!albums.usersExist(List.of(m.userId()))) {
                    throw ApiException.badRequest("User not found");
                }
                if (m.userId().equals(user.id())) {
                    throw ApiException.badRequest("Cannot share album with owner");
                }
            }
            List<UUID> assetIds = dto.assetIds() == null ? List.of() : BulkIdResult.parseIds(dto.assetIds(), "assetIds");
            Album album = albums.create(user.id(), dto.albumName(), dto.description() == null ? "" : dto.description(), assetIds,
                    members);
            ctx.status(201).json(response(album, user.id(), assetViews.of(albums.assetIds(album))));
        });
        // Registered before /albums/{id}, which would otherwise take "statistics" for an id.
        api.get("/albums/statistics", Access.permission(Permission.ALBUM_STATISTICS), (ctx, user) -> {
            AlbumService.Statistics s = albums.statistics(user.id());
            ctx.json(new AlbumStatisticsResponseDto(s.owned(), s.shared(), s.notShared()));
        });
        api.put("/albums/assets", Access.permission(Permission.ALBUM_ASSET_CREATE), (ctx, user) -> {
            AlbumsAddAssetsDto dto = ctx.bodyAsClass(AlbumsAddAssetsDto.class);
            AlbumService.BulkAdd result = albums.addAssetsToAlbums(user.id(),
                    BulkIdResult.parseIds(dto.albumIds(), "albumIds"), BulkIdResult.parseIds(dto.assetIds(), "assetIds"));
            ctx.json(new AlbumsAddAssetsResponseDto(result.success(), result.error().orElse(null)));
        });
        api.get("/albums/{id}", Access.permission(Permission.ALBUM_READ), (ctx, user) -> {
            Album album = albums.find(user.id(), albumId(ctx)).orElseThrow(() -> ApiException.noAccess(Permission.ALBUM_READ));
            boolean withoutAssets = queryBoolean(ctx, "withoutAssets").orElse(false);
            ctx.json(response(album, user.id(), withoutAssets ? List.of() : assetViews.of(albums.assetIds(album))));
        });
        api.patch("/albums/{id}", Access.permission(Permission.ALBUM_UPDATE), (ctx, user) -> {
            Album album = albums.update(user.id(), albumId(ctx), changes(ctx.bodyAsClass(JsonNode.class)))
                    .orElseThrow(() -> ApiException.noAccess(Permission.ALBUM_UPDATE));
            ctx.json(response(album, user.id(), List.of()));
        });
        api.delete("/albums/{id}", Access.permission(Permission.ALBUM_DELETE), (ctx, user) -> {
            if (!albums.delete(user.id(), albumId(ctx))) {
                throw ApiException.noAccess(Permission.ALBUM_DELETE);
            }
            ctx.status(204);
        });
        api.put("/albums/{id}/assets", Access.permission(Permission.ALBUM_ASSET_CREATE), (ctx, user) -> {
            List<UUID> ids = ctx.bodyAsClass(BulkIdResult.BulkIdsDto.class).parsed();
            ctx.json(albums.addAssets(user.id(), albumId(ctx), ids).orElseThrow(() -> ApiException.noAccess(Permission.ALBUM_ASSET_CREATE)));
        });
        api.delete("/albums/{id}/assets", Access.permission(Permission.ALBUM_ASSET_DELETE), (ctx, user) -> {
            List<UUID> ids = ctx.bodyAsClass(BulkIdResult.BulkIdsDto.class).parsed();
            ctx.json(albums.removeAssets(user.id(), albumId(ctx), ids).orElseThrow(() -> ApiException.noAccess(Permission.ALBUM_ASSET_DELETE)));
        });
        api.put("/albums/{id}/users", Access.permission(Permission.ALBUM_USER_CREATE), (ctx, user) -> {
            UUID id = albumId(ctx);
            AddUsersDto dto = ctx.bodyAsClass(AddUsersDto.class);
            if (dto.albumUsers() == null) {
                throw Validation.fail(Validation.required("array", "albumUsers"));
            }
            if (dto.albumUsers().isEmpty()) {
                throw Validation.fail(Validation.tooSmall(1, "albumUsers"));
            }
            answer(albums.addMembers(user.id(), id, members(dto.albumUsers(), "albumUsers", "editor")), Permission.ALBUM_SHARE);
            ctx.json(response(albums.find(user.id(), id).orElseThrow(), user.id(), List.of()));
        });
        api.put("/albums/{id}/user/{userId}", Access.permission(Permission.ALBUM_USER_UPDATE), (ctx, user) -> {
            UUID id = albumId(ctx);
            UUID member = Validation.uuid(ctx.pathParam("userId"), "userId");
            JsonNode body = ctx.bodyAsClass(JsonNode.class);
            String role = body == null || !body.path("role").isTextual() ? null : body.get("role").asText();
            if (role == null) {
                throw Validation.fail(Validation.required("string", "role"));
            }
            AlbumService.Role parsed = AlbumService.Role.member(role)
                    .orElseThrow(() -> Validation.fail(Validation.invalidValue(List.of("editor", "viewer"), "role")));
            answer(albums.setRole(user.id(), id, member, parsed), Permission.ALBUM_SHARE);
            ctx.status(204);
        });
        api.delete("/albums/{id}/user/{userId}", Access.permission(Permission.ALBUM_USER_DELETE), (ctx, user) -> {
            UUID id = albumId(ctx);
            String raw = ctx.pathParam("userId");
            UUID member = raw.equals("me") ? user.id() : Validation.uuid(raw, "userId");
            answer(albums.removeMember(user.id(), id, member), Permission.ALBUM_SHARE);
            ctx.status(204);
        });
    }

    private static void answer(AlbumService.Sharing outcome, Permission permission) {
        switch (outcome) {
            case AlbumService.Sharing.Done d -> { }
            case AlbumService.Sharing.NoAccess n -> throw ApiException.noAccess(permission);
            case AlbumService.Sharing.Refused r -> throw ApiException.badRequest(r.message());
        }
    }

    /** Album users as a create or add sends them: a user id and a role (editor or viewer; {@code fallback} when absent). */
    private static List<AlbumService.Member> members(List<AlbumUserDto> users, String field, String fallback) {
        if (users == null) {
            return List.of();
        }
        List<AlbumService.Member> out = new java.util.ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            AlbumUserDto u = users.get(i);
            if (u == null || u.userId() == null) {
                throw Validation.fail(Validation.required("string", field, i, "userId"));
            }
            UUID id = Validation.uuid(u.userId(), field, i, "userId");
            String role = u.role() == null ? fallback : u.role();
            if (role == null) {
                throw Validation.fail(Validation.required("string", field, i, "role"));
            }
            int index = i;
            out.add(new AlbumService.Member(id, AlbumService.Role.member(role).orElseThrow(
                    () -> Validation.fail(Validation.invalidValue(List.of("editor", "viewer"), field, index, "role")))));
        }
        return out;
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
                text(body, "albumThumbnailAssetId").map(v -> Validation.uuid(v, "albumThumbnailAssetId")), activity, order);
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

    /**
     * The album as {@code viewer} sees it: {@code albumUsers} lists the owner first, then the viewer
     * if a member, then the other members by name, as Immich orders them.
     */
    private AlbumResponseDto response(Album a, UUID viewer, List<?> assets) {
        UserResponseDto owner = UserResponseDto.of(users.findAny(a.ownerId()).orElseThrow(
                () -> new IllegalStateException("album " + a.id() + " has no owner row " + a.ownerId())));
        List<AlbumUserResponseDto> albumUsers = new java.util.ArrayList<>();
        albumUsers.add(new AlbumUserResponseDto("owner", owner));
        List<AlbumService.Member> members = albums.members(a.id());
        members.stream().filter(m -> m.userId().equals(viewer)).findFirst().flatMap(m -> member(m)).ifPresent(albumUsers::add);
        members.stream().filter(m -> !m.userId().equals(viewer)).map(this::member).flatMap(Optional::stream)
                .sorted(java.util.Comparator.comparing((AlbumUserResponseDto u) -> u.user().name()).thenComparing(u -> u.user().id()))
                .forEach(albumUsers::add);
        return new AlbumResponseDto(a.id().toString(), a.name(), a.description(),
                a.thumbnailAssetId().map(UUID::toString).orElse(null), albumUsers,
                a.assetCount(), a.createdAt(), a.updatedAt(), false, a.activityEnabled(), !members.isEmpty(), a.order().wireName(),
                a.startDate().orElse(null), a.endDate().orElse(null), a.lastModifiedAssetTimestamp().orElse(null),
                a.ownerId().toString(), owner, assets);
    }

    private Optional<AlbumUserResponseDto> member(AlbumService.Member m) {
        return users.find(m.userId()).map(u -> new AlbumUserResponseDto(m.role().wireName(), UserResponseDto.of(u)));
    }

    private static UUID albumId(Context ctx) {
        return AuthRoutes.uuid(ctx.pathParam("id"));
    }

    static Optional<UUID> queryUuid(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isEmpty()).map(v -> Validation.uuid(v, name));
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
