package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobRequest;
import app.shoebox.server.assets.AssetCreatedHook;
import app.shoebox.server.queues.QueueNames;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.sql.Connection;
import java.util.UUID;

/**
 * The jobs every asset goes through, in order: metadata, the storage-template move (when a template
 * is set), thumbnails, duplicate detection. Each step is enqueued in the transaction that completes the step
 * before it, so no crash strands an asset between two steps. Kind names are Immich's job names.
 */
public final class AssetJobs {

    public static final String EXTRACT_METADATA = "AssetExtractMetadata";
    public static final String GENERATE_THUMBNAILS = "AssetGenerateThumbnails";
    public static final String DETECT_DUPLICATES = "AssetDetectDuplicates";
    public static final String MIGRATE_STORAGE = "StorageTemplateMigrationSingle";

    /** Fresh uploads run before a bulk re-run of the same step. */
    public static final int UPLOAD_PRIORITY = 10;
    public static final int RERUN_PRIORITY = 0;

    private static final ObjectMapper JSON = new ObjectMapper();

    private AssetJobs() {
    }

    /** The queue each kind runs on. */
    public static String queueOf(String kind) {
        return switch (kind) {
            case EXTRACT_METADATA -> QueueNames.METADATA_EXTRACTION;
            case GENERATE_THUMBNAILS -> QueueNames.THUMBNAIL_GENERATION;
            case DETECT_DUPLICATES -> QueueNames.DUPLICATE_DETECTION;
            case MIGRATE_STORAGE -> QueueNames.STORAGE_TEMPLATE_MIGRATION;
            default -> throw new IllegalArgumentException("not an asset job: " + kind);
        };
    }

    /**
     * One pending job of a kind per asset (the engine's unique key), so a re-run while a step is
     * waiting does not queue it twice.
     */
    public static JobRequest request(String kind, UUID assetId, int priority) {
        String args = JSON.createObjectNode().put("assetId", assetId.toString()).toString();
        return JobRequest.builder(kind).queue(queueOf(kind)).args(args)
                .priority(priority).uniqueKey(assetId.toString()).build();
    }

    /** The asset a job is about; a job without a valid {@code assetId} is a bug, reported with its args. */
    public static UUID assetId(JobContext ctx) {
        try {
            return UUID.fromString(JSON.readTree(ctx.args()).path("assetId").asText());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("job " + ctx.id() + " (" + ctx.kind() + ") has no valid assetId in its args: "
                    + ctx.args(), e);
        }
    }

    /** Enqueues the first step in the upload's own transaction. */
    public static AssetCreatedHook enqueueOnUpload(JobClient jobs) {
        return (tx, asset) -> jobs.insert(tx.getConnection(), request(EXTRACT_METADATA, asset.id(), UPLOAD_PRIORITY));
    }

    /** Enqueues {@code kind} for an asset inside {@code tx} (the completing transaction of the step before). */
    static void next(JobClient jobs, Connection tx, String kind, UUID assetId) {
        jobs.insert(tx, request(kind, assetId, UPLOAD_PRIORITY));
    }
}
