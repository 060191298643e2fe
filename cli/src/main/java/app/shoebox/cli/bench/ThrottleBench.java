package app.shoebox.cli.bench;

import app.shoebox.jobs.JobSchema;
import app.shoebox.jobs.QueueAdmin;
import app.shoebox.jobs.QueueCounts;
import app.shoebox.cli.serve.ServeCommand;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.storage.StorageTemplate;
import app.shoebox.server.worker.WorkerSupervisor;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.server.db.EmbeddedDatabase;
import app.shoebox.server.db.LibraryLock;
import app.shoebox.server.throttle.LoadThrottle;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code shoebox bench throttle}: what the load throttle does for a person browsing during an import.
 * For each setting (off first, the anchor; then on), on a fresh library and embedded database with
 * the server working its jobs: a few photos are uploaded and processed, the API's reads are timed
 * while nothing else happens (idle), then the import is uploaded by several clients while readers
 * keep reading, and the reads are timed again until the uploads end, then apart while the jobs
 * work through the import, and once more idle on the catalogue the import left. The import counts
 * until its last job is done (uploaded, metadata read, thumbnails made, duplicates checked). The
 * reads run once untimed first, so neither setting's figures include the JIT's warm-up.
 */
@Command(name = "throttle", mixinStandardHelpOptions = true,
        description = "Measure API read latency during an import with the load throttle off and on, in the same run.")
public final class ThrottleBench implements Callable<Integer> {

    @Option(names = "--files", defaultValue = "2000", description = "Photos in the import (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--width", defaultValue = "4000", description = "Photo width in pixels (default ${DEFAULT-VALUE}: 12 MP with the height).")
    int width;

    @Option(names = "--height", defaultValue = "3000", description = "Photo height in pixels (default ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--distinct", defaultValue = "40",
            description = "Different pictures generated (default ${DEFAULT-VALUE}); the import repeats them, each copy with bytes of its own "
                    + "after the image, so every upload is a new asset.")
    int distinct;

    @Option(names = "--clients", defaultValue = "4", description = "Uploads at once (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--readers", defaultValue = "2", description = "Readers browsing at once (default ${DEFAULT-VALUE}).")
    int readers;

    @Option(names = "--idle-seconds", defaultValue = "15", description = "How long reads are timed on the idle server (default ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = "--worker", defaultValue = "process",
            description = "process (as serve runs its jobs: one supervised worker process, niced as serve starts it) or "
                    + "in-process (the jobs in the server's own JVM); default ${DEFAULT-VALUE}.")
    String worker;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Read latencies and times of one setting. */
    private record Result(List<Long> idle, List<Long> during, List<Long> jobs, List<Long> idleAfter, double uploadSeconds,
                          double importSeconds) {}

