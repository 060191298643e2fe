package app.shoebox.server.assets;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.BulkIdResult;

/** {@code /api/trash/*}: restore some or all of the caller's trashed assets, or empty the trash. */
public final class TrashRoutes implements Api.Routes {

    record TrashResponseDto(long count) {}

    private final AssetService assets;

    public TrashRoutes(AssetService assets) {
        this.assets = assets;
    }

    @Override
    public void register(Api api) {
        api.post("/trash/restore", Access.permission(Permission.ASSET_DELETE), (ctx, user) ->
                ctx.json(new TrashResponseDto(assets.restoreAll(user.id()))));
        api.post("/trash/restore/assets", Access.permission(Permission.ASSET_DELETE), (ctx, user) ->
                ctx.json(new TrashResponseDto(assets.restore(user.id(),
                        ctx.bodyAsClass(BulkIdResult.BulkIdsDto.class).parsed()))));
        api.post("/trash/empty", Access.permission(Permission.ASSET_DELETE), (ctx, user) ->
                ctx.json(new TrashResponseDto(assets.emptyTrash(user.id()))));
    }
}
