package app.shoebox.cli.upload;

import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.Http;
import app.shoebox.client.api.RetryPolicy;
import app.shoebox.client.api.ServerAddress;
import app.shoebox.client.api.ServerInfo;
import app.shoebox.client.queues.QueuePause;
import app.shoebox.client.queues.QueuePauser;
import app.shoebox.client.queues.QueueWatch;
import app.shoebox.client.sources.Source;
import app.shoebox.client.state.CacheDir;
import app.shoebox.client.state.HashCache;
import app.shoebox.client.state.Journal;
import app.shoebox.client.upload.ConcurrencyLimiter;
import app.shoebox.client.upload.UploadListener;
import app.shoebox.client.upload.UploadPipeline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@code shoebox upload} run, whatever the source: connect, resume what a killed run left
 * paused, pause the heavy queues, run the pipeline with a progress display, give the queues back
 * (on every exit path, Ctrl-C included), optionally wait for the server's jobs, report.
 *
 * <p>Exit codes: 0 every file handled and none failed; 1 some files failed (or the run could not
 * start); 2 the run stopped before the end (Ctrl-C, {@code --on-errors}, server unreachable).
 */
final class UploadRun {

    static final int OK = 0;
    static final int FILES_FAILED = 1;
    static final int STOPPED = 2;

    private final UploadOptions o;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    UploadRun(UploadOptions options, Map<String, String> env, PrintStream out, PrintStream err) {
        this.o = options;
        this.env = env;
        this.out = out;
        this.err = err;
    }

    static void requireExisting(java.util.List<java.nio.file.Path> paths) {
        for (java.nio.file.Path p : paths) {
            if (!java.nio.file.Files.exists(p)) {
                throw new IllegalArgumentException(p + " does not exist");
            }
        }
    }

    /** Makes the source once the server's media types are known; sources that hash as they scan get the cache. */
    @FunctionalInterface
    interface SourceFactory {
        Source create(ServerInfo.MediaTypes types, HashCache hashes);
    }

    int run(SourceFactory sourceFor, String sourceDescription) throws InterruptedException, java.io.IOException {
        Memory.watchCollections();
        if (o.concurrency < 0 || o.idleTimeout < 1 || o.retries < 0 || o.progressInterval < 1) {
            throw new IllegalArgumentException("--concurrency must be 0 or more, --idle-timeout and --progress-interval 1 or more, "
                    + "--retries 0 or more");
        }
        ServerAddress address = ServerAddress.parse(o.server(env));
        Http.Settings http = new Http.Settings(Duration.ofSeconds(o.idleTimeout),
                new RetryPolicy(o.retries + 1, Duration.ofMillis(500), Duration.ofSeconds(30)));
        CacheDir cache = o.cacheDir != null ? new CacheDir(o.cacheDir) : CacheDir.defaultFor(env);
        try (ApiClient api = ApiClient.open(address, o.apiKey(env), http)) {
            ServerInfo info = api.connect();
            err.println("server: " + info.describe() + " at " + address);
            String serverKey = CacheDir.serverKey(address.toString(), info.user().id());
            QueuePauser pauser = new QueuePauser(api, cache.ensure("paused"), serverKey, this::note);
            if (!o.dryRun) {
                pauser.recoverLeftOver();
            }
            try (HashCache hashes = HashCache.open(cache.ensure());
                 Journal journal = Journal.open(cache.ensure("journals").resolve(CacheDir.userKey(info.user().id()) + ".v1"));
                 Source source = sourceFor.create(info.mediaTypes(), hashes)) {
                return upload(api, info, pauser, source, hashes, journal, sourceDescription);
            }
        }
    }

