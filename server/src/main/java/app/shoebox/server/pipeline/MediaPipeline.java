package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobHandler;
import app.shoebox.jobs.JobRequest;
import app.shoebox.jobs.RetryPolicy;
import app.shoebox.media.metadata.MetadataExtractor;
import app.shoebox.media.thumbnails.Thumbnailer;
import app.shoebox.media.thumbnails.Thumbnailers;
import app.shoebox.media.video.PosterFrame;
import app.shoebox.server.queues.QueueNames;
import app.shoebox.server.queues.QueueService;
import app.shoebox.server.serverinfo.ToolVersions;
import app.shoebox.server.storage.StorageMover;
import app.shoebox.server.storage.StorageTemplate;
import org.jdbi.v3.core.Jdbi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The asset pipeline's wiring: which handler runs each job kind, on which queue, with which retry
 * policy; and how each step is re-run for the assets that lack it or for all. Used by whatever
 * process works the queues ({@code shoebox worker}, or the server itself in tests).
 */
public final class MediaPipeline {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MediaPipeline.class);

    /** The native and pure-Java tools the handlers use, detected once per process. */
    public record Tools(MetadataExtractor metadata, Thumbnailer thumbnailer, PosterFrame posters) {
        public static Tools detect() {
            return new Tools(MetadataExtractor.fromPath(), Thumbnailers.best(), PosterFrame.fromPath());
        }

        /** One line per tool for the start-up log. */
        public List<String> describe() {
            return List.of(metadata.describe(), thumbnailer.describe(), posters.describe());
        }

        /** The native tools' versions, as the server's about page reports them. */
        public ToolVersions versions() {
            return new ToolVersions(thumbnailer.libvipsVersion().orElse(""), posters.version().orElse(""));
        }
    }

    /** Decoding a file is slow and a corrupt one is discarded at once: a few tries cover a busy disk. */
    static final RetryPolicy MEDIA_RETRIES = RetryPolicy.of(5, Duration.ofSeconds(5), Duration.ofMinutes(10));

    private final Jdbi jdbi;
    private final JobClient jobs;
    private final Path library;
    private final Optional<StorageTemplate> template;

    public MediaPipeline(Jdbi jdbi, JobClient jobs, Path library, Optional<StorageTemplate> template) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.library = library;
        this.template = template;
    }

    /** How long one attempt of a media job may run unless the worker is told otherwise. */
    public static final Duration DEFAULT_JOB_TIME_LIMIT = Duration.ofMinutes(10);

    /**
     * Registers every asset job's handler and queue on a node being built, with the default time
     * limit; an attempt that ignores being stopped is logged and left (this process does not exit).
     */
    public JobEngine.Builder register(JobEngine.Builder engine, Tools tools, int mediaConcurrency) {
        return register(engine, tools, mediaConcurrency, DEFAULT_JOB_TIME_LIMIT, Watchdog.logOnly(Watchdog.DEFAULT_MARGIN));
    }

    /**
     * Registers every asset job's handler and queue; each media attempt may run at most
     * {@code timeLimit}, and {@code watchdog} deals with one that ignores being stopped then.
     */
    public JobEngine.Builder register(JobEngine.Builder engine, Tools tools, int mediaConcurrency, Duration timeLimit,
                                      Watchdog watchdog) {
        engine.queue(QueueNames.METADATA_EXTRACTION, mediaConcurrency)
                .queue(QueueNames.THUMBNAIL_GENERATION, mediaConcurrency)
                .queue(QueueNames.DUPLICATE_DETECTION, 2)
                .queue(QueueNames.STORAGE_TEMPLATE_MIGRATION, 2)
                .handler(AssetJobs.EXTRACT_METADATA, step(new TimeLimitedHandler(
                        new MetadataHandler(jdbi, library, jobs, tools.metadata(), template.isPresent()), timeLimit, watchdog)),
                        MEDIA_RETRIES)
                .handler(AssetJobs.GENERATE_THUMBNAILS, step(new TimeLimitedHandler(
                        new ThumbnailHandler(jdbi, library, jobs, tools.thumbnailer(), tools.posters()), timeLimit, watchdog)),
                        MEDIA_RETRIES)
                .handler(AssetJobs.DETECT_DUPLICATES, step(new DuplicateHandler(jdbi)));
        template.ifPresent(t -> engine.handler(AssetJobs.MIGRATE_STORAGE,
                step(new StorageHandler(new StorageMover(jdbi, library, t), jobs, jdbi))));
        return engine;
    }

    /**
     * Records, under the job node's id, the tool versions it works with (the server reports the
     * newest in {@code /server/about}). Call before the node starts, so that they are known by the
     * time its first job is done.
     */
    public void recordTools(String nodeId, Tools tools) {
        ToolVersions versions = tools.versions();
        try {
            ToolVersions.record(jdbi, nodeId, versions);
        } catch (RuntimeException e) {
            // Only the about page misses it; the node works all the same.
            log.warn("job node {} could not record its tool versions: {}", nodeId, e.getMessage());
        }
        log.info("job node {} decodes with libvips {} and ffmpeg {}", nodeId, orNone(versions.libvips()), orNone(versions.ffmpeg()));
    }

    private static String orNone(String version) {
        return version.isEmpty() ? "(none)" : version;
    }

    private JobHandler step(JobHandler handler) {
        return new StepFailures(jdbi, library, handler);
    }

    /**
     * Immich's "start" command per queue: the step for assets that lack it, or for all with
     * {@code force}. Assets whose step failed for good (a corrupt file) count as done unless forced,
     * so "start" does not churn on files that will fail again.
     */
    public Map<String, QueueService.QueueStarter> starters() {
        return Map.of(
                QueueNames.METADATA_EXTRACTION, force -> rerun(AssetJobs.EXTRACT_METADATA, force ? ""
                        : "AND NOT EXISTS (SELECT 1 FROM asset_exif e WHERE e.asset_id = a.id)" + notFailed(AssetJobs.EXTRACT_METADATA)),
                QueueNames.THUMBNAIL_GENERATION, force -> rerun(AssetJobs.GENERATE_THUMBNAILS, force ? ""
                        : "AND (a.thumbnail_path IS NULL OR a.preview_path IS NULL)" + notFailed(AssetJobs.GENERATE_THUMBNAILS)),
                QueueNames.DUPLICATE_DETECTION, force -> rerun(AssetJobs.DETECT_DUPLICATES, "AND a.phash IS NOT NULL"),
                QueueNames.STORAGE_TEMPLATE_MIGRATION, force -> template.isEmpty() ? 0
                        : rerun(AssetJobs.MIGRATE_STORAGE, ""));
    }

    private static String notFailed(String kind) {
        return " AND NOT EXISTS (SELECT 1 FROM asset_processing_errors p WHERE p.asset_id = a.id AND p.step = '" + kind + "')";
    }

    /** Queues one step for the given assets (Immich's {@code POST /assets/jobs}). */
    public long rerun(String kind, List<UUID> assetIds) {
        List<JobRequest> requests = new ArrayList<>(assetIds.size());
        for (UUID id : assetIds) {
            requests.add(AssetJobs.request(kind, id, AssetJobs.RERUN_PRIORITY));
        }
        return jobs.insertMany(requests);
    }

    private long rerun(String kind, String condition) {
        long queued = 0;
        UUID after = new UUID(0, 0);
        while (true) {
            UUID from = after;
            List<UUID> ids = jdbi.withHandle(h -> h.createQuery(
                            "SELECT a.id FROM assets a WHERE a.status = 'active' AND a.id > :after " + condition
                                    + " ORDER BY a.id LIMIT 5000")
                    .bind("after", from).mapTo(UUID.class).list());
            if (ids.isEmpty()) {
                return queued;
            }
            queued += rerun(kind, ids);
            after = ids.getLast();
        }
    }
}
