package app.shoebox.server.pipeline;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/assets/jobs}: re-runs one pipeline step for some of the caller's assets
 * (Immich's "refresh metadata" and "regenerate thumbnail" actions).
 */
public final class AssetJobRoutes implements Api.Routes {

    record AssetJobsDto(List<String> assetIds, String name) {}

    private final Jdbi jdbi;
    private final MediaPipeline pipeline;

    public AssetJobRoutes(Jdbi jdbi, MediaPipeline pipeline) {
        this.jdbi = jdbi;
        this.pipeline = pipeline;
    }

    @Override
    public void register(Api api) {
        api.post("/assets/jobs", Access.permission(Permission.JOB_CREATE), (ctx, user) -> {
            AssetJobsDto dto = ctx.bodyAsClass(AssetJobsDto.class);
            if (dto.assetIds() == null || dto.name() == null) {
                throw ApiException.badRequest("assetIds and name are required");
            }
            String kind = switch (dto.name()) {
                case "refresh-metadata" -> AssetJobs.EXTRACT_METADATA;
                case "regenerate-thumbnail" -> AssetJobs.GENERATE_THUMBNAILS;
                case "refresh-faces", "transcode-video" -> throw ApiException.badRequest(
                        "'" + dto.name() + "' is not something this server does (no face recognition or transcoding); "
                                + "use refresh-metadata or regenerate-thumbnail");
                default -> throw ApiException.badRequest("unknown asset job '" + dto.name()
                        + "'; use refresh-metadata or regenerate-thumbnail");
            };
            List<UUID> ids = dto.assetIds().stream().map(AssetJobRoutes::parse).distinct().toList();
            List<UUID> owned = jdbi.withHandle(h -> h.createQuery(
                            "SELECT id FROM assets WHERE owner_id = :owner AND id = ANY(:ids) AND status <> 'deleted'")
                    .bind("owner", user.id()).bindArray("ids", UUID.class, ids).mapTo(UUID.class).list());
            if (owned.size() != ids.size()) {
                throw ApiException.badRequest("some of the assets do not exist or are not yours; nothing was queued");
            }
            pipeline.rerun(kind, owned);
            ctx.status(204);
        });
    }

    private static UUID parse(String id) {
        return app.shoebox.server.http.Validation.uuid(id, "assetIds");
    }
}
