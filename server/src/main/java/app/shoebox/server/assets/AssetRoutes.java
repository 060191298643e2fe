package app.shoebox.server.assets;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * {@code /api/assets/*} and {@code /api/search/metadata}: parse and validate, call the service,
 * answer in the shapes of Immich's OpenAPI spec, with its permission per route.
 */
public final class AssetRoutes implements Api.Routes {

    private final UploadService uploads;
    private final AssetService assets;
    private final ObjectMapper mapper;

    public AssetRoutes(UploadService uploads, AssetService assets, ObjectMapper mapper) {
        this.uploads = uploads;
        this.assets = assets;
        this.mapper = mapper;
    }

    @Override
    public void register(Api api) {
        api.upload("/assets", Access.permission(Permission.ASSET_UPLOAD), (ctx, user) -> {
            String header = ctx.header("x-immich-checksum");
            if (header != null && !header.isBlank()) {
                // Answered before a byte of the body is read: the client need not send the file.
                Optional<UUID> existing = uploads.duplicateOf(user.id(), header);
                if (existing.isPresent()) {
                    ctx.status(200).json(new AssetDtos.AssetMediaResponseDto(existing.get().toString(), "duplicate"));
                    return;
                }
            }
            long length = ctx.req().getContentLengthLong();
            UploadService.Outcome outcome;
            try (InputStream body = ctx.req().getInputStream()) {
                outcome = uploads.upload(user.id(), body, ctx.contentType(),
                        length >= 0 ? OptionalLong.of(length) : OptionalLong.empty());
            }
            switch (outcome) {
                case UploadService.Outcome.Created c -> ctx.status(201).json(new AssetDtos.AssetMediaResponseDto(c.id().toString(), "created"));
                case UploadService.Outcome.Duplicate d -> ctx.status(200).json(new AssetDtos.AssetMediaResponseDto(d.id().toString(), "duplicate"));
            }
        });

        api.post("/assets/bulk-upload-check", Access.permission(Permission.ASSET_UPLOAD), (ctx, user) -> {
            JsonNode list = body(ctx).get("assets");
            if (list == null || !list.isArray()) {
                throw ApiException.badRequest("POST /api/assets/bulk-upload-check needs {\"assets\": [{\"id\", \"checksum\"}, ...]}");
            }
            List<AssetService.CheckItem> items = new ArrayList<>(list.size());
            for (JsonNode n : list) {
                if (!n.hasNonNull("id") || !n.hasNonNull("checksum")) {
                    throw ApiException.badRequest("bulk-upload-check item " + items.size() + " needs both \"id\" and \"checksum\"");
                }
                items.add(new AssetService.CheckItem(n.get("id").asText(), n.get("checksum").asText()));
            }
            ctx.json(new AssetDtos.AssetBulkUploadCheckResponseDto(assets.check(user.id(), items)));
        });

        api.get("/assets/statistics", Access.permission(Permission.ASSET_STATISTICS), (ctx, user) -> {
            AssetRepository.Counts c = assets.statistics(user.id(),
                    queryBool(ctx, "isFavorite"), queryBool(ctx, "isTrashed"),
                    Optional.ofNullable(ctx.queryParam("visibility")).map(v -> Asset.Visibility.parse(v, "visibility")));
            ctx.json(new AssetDtos.AssetStatsResponseDto(c.images(), c.videos(), c.total()));
        });

        api.put("/assets", Access.permission(Permission.ASSET_UPDATE), (ctx, user) -> {
            JsonNode body = body(ctx);
            List<UUID> ids = AssetEdit.ids(body, "PUT /api/assets");
            JsonNode trashed = body.get("isTrashed");
            if (trashed != null && !trashed.isNull() && !trashed.isBoolean()) {
                throw ApiException.badRequest("PUT /api/assets: isTrashed must be true or false");
            }
            assets.updateAll(user.id(), ids, AssetEdit.parse(body, "PUT /api/assets"));
            // Immich 3 dropped isTrashed from this body; older clients still send it to trash or restore.
            if (trashed != null && trashed.isBoolean()) {
                if (trashed.booleanValue()) {
                    assets.delete(user.id(), ids, false);
                } else {
                    assets.restore(user.id(), ids);
                }
            }
            ctx.status(204);
        });

        api.delete("/assets", Access.permission(Permission.ASSET_DELETE), (ctx, user) -> {
            JsonNode body = body(ctx);
            JsonNode force = body.get("force");
            if (force != null && !force.isNull() && !force.isBoolean()) {
                throw ApiException.badRequest("DELETE /api/assets: force must be true or false");
            }
            assets.delete(user.id(), AssetEdit.ids(body, "DELETE /api/assets"), force != null && force.asBoolean(false));
            ctx.status(204);
        });

        // As Immich's getAsset: the asset with its exifInfo and its stack (null when in none).
        api.get("/assets/{id}", Access.permission(Permission.ASSET_READ), (ctx, user) -> {
            AssetRepository.WithExif row = assets.get(user.id(), id(ctx), Permission.ASSET_READ);
            ctx.json(AssetDtos.AssetResponseDto.of(row, true).withStack(assets.stackOf(row.asset()).orElse(null)));
        });

        api.put("/assets/{id}", Access.permission(Permission.ASSET_UPDATE), (ctx, user) -> {
            UUID id = id(ctx);
            AssetEdit edit = AssetEdit.parse(body(ctx), "PUT /api/assets/" + id);
            ctx.json(AssetDtos.AssetResponseDto.of(assets.update(user.id(), id, edit), true));
        });

        api.getFile("/assets/{id}/original", Access.permission(Permission.ASSET_DOWNLOAD), (ctx, user) ->
                FileResponse.send(ctx, assets.original(user.id(), id(ctx))));

        api.getFile("/assets/{id}/video/playback", Access.permission(Permission.ASSET_VIEW), (ctx, user) ->
                FileResponse.send(ctx, assets.playback(user.id(), id(ctx))));

        api.getFile("/assets/{id}/thumbnail", Access.permission(Permission.ASSET_VIEW), (ctx, user) -> {
            String size = Optional.ofNullable(ctx.queryParam("size")).orElse("thumbnail").toLowerCase(Locale.ROOT);
            AssetService.ThumbnailSize which = switch (size) {
                case "thumbnail" -> AssetService.ThumbnailSize.THUMBNAIL;
                case "preview", "fullsize" -> AssetService.ThumbnailSize.PREVIEW;
                default -> throw ApiException.badRequest("size must be thumbnail, preview or fullsize, got '" + size + "'");
            };
            FileResponse.send(ctx, assets.thumbnail(user.id(), id(ctx), which));
        });

        api.post("/search/metadata", Access.permission(Permission.ASSET_READ), (ctx, user) -> {
            MetadataSearch search = MetadataSearch.parse(json(ctx).orElse(null));
            AssetService.Page page = assets.search(user.id(), search);
            List<AssetDtos.AssetResponseDto> items = page.items().stream()
                    .map(r -> AssetDtos.AssetResponseDto.of(r, search.withExif())).toList();
            ctx.json(new AssetDtos.SearchResponseDto(
                    new AssetDtos.SearchAlbumResponseDto(0, 0, List.of(), List.of()),
                    new AssetDtos.SearchAssetResponseDto(page.total(), items.size(), items, List.of(),
                            page.more() ? String.valueOf(search.page() + 1) : null)));
        });
    }

    private JsonNode body(Context ctx) throws IOException {
        return json(ctx).orElseThrow(() -> ApiException.badRequest(ctx.method() + " " + ctx.path() + " needs a JSON object body"));
    }

    /** The JSON object of the body (bounded by the route's registration), empty for an empty body. */
    private Optional<JsonNode> json(Context ctx) throws IOException {
        byte[] raw = ctx.bodyAsBytes();
        if (new String(raw, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return Optional.empty();
        }
        JsonNode node = mapper.readTree(raw);
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(ctx.method() + " " + ctx.path() + " needs a JSON object body");
        }
        return Optional.of(node);
    }

    private static UUID id(Context ctx) {
        return app.shoebox.server.http.Validation.uuid(ctx.pathParam("id"), "id");
    }

    private static Optional<Boolean> queryBool(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).map(v -> UploadService.bool(v, name));
    }
}