    private int upload(ApiClient api, ServerInfo info, QueuePauser pauser, Source source, HashCache hashes, Journal journal,
                       String sourceDescription) throws InterruptedException {
        RunReport report = new RunReport();
        AtomicReference<Progress> progress = new AtomicReference<>();
        UploadListener toDisplay = e -> {
            Progress p = progress.get();
            if (p != null) {
                p.on(e);
            }
        };
        UploadPipeline.Settings settings = UploadPipeline.Settings.defaults()
                .withConcurrency(o.concurrency > 0 ? ConcurrencyLimiter.Settings.fixed(o.concurrency)
                        : ConcurrencyLimiter.Settings.adaptiveForThisMachine())
                .withOnErrors(o.onErrors).withDryRun(o.dryRun).withSyncMetadata(o.syncMetadata).withZone(o.zone());
        UploadPipeline pipeline = new UploadPipeline(api, settings, hashes, journal, UploadListener.all(report, toDisplay));

        QueuePause pause = o.dryRun ? new QueuePause.None("dry run") : pauser.pause(
                new QueuePauser.Settings(o.pauseJobs, QueuePauser.holderName(), o.pauseLeaseTtl));
        note(pause.describe());
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            // Ctrl-C or a TERM signal: stop taking files, let the ones in flight end, give the queues back.
            if (finished.getCount() > 0) {
                pipeline.stop("interrupted");
                try {
                    finished.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // shutting down anyway
                }
            }
            pause.close();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        Optional<QueueWatch> watch = QueueWatch.start(api, Duration.ofSeconds(2), this::note);
        try {
            return uploadWatched(api, info, pipeline, pause, watch, source, report, progress, sourceDescription);
        } finally {
            // Also when the pipeline fails: the watch stops before the client closes, and the hook
            // (which would wait for files in flight that are not) is not left to run at exit.
            watch.ifPresent(QueueWatch::close);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it gives the queues back
            }
        }
    }

    private int uploadWatched(ApiClient api, ServerInfo info, UploadPipeline pipeline, QueuePause pause,
                              Optional<QueueWatch> watch, Source source, RunReport report, AtomicReference<Progress> progress,
                              String sourceDescription) throws InterruptedException {
        UploadPipeline.Result result;
        // Time from the process's start to the first file: the fixed cost of a run (JVM, connecting, pausing).
        double beforeUpload = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        try {
            boolean live = !o.noUi && Progress.terminal();
            try (Progress p = Progress.start(err, live, Duration.ofSeconds(o.progressInterval), o.verbose,
                    () -> new Progress.Status(pipeline.tally().counts(), pipeline.bytesSent(), pipeline.limiter().inFlight(),
                            pipeline.limiter().limit(), watch.flatMap(QueueWatch::latest)))) {
                progress.set(p);
                result = pipeline.run(source);
                progress.set(null);
            }
        } finally {
            pause.close();
            if (!pause.queues().isEmpty()) {
                note("resumed " + String.join(", ", pause.queues()));
            }
        }
        try {
            if (o.waitForJobs && watch.isPresent() && !o.dryRun) {
                note("waiting for the server's queues to drain (Ctrl-C stops waiting; the server keeps working)");
                watch.get().awaitDrained(s -> err.println("server jobs: " + s.active() + " active, " + s.waiting() + " waiting"
                        + s.eta().map(d -> ", ETA " + Format.duration(d)).orElse("") + " (" + s.busyQueues() + ")"));
                note("the server's queues are drained");
            } else if (o.waitForJobs && watch.isEmpty()) {
                note("--wait-for-jobs needs an admin's API key to see the queues");
            }
        } finally {
            watch.ifPresent(QueueWatch::close);
        }
        report.printSummary(out, result, o.dryRun);
        if (o.report != null) {
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("server", api.http().address().toString());
            about.put("serverKind", info.kind().toString());
            about.put("serverVersion", info.version().toString());
            about.put("source", sourceDescription);
            about.put("dryRun", o.dryRun);
            about.put("pause", pause.describe());
            about.put("secondsBeforeUpload", beforeUpload);
            about.put("processSeconds", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
            report.write(o.report, result, about);
            out.println("Report written to " + o.report);
        }
        if (!result.complete()) {
            return STOPPED;
        }
        return result.counts().failed() > 0 ? FILES_FAILED : OK;
    }

    private void note(String message) {
        err.println(message);
    }
}
