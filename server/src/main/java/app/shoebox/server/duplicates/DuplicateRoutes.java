package app.shoebox.server.duplicates;

import app.shoebox.server.assets.AssetViews;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.Validation;

import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/duplicates}: the caller's groups of near-identical images, found by the
 * duplicate-detection job, in Immich's {@code DuplicateResponseDto} shape; {@code DELETE} dismisses
 * a group (the assets stay, they are no longer shown as duplicates).
 */
public final class DuplicateRoutes implements Api.Routes {

    record DuplicateResponseDto(String duplicateId, List<?> assets, List<String> suggestedKeepAssetIds) {}

    private final DuplicateService duplicates;
    private final AssetViews views;

    public DuplicateRoutes(DuplicateService duplicates, AssetViews views) {
        this.duplicates = duplicates;
        this.views = views;
    }

    @Override
    public void register(Api api) {
        api.get("/duplicates", Access.permission(Permission.DUPLICATE_READ), (ctx, user) -> ctx.json(
                duplicates.groups(user.id()).stream().map(g -> new DuplicateResponseDto(g.id().toString(), views.of(g.assets()),
                        List.of(g.assets().getFirst().toString()))).toList()));
        api.delete("/duplicates/{id}", Access.permission(Permission.DUPLICATE_DELETE), (ctx, user) -> {
            UUID id = Validation.uuid(ctx.pathParam("id"), "id");
            if (!duplicates.dismiss(user.id(), id)) {
                throw ApiException.noAccess(Permission.DUPLICATE_DELETE);
            }
            ctx.status(204);
        });
    }
}
