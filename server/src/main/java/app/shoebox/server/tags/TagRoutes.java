package app.shoebox.server.tags;

import app.shoebox.server.auth.AuthRoutes;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BulkIdResult;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/tags/*}: thin handlers over {@link TagService}. */
public final class TagRoutes implements Api.Routes {

    record TagCreateDto(String name, String parentId, String color) {}

    record TagUpdateDto(String color) {}

    record TagUpsertDto(List<String> tags) {}

    record TagBulkAssetsDto(List<String> tagIds, List<String> assetIds) {}

    record TagBulkAssetsResponseDto(int count) {}

    /** Immich's {@code TagResponseDto}: parentId and color are left out, not null, when absent. */
    record TagResponseDto(String id, String name, String value,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String parentId,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String color,
                          Instant createdAt, Instant updatedAt) {
        static TagResponseDto of(Tag t) {
            return new TagResponseDto(t.id().toString(), t.name(), t.value(), t.parentId().map(UUID::toString).orElse(null),
                    t.color().orElse(null), t.createdAt(), t.updatedAt());
        }
    }

    private final TagService tags;

    public TagRoutes(TagService tags) {
        this.tags = tags;
    }

    @Override
    public void register(Api api) {
        api.get("/tags", Access.permission(Permission.TAG_READ), (ctx, user) ->
                ctx.json(tags.list(user.id()).stream().map(TagResponseDto::of).toList()));
        api.post("/tags", Access.permission(Permission.TAG_CREATE), (ctx, user) -> {
            TagCreateDto dto = ctx.bodyAsClass(TagCreateDto.class);
            if (dto.name() == null) {
                throw ApiException.badRequest("name is required to create a tag");
            }
            Tag tag = tags.create(user.id(), dto.name(), Optional.ofNullable(dto.parentId()).map(v -> app.shoebox.server.http.Validation.uuid(v, "parentId")),
                    Optional.ofNullable(dto.color()));
            ctx.status(201).json(TagResponseDto.of(tag));
        });
        api.put("/tags", Access.permission(Permission.TAG_CREATE), (ctx, user) -> {
            TagUpsertDto dto = ctx.bodyAsClass(TagUpsertDto.class);
            if (dto.tags() == null) {
                throw ApiException.badRequest("tags is required: a list of tag paths such as \"Travel/2024\"");
            }
            ctx.json(tags.upsert(user.id(), dto.tags()).stream().map(TagResponseDto::of).toList());
        });
        api.put("/tags/assets", Access.permission(Permission.TAG_ASSET), (ctx, user) -> {
            TagBulkAssetsDto dto = ctx.bodyAsClass(TagBulkAssetsDto.class);
            int count = tags.tagAssets(user.id(), BulkIdResult.parseIds(dto.tagIds(), "tagIds"),
                    BulkIdResult.parseIds(dto.assetIds(), "assetIds"));
            ctx.json(new TagBulkAssetsResponseDto(count));
        });
        api.get("/tags/{id}", Access.permission(Permission.TAG_READ), (ctx, user) ->
                ctx.json(TagResponseDto.of(tags.find(user.id(), tagId(ctx)).orElseThrow(() -> ApiException.noAccess(Permission.TAG_READ)))));
        api.put("/tags/{id}", Access.permission(Permission.TAG_UPDATE), (ctx, user) -> {
            UUID id = tagId(ctx);
            TagUpdateDto dto = ctx.bodyAsClass(TagUpdateDto.class);
            ctx.json(TagResponseDto.of(tags.updateColor(user.id(), id, Optional.ofNullable(dto.color()))
                    .orElseThrow(() -> ApiException.noAccess(Permission.TAG_UPDATE))));
        });
        api.delete("/tags/{id}", Access.permission(Permission.TAG_DELETE), (ctx, user) -> {
            if (!tags.delete(user.id(), tagId(ctx))) {
                throw ApiException.noAccess(Permission.TAG_DELETE);
            }
            ctx.status(204);
        });
        api.put("/tags/{id}/assets", Access.permission(Permission.TAG_ASSET), (ctx, user) -> {
            List<UUID> ids = ctx.bodyAsClass(BulkIdResult.BulkIdsDto.class).parsed();
            ctx.json(tags.tagAssets(user.id(), tagId(ctx), ids).orElseThrow(() -> ApiException.noAccess(Permission.TAG_ASSET)));
        });
        api.delete("/tags/{id}/assets", Access.permission(Permission.TAG_ASSET), (ctx, user) -> {
            List<UUID> ids = ctx.bodyAsClass(BulkIdResult.BulkIdsDto.class).parsed();
            ctx.json(tags.untagAssets(user.id(), tagId(ctx), ids).orElseThrow(() -> ApiException.noAccess(Permission.TAG_ASSET)));
        });
    }

    private static UUID tagId(Context ctx) {
        return AuthRoutes.uuid(ctx.pathParam("id"));
    }
}
