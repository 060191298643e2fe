package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobHandler;
import app.shoebox.jobs.JobRequest;
import app.shoebox.media.metadata.MetadataExtractor;
import app.shoebox.media.thumbnails.Thumbnailer;
import app.shoebox.media.thumbnails.Thumbnailers;
import app.shoebox.media.video.PosterFrame;
import app.shoebox.server.queues.QueueService;
import app.shoebox.server.serverinfo.ToolVersions;
import app.shoebox.server.storage.StorageTemplate;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The asset pipeline's wiring, read from its table of steps ({@link AssetJobs#STEPS}): which handler
 * runs each job kind, on which queue, with which retry policy, what comes after it; and how each
 * step is re-run for the assets that lack it or for all. {@link #startNode} is the one wiring of a
 * process that works the queues ({@code shoebox worker}, or the server itself in tests).
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

    private final Jdbi jdbi;
    private final JobClient jobs;
    private final Path library;
    private final Optional<StorageTemplate> template;
    private final List<PipelineStep> steps;

    public MediaPipeline(Jdbi jdbi, JobClient jobs, Path library, Optional<StorageTemplate> template) {
        this(jdbi, jobs, library, template, AssetJobs.STEPS);
    }

    /** A pipeline of other steps than {@link AssetJobs#STEPS} (tests of the table itself). */
    MediaPipeline(Jdbi jdbi, JobClient jobs, Path library, Optional<StorageTemplate> template, List<PipelineStep> steps) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.library = library;
        this.template = template;
        this.steps = List.copyOf(steps);
    }

    /** How long one attempt of a media job may run unless the worker is told otherwise. */
    public static final Duration DEFAULT_JOB_TIME_LIMIT = Duration.ofMinutes(10);

    /** Queue slots of a catalogue step (no decoding: short transactions, a few at a time suffice). */
    static final int CATALOGUE_CONCURRENCY = 2;

    /**
     * Registers every step's handler and queue on a node being built, with the default time
     * limit; an attempt that ignores being stopped is logged and left (this process does not exit).
     */
    public JobEngine.Builder register(JobEngine.Builder engine, Tools tools, int mediaConcurrency) {
        return register(engine, tools, mediaConcurrency, DEFAULT_JOB_TIME_LIMIT, Watchdog.logOnly(Watchdog.DEFAULT_MARGIN));
    }

    /**
     * Registers every step of the table: its queue, and (when it runs in this configuration) its
     * handler and retry policy; each media attempt may run at most {@code timeLimit}, and
     * {@code watchdog} deals with one that ignores being stopped then.
     */
    public JobEngine.Builder register(JobEngine.Builder engine, Tools tools, int mediaConcurrency, Duration timeLimit,
                                      Watchdog watchdog) {
        for (PipelineStep row : steps) {
            engine.queue(row.queue(), row.work() == PipelineStep.Work.MEDIA ? mediaConcurrency : CATALOGUE_CONCURRENCY);
            if (row.runsWith(template)) {
                engine.handler(row.kind(), handler(row, tools, timeLimit, watchdog), row.retries());
            }
        }
        return engine;
    }

    /** The handler of one step, as the engine runs it; its successor is the next row that runs here. */
    JobHandler handler(String kind, Tools tools) {
        PipelineStep row = steps.stream().filter(s -> s.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step " + kind + " in this pipeline"));
        return handler(row, tools, DEFAULT_JOB_TIME_LIMIT, Watchdog.logOnly(Watchdog.DEFAULT_MARGIN));
    }

    private JobHandler handler(PipelineStep row, Tools tools, Duration timeLimit, Watchdog watchdog) {
        AssetStep work = row.handler().apply(new PipelineStep.Parts(jdbi, jobs, library, tools, template));
        JobHandler runner = new StepRunner(jdbi, jobs, row, work, next(row));
        if (row.work() == PipelineStep.Work.MEDIA) {
            runner = new TimeLimitedHandler(runner, timeLimit, watchdog);
        }
        return new StepFailures(jdbi, library, runner);
    }

    /** The step after {@code row} in this configuration. */
    Optional<PipelineStep> next(PipelineStep row) {
        return steps.subList(steps.indexOf(row) + 1, steps.size()).stream().filter(s -> s.runsWith(template)).findFirst();
    }

    /** What a job node of this pipeline is: its name, how many media jobs at once, its time limits. */
    public record NodeSettings(String nodeId, int mediaConcurrency, Duration heartbeat, Duration jobTimeLimit,
                               Watchdog watchdog) {}

    /**
     * Starts a job node that works this pipeline: the one wiring of {@code shoebox worker} and of a
     * server that runs its own jobs. Detects the tools, records their versions under the node's id
     * before its first job, registers the steps and starts the engine.
     */
    public JobEngine startNode(DataSource dataSource, NodeSettings settings) {
        return startNode(dataSource, settings, UnaryOperator.identity());
    }

    /** {@link #startNode(DataSource, NodeSettings)} with more kinds of job registered by {@code more} (library scans). */
    public JobEngine startNode(DataSource dataSource, NodeSettings settings, UnaryOperator<JobEngine.Builder> more) {
        Tools tools = Tools.detect();
        tools.describe().forEach(line -> log.info("{}", line));
        recordTools(settings.nodeId(), tools);
        return more.apply(register(JobEngine.builder().dataSource(dataSource).nodeId(settings.nodeId()).heartbeat(settings.heartbeat()),
                tools, settings.mediaConcurrency(), settings.jobTimeLimit(), settings.watchdog())).build().start();
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

    /**
     * Immich's "start" command per queue, from the table: the step for the assets that lack it, or
     * for all eligible ones with {@code force}. Assets whose step failed for good (a corrupt file)
     * count as done unless forced, so "start" does not churn on files that will fail again. A step
     * that does not run in this configuration queues nothing.
     */
    public Map<String, QueueService.QueueStarter> starters() {
        Map<String, QueueService.QueueStarter> starters = new LinkedHashMap<>();
        for (PipelineStep row : steps) {
            starters.put(row.queue(), force -> {
                if (!row.runsWith(template)) {
                    return 0;
                }
                String condition = row.eligible().isEmpty() ? "" : " AND " + row.eligible();
                if (!force && !row.lacking().isEmpty()) {
                    condition += " AND " + row.lacking() + " AND NOT EXISTS (SELECT 1 FROM asset_processing_errors p "
                            + "WHERE p.asset_id = a.id AND p.step = '" + row.kind() + "')";
                }
                return rerun(row, condition);
            });
        }
        return starters;
    }

    /** The kinds of this pipeline, in order. */
    public List<String> kinds() {
        return steps.stream().map(PipelineStep::kind).toList();
    }

    /** Queues one step for the given assets (Immich's {@code POST /assets/jobs}). */
    public long rerun(String kind, List<UUID> assetIds) {
        PipelineStep row = steps.stream().filter(s -> s.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step " + kind + " in this pipeline"));
        return rerun(row, assetIds);
    }

    private long rerun(PipelineStep row, List<UUID> assetIds) {
        List<JobRequest> requests = new ArrayList<>(assetIds.size());
        for (UUID id : assetIds) {
            requests.add(row.request(id, AssetJobs.RERUN_PRIORITY));
        }
        return jobs.insertMany(requests);
    }

    private long rerun(PipelineStep row, String condition) {
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
            queued += rerun(row, ids);
            after = ids.getLast();
        }
    }
}
