package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobRequest;
import app.shoebox.server.assets.AssetCreatedHook;
import app.shoebox.server.queues.QueueNames;

import java.sql.Connection;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern ASSET_ID = Pattern.compile("\"assetId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

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
        return JobRequest.builder(kind).queue(queueOf(kind)).args("{\"assetId\":\"" + assetId + "\"}")
                .priority(priority).uniqueKey(assetId.toString()).build();
    }

    /** The asset a job is about. */
    public static UUID assetId(JobContext ctx) {
        Matcher m = ASSET_ID.matcher(ctx.args());
        if (!m.find()) {
            throw new IllegalArgumentException("job " + ctx.id() + " (" + ctx.kind() + ") has no assetId in its args: " + ctx.args());
        }
        return UUID.fromString(m.group(1));
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
