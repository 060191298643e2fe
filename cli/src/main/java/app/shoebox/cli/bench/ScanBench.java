package app.shoebox.cli.bench;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobSchema;
import app.shoebox.jobs.JobState;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.db.Database;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.server.db.EmbeddedDatabase;
import app.shoebox.server.db.LibraryLock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code shoebox bench scan}: an external library of generated files scanned by a real server
 * that works its own queues, on a fresh durable embedded PostgreSQL. Measures the walk and
 * catalogue part (metadata paused) on {@code --files} small files, the second scan of the same
 * unchanged tree, and the full pipeline on {@code --pipeline-files} real-size photos; and while the
 * big scan runs, the database connections the node holds against its budget, the API's p95 latency
 * against the same probe at idle (the anchor, measured in the same run), and the heap against the
 * heap of a scan ten times smaller.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Measure external library scans: walk and catalogue, unchanged rescan, full pipeline, and their cost to the server.")
public final class ScanBench implements Callable<Integer> {

    private static final String KEY = "scan-bench-key-0123456789abcdef0";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one node may hold: the server's pool, the job engine's fixed pool of 4, the engine's
     * listener, and the catalogue's live-event listener.
     */
    private static final int CONNECTION_BUDGET = Database.PoolSettings.defaults().maximumPoolSize() + 4 + 1 + 1;

    @Option(names = "--files", defaultValue = "100000", description = "Small files in the tree (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--pipeline-files", defaultValue = "200",
            description = "Real-size photos (1600x1200) taken through the whole pipeline (default ${DEFAULT-VALUE}).")
    int pipelineFiles;

    @Option(names = "--per-folder", defaultValue = "100", description = "Files per folder (default ${DEFAULT-VALUE}).")
    int perFolder;

    private final Map<String, String> figures = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private int port;
    /** A connection of the bench's own, outside the server's pools, to count theirs. */
    private java.sql.Connection watcher;

    @Override
    public Integer call() throws Exception {
        if (files < 10 || pipelineFiles < 1 || perFolder < 1) {
            throw new IllegalArgumentException("--files must be at least 10, --pipeline-files and --per-folder positive");
        }
        Path work = Files.createTempDirectory("shoebox-bench-scan-");
        try {
            figures.put("files", String.valueOf(files));
            figures.put("loadavg_start", loadAverage());
            System.out.printf("generating %d small files in folders of %d...%n", files, perFolder);
            Path big = tree(work.resolve("big"), files, smallJpeg());
            Path small = tree(work.resolve("small"), Math.max(1, files / 10), smallJpeg());
            System.out.printf("generating %d real-size photos...%n", pipelineFiles);
            Path photos = Files.createDirectories(work.resolve("photos"));
            for (int i = 0; i < pipelineFiles; i++) {
                Files.write(photos.resolve("photo-" + i + ".jpg"), photo(i));
            }
            run(work, big, small, photos);
        } finally {
            deleteTree(work);
        }
        figures.put("loadavg_end", loadAverage());
        figures.forEach((k, v) -> System.out.println(k + "=" + v));
        return 0;
    }

