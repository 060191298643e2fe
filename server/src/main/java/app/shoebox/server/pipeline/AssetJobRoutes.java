package app.shoebox.server.pipeline;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.Validation;

import java.util.List;

/**
 * {@code POST /api/assets/jobs}: re-runs one pipeline step for some of the caller's assets
 * (Immich's "refresh metadata" and "regenerate thumbnail" actions).
 */
public final class AssetJobRoutes implements Api.Routes {

    record AssetJobsDto(List<String> assetIds, String name) {}

    private final AssetJobService service;

    public AssetJobRoutes(AssetJobService service) {
        this.service = service;
    }

    @Override
    public void register(Api api) {
        api.post("/assets/jobs", Access.permission(Permission.JOB_CREATE), (ctx, user) -> {
            AssetJobsDto dto = ctx.bodyAsClass(AssetJobsDto.class);
            if (dto.assetIds() == null || dto.name() == null) {
                throw ApiException.badRequest("assetIds and name are required");
            }
            service.run(user.id(), dto.name(), dto.assetIds().stream().map(id -> Validation.uuid(id, "assetIds")).toList());
            ctx.status(204);
        });
    }
}
