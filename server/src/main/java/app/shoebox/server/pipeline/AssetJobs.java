package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobRequest;
import app.shoebox.jobs.RetryPolicy;
import app.shoebox.server.assets.AssetCreatedHook;
import app.shoebox.server.queues.QueueNames;
import app.shoebox.server.storage.StorageMover;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The pipeline as one table: the jobs every asset goes through, in order. Each step is enqueued in
 * the transaction that completes the step before it, so no crash strands an asset between two
 * steps. Kind names are Immich's job names. To add a step: write an {@link AssetStep} and add its
 * row here, where it should run.
 */
public final class AssetJobs {

    public static final String EXTRACT_METADATA = "AssetExtractMetadata";
    public static final String GENERATE_THUMBNAILS = "AssetGenerateThumbnails";
    public static final String DETECT_DUPLICATES = "AssetDetectDuplicates";
    public static final String MIGRATE_STORAGE = "StorageTemplateMigrationSingle";

    /** Fresh uploads run before a bulk re-run of the same step. */
    public static final int UPLOAD_PRIORITY = 10;
    public static final int RERUN_PRIORITY = 0;

    /** Decoding a file is slow and a corrupt one is discarded at once: a few tries cover a busy disk. */
    static final RetryPolicy MEDIA_RETRIES = RetryPolicy.of(5, Duration.ofSeconds(5), Duration.ofMinutes(10));

    /** The engine's default for steps that only read and write the catalogue. */
    static final RetryPolicy CATALOGUE_RETRIES = RetryPolicy.DEFAULT;

    private static final String NO_EXIF = "NOT EXISTS (SELECT 1 FROM asset_exif e WHERE e.asset_id = a.id)";

    /**
     * The pipeline. The storage move comes before the thumbnails, so no step reads the original
     * while it moves.
     */
    public static final List<PipelineStep> STEPS = List.of(
            new PipelineStep(EXTRACT_METADATA, QueueNames.METADATA_EXTRACTION, PipelineStep.Work.MEDIA, MEDIA_RETRIES,
                    Optional.of("read metadata of"), "", NO_EXIF, false,
                    p -> new MetadataHandler(p.jdbi(), p.jobs(), p.library(), p.tools().metadata())),
            new PipelineStep(MIGRATE_STORAGE, QueueNames.STORAGE_TEMPLATE_MIGRATION, PipelineStep.Work.CATALOGUE,
                    CATALOGUE_RETRIES, Optional.empty(), "", "", true,
                    p -> new StorageHandler(new StorageMover(p.jdbi(), p.library(), p.template().orElseThrow()), p.jdbi())),
            new PipelineStep(GENERATE_THUMBNAILS, QueueNames.THUMBNAIL_GENERATION, PipelineStep.Work.MEDIA, MEDIA_RETRIES,
                    Optional.of("make a thumbnail of"), "", "(a.thumbnail_path IS NULL OR a.preview_path IS NULL)", false,
                    p -> new ThumbnailHandler(p.jdbi(), p.library(), p.tools().thumbnailer(), p.tools().posters())),
            new PipelineStep(DETECT_DUPLICATES, QueueNames.DUPLICATE_DETECTION, PipelineStep.Work.CATALOGUE,
                    CATALOGUE_RETRIES, Optional.empty(), "a.phash IS NOT NULL", "", false,
                    p -> new DuplicateHandler()));

    private static final ObjectMapper JSON = new ObjectMapper();

    private AssetJobs() {
    }

    /** The row of a kind in the table. */
    public static PipelineStep step(String kind) {
        return STEPS.stream().filter(s -> s.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not an asset job: " + kind));
    }

    /** The queue each kind runs on. */
    public static String queueOf(String kind) {
        return step(kind).queue();
    }

    /**
     * One pending job of a kind per asset (the engine's unique key), so a re-run while a step is
     * waiting does not queue it twice.
     */
    public static JobRequest request(String kind, UUID assetId, int priority) {
        return step(kind).request(assetId, priority);
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
        return (tx, asset) -> jobs.insert(tx.getConnection(), STEPS.getFirst().request(asset.id(), UPLOAD_PRIORITY));
    }
}
