package app.shoebox.server.stacks;

import app.shoebox.server.assets.AssetViews;
import app.shoebox.server.auth.AuthRoutes;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BulkIdResult;
import io.javalin.http.Context;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/stacks/*}: thin handlers over {@link StackService}. */
public final class StackRoutes implements Api.Routes {

    record StackCreateDto(List<String> assetIds) {}

    record StackUpdateDto(String primaryAssetId) {}

    record StackResponseDto(String id, String primaryAssetId, List<?> assets) {}

    private final StackService stacks;
    private final AssetViews assetViews;

    public StackRoutes(StackService stacks, AssetViews assetViews) {
        this.stacks = stacks;
        this.assetViews = assetViews;
    }

    @Override
    public void register(Api api) {
        api.post("/stacks", Access.permission(Permission.STACK_CREATE), (ctx, user) -> {
            List<UUID> ids = BulkIdResult.parseIds(ctx.bodyAsClass(StackCreateDto.class).assetIds(), "assetIds");
            ctx.status(201).json(response(stacks.create(user.id(), ids)));
        });
        api.get("/stacks", Access.permission(Permission.STACK_READ), (ctx, user) -> {
            Optional<UUID> primary = Optional.ofNullable(ctx.queryParam("primaryAssetId"))
                    .filter(s -> !s.isEmpty()).map(v -> app.shoebox.server.http.Validation.uuid(v, "primaryAssetId"));
            ctx.json(stacks.list(user.id(), primary).stream().map(this::response).toList());
        });
        api.delete("/stacks", Access.permission(Permission.STACK_DELETE), (ctx, user) -> {
            stacks.delete(user.id(), ctx.bodyAsClass(BulkIdResult.BulkIdsDto.class).parsed());
            ctx.status(204);
        });
        api.get("/stacks/{id}", Access.permission(Permission.STACK_READ), (ctx, user) ->
                ctx.json(response(stacks.find(user.id(), stackId(ctx)).orElseThrow(() -> ApiException.noAccess(Permission.STACK_READ)))));
        api.put("/stacks/{id}", Access.permission(Permission.STACK_UPDATE), (ctx, user) -> {
            UUID id = stackId(ctx);
            StackUpdateDto dto = ctx.bodyAsClass(StackUpdateDto.class);
            Optional<UUID> primary = Optional.ofNullable(dto.primaryAssetId())
                    .map(v -> app.shoebox.server.http.Validation.uuid(v, "primaryAssetId"));
            switch (stacks.update(user.id(), id, primary)) {
                case StackService.Update.Changed c -> ctx.json(response(c.stack()));
                case StackService.Update.NotFound n -> throw ApiException.noAccess(Permission.STACK_UPDATE);
                case StackService.Update.NotAMember m -> throw ApiException.badRequest("Primary asset must be in the stack");
            }
        });
        api.delete("/stacks/{id}", Access.permission(Permission.STACK_DELETE), (ctx, user) -> {
            if (stacks.delete(user.id(), List.of(stackId(ctx))) == 0) {
                throw ApiException.noAccess(Permission.STACK_DELETE);
            }
            ctx.status(204);
        });
    }

    private StackResponseDto response(Stack s) {
        return new StackResponseDto(s.id().toString(), s.primaryAssetId().toString(), assetViews.withExif(s.assetIds()));
    }

    private static UUID stackId(Context ctx) {
        return AuthRoutes.uuid(ctx.pathParam("id"));
    }
}