    private void run(Path work, Path big, Path small, Path photos) throws Exception {
        Path dbFolder = Files.createDirectories(work.resolve("database"));
        Path library = Files.createDirectories(work.resolve("library"));
        try (LibraryLock lock = LibraryLock.acquire(dbFolder, "bench scan");
             EmbeddedDatabase pg = EmbeddedDatabase.start(dbFolder, EmbeddedDatabase.Durability.DURABLE)) {
            DatabaseUrl url = DatabaseUrl.parse(pg.access().url(true));
            ServerConfig config = ServerConfig.defaults(library).withBind("127.0.0.1", 0).withDatabaseUrl(Optional.of(url))
                    .withStorageTemplate(Optional.empty()).withInProcessJobs(true)
                    .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.empty(), Optional.empty(), Optional.of(KEY)));
            try (ShoeboxServer server = ShoeboxServer.start(config);
                 java.sql.Connection watching = java.sql.DriverManager.getConnection(url.jdbcUrl(), url.user().orElse(null),
                         url.password().orElse(null))) {
                watcher = watching;
                port = server.port();
                Jdbi jdbi = server.database().jdbi();
                String owner = call("GET", "/api/users/me", null).get("id").asText();
                call("PUT", "/api/jobs/metadataExtraction", "{\"command\":\"pause\"}");

                System.out.println("idle API latency (anchor)...");
                double idleP95 = probe(Duration.ofSeconds(5), () -> false).p95Millis();
                figures.put("api_p95_ms_idle", fmt(idleP95));

                System.out.println("scan of the small tree (heap anchor)...");
                Sample smallScan = scan(jdbi, owner, small, Math.max(1, files / 10));
                System.out.printf("scan of the big tree (%d files, metadata paused)...%n", files);
                Sample bigScan = scan(jdbi, owner, big, files);
                figures.put("walk_catalogue_files_per_s", fmt(files / bigScan.seconds()));
                figures.put("api_p95_ms_during_scan", fmt(bigScan.p95Millis()));
                figures.put("api_p95_scan_over_idle", String.format(Locale.ROOT, "%.2f", bigScan.p95Millis() / idleP95));
                figures.put("db_connections_idle", String.valueOf(connections()));
                figures.put("db_connections_max", String.valueOf(bigScan.maxConnections()));
                figures.put("db_connections_budget", String.valueOf(CONNECTION_BUDGET));
                figures.put("heap_live_mb_max_small_scan", fmt(smallScan.maxHeapMb()));
                figures.put("heap_live_mb_max_big_scan", fmt(bigScan.maxHeapMb()));
                figures.put("heap_big_over_small", String.format(Locale.ROOT, "%.2f", bigScan.maxHeapMb() / smallScan.maxHeapMb()));

                System.out.println("second scan of the unchanged big tree...");
                long before = count(jdbi, "SELECT count(*) FROM shoebox_jobs.job WHERE kind = 'AssetExtractMetadata'");
                Sample rescan = rescan(jdbi, bigScan.libraryId());
                figures.put("rescan_unchanged_s", fmt(rescan.seconds()));
                figures.put("rescan_unchanged_files_per_s", fmt(files / rescan.seconds()));
                figures.put("rescan_metadata_jobs_queued",
                        String.valueOf(count(jdbi, "SELECT count(*) FROM shoebox_jobs.job WHERE kind = 'AssetExtractMetadata'") - before));

                // The big tree's metadata would take hours here; only the real-size photos go through the pipeline.
                JobClient.create(server.database().dataSource(), JobSchema.DEFAULT)
                        .deleteAll("metadataExtraction", Set.of(JobState.AVAILABLE));
                call("PUT", "/api/jobs/metadataExtraction", "{\"command\":\"resume\"}");
                System.out.printf("full pipeline on %d real-size photos...%n", pipelineFiles);
                long start = System.nanoTime();
                String photosLibrary = createLibrary(owner, photos);
                call("POST", "/api/libraries/" + photosLibrary + "/scan", null);
                awaitIdle(jdbi, Duration.ofHours(2));
                double seconds = (System.nanoTime() - start) / 1e9;
                long thumbnails = count(jdbi, "SELECT count(*) FROM assets WHERE library_id = '" + photosLibrary
                        + "' AND thumbnail_path IS NOT NULL");
                if (thumbnails != pipelineFiles) {
                    throw new IllegalStateException("only " + thumbnails + " of " + pipelineFiles + " photos got thumbnails");
                }
                figures.put("pipeline_files_per_s", fmt(pipelineFiles / seconds));
            }
        }
    }

    private record Sample(String libraryId, double seconds, double p95Millis, long maxConnections, double maxHeapMb) {}

    private record Probe(double p95Millis, long maxConnections, double maxHeapMb) {}

    private Sample scan(Jdbi jdbi, String owner, Path root, int expected) throws Exception {
        String id = createLibrary(owner, root);
        long start = System.nanoTime();
        call("POST", "/api/libraries/" + id + "/scan", null);
        AtomicBoolean done = new AtomicBoolean();
        Probe probe = probe(Duration.ofHours(2), () -> {
            if (!done.get() && count(jdbi, "SELECT count(*) FROM assets WHERE library_id = '" + id + "'") >= expected
                    && libraryQueueIdle(jdbi)) {
                done.set(true);
            }
            return done.get();
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  %d files in %.1f s: %.0f files/s, API p95 %.1f ms, %d connections at most, live heap %.0f MB at most%n",
                expected, seconds, expected / seconds, probe.p95Millis(), probe.maxConnections(), probe.maxHeapMb());
        return new Sample(id, seconds, probe.p95Millis(), probe.maxConnections(), probe.maxHeapMb());
    }

    private Sample rescan(Jdbi jdbi, String id) throws Exception {
        String refreshed = refreshedAt(jdbi, id);
        long start = System.nanoTime();
        call("POST", "/api/libraries/" + id + "/scan", null);
        while (true) {
            if (!refreshedAt(jdbi, id).equals(refreshed) && libraryQueueIdle(jdbi)) {
                break;
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  unchanged rescan in %.1f s%n", seconds);
        return new Sample(id, seconds, 0, 0, 0);
    }

    private static String refreshedAt(Jdbi jdbi, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT coalesce(refreshed_at::text, '') FROM libraries WHERE id = CAST(:id AS uuid)")
                .bind("id", id).mapTo(String.class).one());
    }

    private static boolean libraryQueueIdle(Jdbi jdbi) {
        return count(jdbi, "SELECT count(*) FROM shoebox_jobs.job WHERE queue = 'library' AND state IN ('available', 'running')") == 0;
    }

    /**
     * Asks {@code GET /api/users/me} (a key lookup and a user read) about 20 times a second until
     * {@code stop} says so, sampling the node's connections and this process's heap on the way.
     */
    private Probe probe(Duration limit, java.util.function.BooleanSupplier stop) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong maxConnections = new AtomicLong();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long maxHeap = 0;
        long deadline = System.nanoTime() + limit.toNanos();
        boolean timed = limit.toSeconds() < 60;
        while (System.nanoTime() < deadline && (timed || !stop.getAsBoolean())) {
            long t = System.nanoTime();
            call("GET", "/api/users/me", null);
            latencies.add(System.nanoTime() - t);
            if (latencies.size() % 100 == 1) {
                // The live heap, not the garbage between collections: one forced collection every ~5 s.
                System.gc();
                maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
            }
            maxConnections.accumulateAndGet(connections(), Math::max);
            Thread.sleep(50);
        }
        List<Long> sorted = latencies.stream().sorted().toList();
        double p95 = sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.95) - 1)) / 1e6;
        return new Probe(p95, maxConnections.get(), maxHeap / 1e6);
    }

    /** The connections to the catalogue's database now, this bench's own watching connection left out. */
    private long connections() {
        try (var st = watcher.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                     + " AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot count the database's connections: " + e.getMessage(), e);
        }
    }

    private String createLibrary(String owner, Path root) throws Exception {
        return call("POST", "/api/libraries", JSON.writeValueAsString(Map.of("ownerId", owner, "importPaths", List.of(root.toString()),
                "exclusionPatterns", List.of()))).get("id").asText();
    }

    private void awaitIdle(Jdbi jdbi, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (count(jdbi, "SELECT count(*) FROM shoebox_jobs.job WHERE state IN ('available', 'running')") > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the queues did not drain within " + limit);
            }
            Thread.sleep(100);
        }
    }

    private static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("x-api-key", KEY)
                .header("content-type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    /** {@code count} copies of one small JPEG in folders of {@code perFolder}, two levels deep. */
    private Path tree(Path root, int count, byte[] jpeg) throws IOException {
        for (int i = 0; i < count; i++) {
            int folder = i / perFolder;
            Path f = root.resolve("y" + (folder / 100)).resolve("f" + folder).resolve("img-" + i + ".jpg");
            if (i % perFolder == 0) {
                Files.createDirectories(f.getParent());
            }
            Files.write(f, jpeg);
        }
        return root;
    }

    private static byte[] smallJpeg() throws IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    /** A 1600x1200 JPEG (a gradient with some noise), different for each seed. */
    private static byte[] photo(int seed) throws IOException {
        BufferedImage image = new BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        int base = random.nextInt(0xFFFFFF);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, (((x * 255 / 1600) << 16) | ((y * 255 / 1200) << 8) | random.nextInt(64)) ^ base);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
