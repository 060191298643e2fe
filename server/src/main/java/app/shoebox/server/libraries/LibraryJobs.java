package app.shoebox.server.libraries;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobRequest;
import app.shoebox.jobs.PeriodicJob;
import app.shoebox.jobs.RetryPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.time.Duration;
import app.shoebox.server.queues.QueueService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The jobs of a library scan, all on Immich's {@code library} queue (so pausing that queue pauses
 * a scan, and its progress shows in the queue counts):
 * <ol>
 *   <li>{@value #WALK}: walks up to {@link Config#walkChunk} files, and in one transaction queues
 *   them as batches of {@link Config#batchSize} paths plus its own continuation (where to resume);
 *   the last chunk queues the offline check instead. A crash repeats at most one chunk, and
 *   repeating is harmless.</li>
 *   <li>{@value #SYNC_FILES}: one batch of paths: new files become assets (and enter the media
 *   pipeline), changed ones (size or modification time) go through it again, returning ones come
 *   back online. Files are only stat'ed, never read.</li>
 *   <li>{@value #SYNC_ASSETS}: the library's assets in path order, a chunk at a time: those whose
 *   file is gone, excluded or now outside the import paths are marked offline, never deleted.</li>
 * </ol>
 */
public final class LibraryJobs {

    public static final String QUEUE = "library";
    public static final String SCAN_ALL = "LibraryScanQueueAll";
    public static final String WALK = "LibrarySyncFilesQueueAll";
    public static final String SYNC_FILES = "LibrarySyncFiles";
    public static final String SYNC_ASSETS = "LibrarySyncAssets";

    /** Below fresh uploads' thumbnails: a big scan must not make a phone's upload wait. */
    static final int PRIORITY = 0;

    /** Walking and stat'ing fail only on a busy or flaky file system: a few tries, then the reason stays on the job. */
    static final RetryPolicy RETRIES = RetryPolicy.of(5, Duration.ofSeconds(5), Duration.ofMinutes(5));

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How a scan is cut into jobs, and how many of its jobs a node runs at once.
     *
     * @param batchSize   paths per {@value #SYNC_FILES} job (and assets per {@value #SYNC_ASSETS} chunk)
     * @param walkChunk   files one {@value #WALK} job walks before it hands over to its continuation
     * @param concurrency library jobs at once per node; each holds a database connection only to commit
     * @param scanEvery   a periodic scan of every library, or none
     */
    public record Config(int batchSize, int walkChunk, int concurrency, Optional<Duration> scanEvery) {
        public Config {
            if (batchSize < 1 || walkChunk < batchSize || concurrency < 1) {
                throw new IllegalArgumentException("library scan: batch size, walk chunk (>= batch) and concurrency must be positive");
            }
            scanEvery.ifPresent(d -> {
                if (d.toSeconds() < 60) {
                    throw new IllegalArgumentException("library scans: the period must be at least a minute, not " + d);
                }
            });
        }

        public static Config defaults() {
            return new Config(1000, 10_000, 2, Optional.empty());
        }

        public Config withBatchSize(int size) {
            return new Config(size, Math.max(walkChunk, size), concurrency, scanEvery);
        }

        public Config withScanEvery(Optional<Duration> every) {
            return new Config(batchSize, walkChunk, concurrency, every);
        }
    }

    private LibraryJobs() {
    }

    /** Registers the library queue and its handlers on a node being built. */
    public static JobEngine.Builder register(JobEngine.Builder engine, Jdbi jdbi, JobClient jobs, Config config) {
        engine.queue(QUEUE, config.concurrency())
                .handler(SCAN_ALL, ctx -> {
                    scanAll(jdbi, jobs);
                    return app.shoebox.jobs.JobOutcome.complete();
                }, RETRIES)
                .handler(WALK, new LibraryScan.Walk(jdbi, jobs, config), RETRIES)
                .handler(SYNC_FILES, new LibraryScan.SyncFiles(jdbi, jobs), RETRIES)
                .handler(SYNC_ASSETS, new LibraryScan.SyncAssets(jdbi, jobs, config), RETRIES);
        config.scanEvery().ifPresent(every -> engine.periodic(new PeriodicJob("library-scan-all", every,
                JobRequest.builder(SCAN_ALL).queue(QUEUE).args("{}").priority(PRIORITY).build())));
        return engine;
    }

    /** The queue starters, plus Immich's "start" of the library queue: a scan of every library. */
    public static Map<String, QueueService.QueueStarter> withStarter(Map<String, QueueService.QueueStarter> starters,
                                                                     LibraryService libraries) {
        Map<String, QueueService.QueueStarter> all = new HashMap<>(starters);
        all.put(QUEUE, force -> libraries.scanAll());
        return Map.copyOf(all);
    }

    /** The first job of a scan; one waiting per library, so asking twice does not scan twice. */
    static JobRequest scanRequest(UUID libraryId) {
        return JobRequest.builder(WALK).queue(QUEUE).args(args(libraryId).toString()).priority(PRIORITY)
                .uniqueKey(libraryId.toString()).build();
    }

    /** Where a walk resumes: the import path and the last file handed over, relative to it. */
    record Resume(String root, String after) {}

    static JobRequest walkContinuation(UUID libraryId, Resume resume) {
        ObjectNode args = args(libraryId).put("root", resume.root()).put("after", resume.after());
        return JobRequest.builder(WALK).queue(QUEUE).args(args.toString()).priority(PRIORITY).build();
    }

    static JobRequest syncFiles(UUID libraryId, String root, List<String> relativePaths) {
        ObjectNode args = args(libraryId).put("root", root);
        relativePaths.forEach(args.putArray("paths")::add);
        return JobRequest.builder(SYNC_FILES).queue(QUEUE).args(args.toString()).priority(PRIORITY).build();
    }

    static JobRequest syncAssets(UUID libraryId, Optional<String> afterPath) {
        ObjectNode args = args(libraryId);
        afterPath.ifPresent(p -> args.put("after", p));
        return JobRequest.builder(SYNC_ASSETS).queue(QUEUE).args(args.toString()).priority(PRIORITY).build();
    }

    /** Queues a scan of every library whose import paths are all there now. */
    static long scanAll(Jdbi jdbi, JobClient jobs) {
        List<JobRequest> requests = new ArrayList<>();
        for (Library library : jdbi.withHandle(h -> h.createQuery("SELECT * FROM libraries ORDER BY created_at")
                .map(LibraryService.LIBRARY).list())) {
            Optional<String> problem = LibraryScan.unavailableRoots(library);
            if (problem.isPresent()) {
                org.slf4j.LoggerFactory.getLogger(LibraryJobs.class)
                        .warn("not scanning library {} ({}): {}", library.name(), library.id(), problem.get());
            } else {
                requests.add(scanRequest(library.id()));
            }
        }
        return requests.isEmpty() ? 0 : jobs.insertMany(requests);
    }

    private static ObjectNode args(UUID libraryId) {
        return JSON.createObjectNode().put("libraryId", libraryId.toString());
    }

    static JsonNode read(JobContext ctx) {
        try {
            JsonNode node = JSON.readTree(ctx.args());
            UUID.fromString(node.path("libraryId").asText());
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("job " + ctx.id() + " (" + ctx.kind() + ") has no valid libraryId: " + ctx.args(), e);
        }
    }
}
