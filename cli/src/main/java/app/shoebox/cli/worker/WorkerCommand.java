package app.shoebox.cli.worker;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.cli.StorageTemplateOption;
import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobSchema;
import app.shoebox.server.db.Database;
import app.shoebox.server.libraries.LibraryJobs;
import app.shoebox.server.libraries.LibraryWatcher;
import app.shoebox.server.pipeline.MediaPipeline;
import app.shoebox.server.pipeline.Watchdog;
import app.shoebox.server.storage.StorageMover;
import app.shoebox.server.storage.StorageTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code shoebox worker}: works the media queues (metadata, thumbnails, duplicates, storage
 * template) against a library's database. {@code shoebox serve} runs one as a supervised child
 * process; more can run on other machines that see the same library folder and database.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Work the background job queues of a library (started by serve; run more on other machines).")
public final class WorkerCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

    @Mixin
    CatalogueOptions catalogue;

    @Option(names = "--concurrency", defaultValue = "${env:SHOEBOX_WORKER_CONCURRENCY:-0}",
            description = "Media jobs at once per queue (env SHOEBOX_WORKER_CONCURRENCY; default: the number of cores).")
    int concurrency;

    @Mixin
    StorageTemplateOption storageTemplate;

    @Option(names = "--shutdown-grace", defaultValue = "30",
            description = "Seconds running jobs get to finish on SIGTERM before they are handed back (default ${DEFAULT-VALUE}).")
    int shutdownGraceSeconds;

    @Option(names = "--heartbeat", defaultValue = "10",
            description = "Seconds between lease renewals; a dead worker's jobs go back to the queue within two "
                    + "(default ${DEFAULT-VALUE}).")
    int heartbeatSeconds;

    @Option(names = "--job-time-limit", defaultValue = "${env:SHOEBOX_JOB_TIME_LIMIT:-600}",
            description = "Seconds one attempt of a media job may run before it is stopped and retried "
                    + "(env SHOEBOX_JOB_TIME_LIMIT, default ${DEFAULT-VALUE}).")
    int jobTimeLimitSeconds;

    @Option(names = "--hung-job-exit", defaultValue = "${env:SHOEBOX_HUNG_JOB_EXIT:-60}",
            description = "Seconds a media job may go on after it was stopped at its time limit before this worker exits "
                    + "(a decoder or a read that ignores being stopped); the job is rescued and counted as a worker death, "
                    + "and serve starts a fresh worker (env SHOEBOX_HUNG_JOB_EXIT, default ${DEFAULT-VALUE}).")
    int hungJobExitSeconds;

    @Option(names = "--scan-batch", defaultValue = "${env:SHOEBOX_SCAN_BATCH:-1000}",
            description = "Files per library scan job (env SHOEBOX_SCAN_BATCH, default ${DEFAULT-VALUE}).")
    int scanBatch;

    @Option(names = "--library-scan-every", defaultValue = "${env:SHOEBOX_LIBRARY_SCAN_EVERY}",
            description = "Scan every external library this often, e.g. PT24H (env SHOEBOX_LIBRARY_SCAN_EVERY; default: "
                    + "only when asked). One node runs the schedule however many workers there are.")
    Duration libraryScanEvery;

    @Option(names = "--watch-libraries", defaultValue = "${env:SHOEBOX_WATCH_LIBRARIES:-false}",
            description = "Watch the external libraries' folders and index new and changed files without a scan "
                    + "(env SHOEBOX_WATCH_LIBRARIES). One worker watches; the others stand by.")
    boolean watchLibraries;

    /** The option {@code serve} starts its workers with. */
    public static final String STOP_WITH_PARENT = "--stop-with-parent";

    @Option(names = STOP_WITH_PARENT, hidden = true,
            description = "Stop when the process that started this worker is gone: its end of this worker's standard input "
                    + "closes (serve starts its workers so; a worker started by hand or by systemd leaves it out).")
    boolean stopWithParent;

    @Override
    public Integer call() throws Exception {
        Optional<StorageTemplate> template = storageTemplate.template();
        int perQueue = concurrency > 0 ? concurrency : Runtime.getRuntime().availableProcessors();
        Database db = Database.openForAdmin(catalogue.location(), new Database.PoolSettings(6, Duration.ofSeconds(10)), "worker");
        JobEngine engine;
        try {
            JobSchema.DEFAULT.migrate(db.dataSource());
            JobClient jobs = JobClient.create(db.dataSource(), JobSchema.DEFAULT);
            var library = catalogue.library.toAbsolutePath().normalize();
            MediaPipeline pipeline = new MediaPipeline(db.jdbi(), jobs, library, template);
            template.ifPresent(t -> new StorageMover(db.jdbi(), library, t).deleteOrphans());
            String nodeId = "worker-" + hostName() + "-" + ProcessHandle.current().pid();
            LibraryJobs.Config libraryScans = LibraryJobs.Config.defaults().withBatchSize(scanBatch)
                    .withScanEvery(Optional.ofNullable(libraryScanEvery));
            engine = pipeline.startNode(db.dataSource(), new MediaPipeline.NodeSettings(nodeId, perQueue,
                    Duration.ofSeconds(Math.max(1, heartbeatSeconds)), Duration.ofSeconds(Math.max(1, jobTimeLimitSeconds)),
                    Watchdog.exitProcess(Duration.ofSeconds(Math.max(1, hungJobExitSeconds)))),
                    node -> LibraryJobs.register(node, db.jdbi(), jobs, libraryScans));
            log.info("worker {} working {} (database: {})", engine.nodeId(), library, db.description());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        LibraryWatcher watcher = watchLibraries
                ? new LibraryWatcher(db.jdbi(), engine.client(), LibraryWatcher.Config.defaults(),
                        () -> db.connectOutsidePool(LibraryWatcher.CONNECTION_NAME)).start() : null;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (watcher != null) {
                watcher.close();
            }
            int handedBack = engine.stop(Duration.ofSeconds(shutdownGraceSeconds));
            log.info("worker stopped; {} running jobs handed back", handedBack);
            db.close();
            stopped.countDown();
        }, "worker-shutdown"));
        if (stopWithParent) {
            stopWhenInputCloses(System.in);
        }
        stopped.await();
        return 0;
    }

    /**
     * A worker that {@code serve} started must not outlive it: killed alone ({@code kill -9}, or the
     * kernel's out-of-memory killer), serve leaves its workers behind, still claiming jobs, and its
     * restart starts new ones beside them. The kernel closes serve's end of the worker's standard
     * input when serve dies, however it dies; the worker then stops as on SIGTERM (its running jobs
     * finish within the grace period or are handed back).
     */
    static void stopWhenInputCloses(InputStream parentPipe) {
        // A platform thread: it blocks on the pipe for the worker's whole life.
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            try {
                parentPipe.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // a broken pipe says the same: the parent is gone
            }
            log.warn("the process that started this worker is gone (its end of the worker's standard input closed); stopping");
            System.exit(0);
        });
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