    @Override
    public Integer call() throws Exception {
        if (!worker.equals("process") && !worker.equals("in-process")) {
            throw new IllegalArgumentException("--worker must be process or in-process, got '" + worker + "'");
        }
        if (files < 1 || distinct < 1 || clients < 1 || readers < 1 || idleSeconds < 1 || width < 16 || height < 16) {
            throw new IllegalArgumentException("--files, --distinct, --clients, --readers and --idle-seconds must be positive, "
                    + "--width and --height at least 16");
        }
        System.out.printf("generating %d %dx%d JPEGs...%n", distinct, width, height);
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            pictures.add(DurabilityBench.jpeg(i, width, height));
        }
        double megabytes = (double) files * pictures.stream().mapToLong(b -> b.length).sum() / distinct / 1e6;
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("files", String.valueOf(files));
        figures.put("worker", worker);
        figures.put("megabytes", String.format(Locale.ROOT, "%.0f", megabytes));
        figures.put("megapixels", String.format(Locale.ROOT, "%.1f", width * height / 1e6));
        figures.put("loadavg_start", DurabilityBench.loadAverage());
        System.out.printf("import: %d photos, about %.0f MB; %d upload clients, %d readers; load %s%n", files, megabytes, clients,
                readers, DurabilityBench.loadAverage());
        Map<String, Result> results = new LinkedHashMap<>();
        results.put("off", run(LoadThrottle.Settings.OFF, pictures));
        results.put("on", run(LoadThrottle.Settings.DEFAULT, pictures));
        for (var e : results.entrySet()) {
            Result r = e.getValue();
            for (double q : new double[] {0.5, 0.95, 0.99}) {
                String name = "p" + (int) Math.round(q * 100);
                figures.put("idle_read_" + name + "_ms_" + e.getKey(), ms(percentile(r.idle(), q)));
                figures.put("import_read_" + name + "_ms_" + e.getKey(), ms(percentile(r.during(), q)));
            }
            figures.put("reads_during_import_" + e.getKey(), String.valueOf(r.during().size()));
            figures.put("upload_s_" + e.getKey(), DurabilityBench.fmt(r.uploadSeconds()));
            figures.put("import_s_" + e.getKey(), DurabilityBench.fmt(r.importSeconds()));
            figures.put("import_p95_over_idle_p95_" + e.getKey(), ratio(percentile(r.during(), 0.95), percentile(r.idle(), 0.95)));
            figures.put("jobs_read_p95_ms_" + e.getKey(), ms(percentile(r.jobs(), 0.95)));
            figures.put("reads_while_jobs_ran_" + e.getKey(), String.valueOf(r.jobs().size()));
            figures.put("jobs_p95_over_idle_p95_" + e.getKey(), ratio(percentile(r.jobs(), 0.95), percentile(r.idle(), 0.95)));
            List<Long> whole = new ArrayList<>(r.during());
            whole.addAll(r.jobs());
            figures.put("whole_import_read_p95_ms_" + e.getKey(), ms(percentile(whole, 0.95)));
            figures.put("whole_import_p95_over_idle_p95_" + e.getKey(), ratio(percentile(whole, 0.95), percentile(r.idle(), 0.95)));
            figures.put("idle_after_read_p95_ms_" + e.getKey(), ms(percentile(r.idleAfter(), 0.95)));
            figures.put("whole_import_p95_over_idle_after_p95_" + e.getKey(),
                    ratio(percentile(whole, 0.95), percentile(r.idleAfter(), 0.95)));
        }
        figures.put("import_time_on_over_off", String.format(Locale.ROOT, "%.2f",
                results.get("on").importSeconds() / results.get("off").importSeconds()));
        figures.put("loadavg_end", DurabilityBench.loadAverage());
        figures.forEach((k, v) -> System.out.println(k + "=" + v));
        return 0;
    }

    private Result run(LoadThrottle.Settings throttle, List<byte[]> pictures) throws Exception {
        String name = throttle.enabled() ? "throttle on" : "throttle off";
        Path work = Files.createTempDirectory("shoebox-bench-throttle-");
        Path dbLibrary = Files.createDirectories(work.resolve("database"));
        Path library = Files.createDirectories(work.resolve("library"));
        try (LibraryLock lock = LibraryLock.acquire(dbLibrary, "bench throttle");
             EmbeddedDatabase pg = EmbeddedDatabase.start(dbLibrary, EmbeddedDatabase.Durability.DURABLE)) {
            ServerConfig config = ServerConfig.defaults(library).withBind("127.0.0.1", 0)
                    .withDatabaseUrl(Optional.of(DatabaseUrl.parse(pg.access().url(true))))
                    .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.empty(), Optional.empty(), Optional.of(DurabilityBench.KEY)))
                    .withInProcessJobs(worker.equals("in-process")).withLoadThrottle(throttle);
            try (ShoeboxServer server = ShoeboxServer.start(config);
                 ExecutorService pool = Executors.newFixedThreadPool(clients + readers);
                 AutoCloseable workers = worker.equals("process") ? WorkerSupervisor.start(WorkerSupervisor.Settings.of(
                         ServeCommand.workerCommand(library, StorageTemplate.DEFAULT), Map.of("SHOEBOX_DATABASE_URL", pg.access().url(true))))
                         : () -> { }) {
                HttpClient http = HttpClient.newHttpClient();
                if (worker.equals("process")) {
                    ImportBench.awaitWorker(server.database().jdbi());
                }
                QueueAdmin queues = QueueAdmin.create(server.database().dataSource(), JobSchema.DEFAULT);
                // something to browse: a few photos, processed
                List<String> ids = Collections.synchronizedList(new ArrayList<>());
                for (int i = 0; i < Math.min(20, pictures.size()); i++) {
                    ids.add(JSON.readTree(DurabilityBench.upload(http, server.port(), "seed-" + i + ".jpg", copy(pictures, i, -1 - i)))
                            .path("id").asText());
                }
                awaitJobsDone(queues);

                // the same reads once untimed, so the first setting's idle figures are not the JIT's
                timeReads(pool, http, server.port(), ids, Duration.ofSeconds(Math.min(5, idleSeconds)));
                List<Long> idle = timeReads(pool, http, server.port(), ids, Duration.ofSeconds(idleSeconds));
                printReads(name, "idle reads", idle);

                AtomicBoolean uploading = new AtomicBoolean(true);
                List<Long> during = Collections.synchronizedList(new ArrayList<>());
                List<Future<?>> readersDone = startReaders(pool, http, server.port(), ids, uploading, during);
                AtomicInteger next = new AtomicInteger();
                long start = System.nanoTime();
                List<Future<?>> uploads = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    uploads.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < files; i = next.getAndIncrement()) {
                            DurabilityBench.upload(http, server.port(), "import-" + i + ".jpg", copy(pictures, i, i));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : uploads) {
                    f.get();
                }
                double uploadSeconds = (System.nanoTime() - start) / 1e9;
                uploading.set(false);
                for (Future<?> f : readersDone) {
                    f.get();
                }
                // then while the jobs work through the import, until the last is done
                AtomicBoolean working = new AtomicBoolean(true);
                List<Long> jobs = Collections.synchronizedList(new ArrayList<>());
                List<Future<?>> jobReaders = startReaders(pool, http, server.port(), ids, working, jobs);
                awaitJobsDone(queues);
                double importSeconds = (System.nanoTime() - start) / 1e9;
                working.set(false);
                for (Future<?> f : jobReaders) {
                    f.get();
                }
                System.out.printf("%-13s import: uploads %.1f s, all jobs done %.1f s; reads during the uploads: %d, p50 %s ms, "
                        + "p95 %s ms, p99 %s ms%n", name, uploadSeconds, importSeconds, during.size(), ms(percentile(during, 0.5)),
                        ms(percentile(during, 0.95)), ms(percentile(during, 0.99)));
                printReads(name, "reads while the jobs ran", jobs);
                // idle again, on the catalogue the import left: timeline and search read more rows now
                List<Long> idleAfter = timeReads(pool, http, server.port(), ids, Duration.ofSeconds(idleSeconds));
                printReads(name, "idle reads after the import", idleAfter);
                return new Result(idle, List.copyOf(during), List.copyOf(jobs), idleAfter, uploadSeconds, importSeconds);
            }
        } finally {
            DurabilityBench.deleteTree(work);
        }
    }

    /** Reads for {@code duration}, as readers browsing: an asset, the timeline, a search. */
    private List<Long> timeReads(ExecutorService pool, HttpClient http, int port, List<String> ids, Duration duration)
            throws Exception {
        AtomicBoolean going = new AtomicBoolean(true);
        List<Long> out = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> done = startReaders(pool, http, port, ids, going, out);
        Thread.sleep(duration.toMillis());
        going.set(false);
        for (Future<?> f : done) {
            f.get();
        }
        return List.copyOf(out);
    }

    private List<Future<?>> startReaders(ExecutorService pool, HttpClient http, int port, List<String> ids, AtomicBoolean going,
                                         List<Long> into) {
        List<Future<?>> out = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            out.add(pool.submit(() -> {
                int n = 0;
                while (going.get()) {
                    HttpRequest request = switch (n++ % 3) {
                        case 0 -> get(port, "/api/assets/" + ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
                        case 1 -> get(port, "/api/timeline/buckets");
                        default -> HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/search/metadata"))
                                .header("x-api-key", DurabilityBench.KEY).header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"size\":50,\"withExif\":true}", StandardCharsets.UTF_8))
                                .build();
                    };
                    long t = System.nanoTime();
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - t;
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
                    }
                    into.add(took);
                    // a person scrolling: a few requests a second each
                    Thread.sleep(50);
                }
                return null;
            }));
        }
        return out;
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("x-api-key", DurabilityBench.KEY).GET().build();
    }

    /** One of the pictures with bytes of its own after the image's end: a new file to the server, the same picture to a decoder. */
    private static byte[] copy(List<byte[]> pictures, int i, int tag) {
        byte[] picture = pictures.get(Math.floorMod(i, pictures.size()));
        byte[] suffix = ("shoebox-bench-" + tag).getBytes(StandardCharsets.US_ASCII);
        byte[] out = java.util.Arrays.copyOf(picture, picture.length + suffix.length);
        System.arraycopy(suffix, 0, out, picture.length, suffix.length);
        return out;
    }

    private static void awaitJobsDone(QueueAdmin queues) throws InterruptedException {
        while (true) {
            long left = 0;
            for (QueueCounts q : queues.counts()) {
                left += q.waiting() + q.active() + q.delayed() + q.paused();
            }
            if (left == 0) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private static double percentile(List<Long> nanos, double q) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = nanos.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(sorted.size() * q) - 1))) / 1e6;
    }

    /** One line of a phase's reads: how many, and their p50, p95 and p99. */
    private static void printReads(String setting, String phase, List<Long> reads) {
        System.out.printf("%-13s %s: %d, p50 %s ms, p95 %s ms, p99 %s ms%n", setting, phase, reads.size(),
                ms(percentile(reads, 0.5)), ms(percentile(reads, 0.95)), ms(percentile(reads, 0.99)));
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f", a / b);
    }
}
