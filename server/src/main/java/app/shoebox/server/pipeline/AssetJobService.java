package app.shoebox.server.pipeline;

import app.shoebox.server.http.ApiException;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.UUID;

/**
 * Re-runs one pipeline step for some of a user's assets, by Immich's action names
 * ({@code refresh-metadata}, {@code regenerate-thumbnail}); nothing is queued unless every asset is
 * the user's.
 */
public final class AssetJobService {

    private final Jdbi jdbi;
    private final MediaPipeline pipeline;

    public AssetJobService(Jdbi jdbi, MediaPipeline pipeline) {
        this.jdbi = jdbi;
        this.pipeline = pipeline;
    }

    public void run(UUID owner, String name, List<UUID> assetIds) {
        String kind = switch (name) {
            case "refresh-metadata" -> AssetJobs.EXTRACT_METADATA;
            case "regenerate-thumbnail" -> AssetJobs.GENERATE_THUMBNAILS;
            case "refresh-faces", "transcode-video" -> throw ApiException.badRequest(
                    "'" + name + "' is not something this server does (no face recognition or transcoding); "
                            + "use refresh-metadata or regenerate-thumbnail");
            default -> throw ApiException.badRequest("unknown asset job '" + name
                    + "'; use refresh-metadata or regenerate-thumbnail");
        };
        List<UUID> ids = assetIds.stream().distinct().toList();
        List<UUID> owned = jdbi.withHandle(h -> h.createQuery(
                        "SELECT id FROM assets WHERE owner_id = :owner AND id = ANY(:ids) AND status <> 'deleted'")
                .bind("owner", owner).bindArray("ids", UUID.class, ids).mapTo(UUID.class).list());
        if (owned.size() != ids.size()) {
            throw ApiException.badRequest("some of the assets do not exist or are not yours; nothing was queued");
        }
        pipeline.rerun(kind, owned);
    }
}
