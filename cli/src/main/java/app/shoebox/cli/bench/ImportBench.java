package app.shoebox.cli.bench;

import app.shoebox.cli.serve.ServeCommand;
import app.shoebox.jobs.JobSchema;
import app.shoebox.jobs.QueueAdmin;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.storage.StorageTemplate;
import app.shoebox.server.worker.WorkerSupervisor;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code shoebox bench import}: how far a whole import is from the decoding floor. N distinct
 * 12-megapixel JPEGs go by HTTP into a fresh server that runs as {@code shoebox serve} does (embedded
 * database, the default storage template, one supervised {@code shoebox worker}); the import time
 * runs from the first upload until every asset has its thumbnail and preview and no job is left
 * (metadata, storage move, thumbnails, duplicates). The floor is {@code vipsthumbnail} making the
 * same two sizes from the same files, two processes at a time, in the same run.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Time a whole import (upload, metadata, move, thumbnails, duplicates) against vipsthumbnail alone.")
public final class ImportBench implements Callable<Integer> {

    private static final String KEY = DurabilityBench.KEY;

    @Option(names = "--files", defaultValue = "150", description = "12-megapixel JPEGs imported (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--warm-up", defaultValue = "0",
            description = "Other JPEGs imported first, untimed, so the timed import meets a server and worker that have run "
                    + "a while (their JIT done) rather than fresh ones (default ${DEFAULT-VALUE}: fresh, as after a start).")
    int warmUp;

    @Option(names = "--client", defaultValue = "java",
            description = "Who uploads the timed photos: java (this benchmark's HTTP clients, --clients at once) or immich-cli "
                    + "(the official Immich CLI with its defaults, the command line in SHOEBOX_IMMICH_CLI; its CPU counts with "
                    + "the uploads'). Default ${DEFAULT-VALUE}.")
    String client;

    @Option(names = "--clients", defaultValue = "4", description = "Uploads at once (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--floor-processes", defaultValue = "2",
            description = "vipsthumbnail processes at once for the floor (default ${DEFAULT-VALUE}).")
    int floorProcesses;

    @Option(names = "--load-throttle", defaultValue = "on",
            description = "on (as serve by default: background jobs give way while uploads are in flight) or off.")
    String loadThrottle;

    @Option(names = "--timeout", defaultValue = "900", description = "Seconds to wait for the import to finish (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (files < 1 || clients < 1 || floorProcesses < 1 || warmUp < 0) {
            throw new IllegalArgumentException("--files, --clients and --floor-processes must be positive, --warm-up at least 0");
        }
        var throttle = ServeCommand.loadThrottle(loadThrottle);
        Optional<List<String>> immichCli = immichCli(client, System.getenv("SHOEBOX_IMMICH_CLI"));
        Path work = Files.createTempDirectory("shoebox-bench-import-");
        Map<String, String> figures = new LinkedHashMap<>();
        try {
            Path photos = Files.createDirectories(work.resolve("photos"));
            System.out.printf("generating %d 4000x3000 JPEGs with ffmpeg...%n", warmUp + files);
            generate(photos, warmUp + files);
            List<Path> all;
            try (var list = Files.list(photos)) {
                all = list.sorted().toList();
            }
            List<Path> warming = all.subList(0, warmUp);
            // The timed photos get a folder of their own: the Immich CLI uploads a folder.
            Path timed = Files.createDirectories(work.resolve("import"));
            List<Path> jpegs = new ArrayList<>();
            for (Path p : all.subList(warmUp, all.size())) {
                jpegs.add(Files.move(p, timed.resolve(p.getFileName())));
            }
            long bytes = 0;
            for (Path p : jpegs) {
                bytes += Files.size(p);
            }
            figures.put("files", String.valueOf(jpegs.size()));
            figures.put("megabytes", String.format(Locale.ROOT, "%.1f", bytes / 1e6));
            figures.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
            figures.put("load_throttle", throttle.enabled() ? "on" : "off");
            figures.put("warm_up_files", String.valueOf(warmUp));
            figures.put("client", immichCli.isPresent() ? "immich-cli" : "java");
            figures.put("loadavg_start", DurabilityBench.loadAverage());

            double[] imported = importAll(work.resolve("library"), warming, timed, jpegs, throttle, immichCli);
            double[] floor = vipsthumbnail(work.resolve("floor"), jpegs, figures);
            figures.put("import_seconds", String.format(Locale.ROOT, "%.2f", imported[0]));
            figures.put("vipsthumbnail_seconds", String.format(Locale.ROOT, "%.2f", floor[0]));
            figures.put("import_over_vipsthumbnail", String.format(Locale.ROOT, "%.2f", imported[0] / floor[0]));
            figures.put("first_upload_stored_seconds", String.format(Locale.ROOT, "%.2f", imported[2]));
            figures.put("import_from_first_stored_over_vipsthumbnail", String.format(Locale.ROOT, "%.2f",
                    (imported[0] - imported[2]) / floor[0]));
            figures.put("import_cpu_seconds", String.format(Locale.ROOT, "%.2f", imported[1]));
            figures.put("vipsthumbnail_cpu_seconds", String.format(Locale.ROOT, "%.2f", floor[1]));
            figures.put("import_cpu_over_vipsthumbnail_cpu", String.format(Locale.ROOT, "%.2f", imported[1] / floor[1]));
            figures.put("loadavg_end", DurabilityBench.loadAverage());
            figures.forEach((k, v) -> System.out.println(k + "=" + v));
            return 0;
        } finally {
            DurabilityBench.deleteTree(work);
        }
    }

    /** N distinct noisy test patterns (a different hue each), about as large as a phone's 12 MP JPEG. */
    private static void generate(Path dir, int n) throws IOException, InterruptedException {
        run(List.of("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=4000x3000:rate=1,hue=h=t*47:s=1+mod(t\\,3)/2,noise=alls=18:allf=t+u",
                "-frames:v", String.valueOf(n), "-q:v", "3", dir.resolve("IMG_%04d.jpg").toString()), 600);
    }

    private static String byThread(List<Map.Entry<String, Double>> threads) {
        return String.join(", ", threads.stream().filter(e -> e.getValue() >= 0.05).limit(8)
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).toList());
    }

    /**
     * Seconds from the start of the timed uploads until every asset is done and no job is left, the
     * CPU seconds the server (with the uploading clients), the worker with its exiftool processes
     * and PostgreSQL used meanwhile, and the seconds until the first photo was stored. The
     * {@code warming} files go first, untimed.
     */
    private double[] importAll(Path library, List<Path> warming, Path timed, List<Path> jpegs,
            app.shoebox.server.throttle.LoadThrottle.Settings throttle, Optional<List<String>> immichCli)
            throws Exception {
        ServerConfig config = ServerConfig.defaults(library).withBind("127.0.0.1", 0)
                .withStorageTemplate(Optional.of(StorageTemplate.parse(StorageTemplate.DEFAULT)))
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.empty(), Optional.empty(), Optional.of(KEY)))
                .withLoadThrottle(throttle);
        try (ShoeboxServer server = ShoeboxServer.start(config)) {
            WorkerSupervisor worker = WorkerSupervisor.start(WorkerSupervisor.Settings.of(
                    ServeCommand.workerCommand(library, StorageTemplate.DEFAULT),
                    Map.of("SHOEBOX_DATABASE_URL", server.database().embeddedUrl().orElseThrow())));
            try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                Jdbi jdbi = server.database().jdbi();
                awaitWorker(jdbi);
                ProcessHandle workerProcess = worker.process().orElseThrow();
                HttpClient http = HttpClient.newHttpClient();
                if (!warming.isEmpty()) {
                    long warmStart = System.nanoTime();
                    uploadAll(pool, http, server.port(), warming);
                    awaitDone(jdbi, warming.size());
                    awaitNoThrottle(QueueAdmin.create(server.database().dataSource(), JobSchema.DEFAULT));
                    System.out.printf("warm-up: %d files imported in %.2f s, untimed%n", warming.size(),
                            (System.nanoTime() - warmStart) / 1e9);
                }
                Path cliHome = library.resolveSibling("immich-cli-home");
                if (immichCli.isPresent()) {
                    loginImmichCli(immichCli.get(), server.port(), cliHome);
                }
                Optional<ProcessHandle> postgres = CpuTime.postmaster(library);
                double[] cpuBefore = {CpuTime.self(), CpuTime.tree(workerProcess), postgres.map(CpuTime::tree).orElse(0.0)};
                var workerThreadsBefore = CpuTime.threads(workerProcess);
                var serverThreadsBefore = CpuTime.threads(ProcessHandle.current());
                Instant since = jdbi.withHandle(h -> h.createQuery("SELECT now()").mapTo(Instant.class).one());
                double cliCpuBefore = CpuTime.reapedChildren();
                long start = System.nanoTime();
                if (immichCli.isPresent()) {
                    runImmichCli(immichCli.get(), cliHome, "upload", "--recursive", timed.toString());
                } else {
                    uploadAll(pool, http, server.port(), jpegs);
                }
                double uploaded = (System.nanoTime() - start) / 1e9;
                System.out.printf("uploaded %d files in %.2f s%n", jpegs.size(), uploaded);
                awaitDone(jdbi, warming.size() + jpegs.size());
                double seconds = (System.nanoTime() - start) / 1e9;
                // When the first timed photo was stored: the Immich CLI hashes every file and asks which are new first.
                double firstStored = jdbi.withHandle(h -> h.createQuery(
                                "SELECT extract(epoch FROM min(created_at) - :since) FROM assets WHERE created_at >= :since")
                        .bind("since", since).mapTo(Double.class).one());
                System.out.printf("the first photo was stored %.2f s after the start%n", firstStored);
                // The Immich CLI is a child of this JVM, reaped by now: its CPU joins this benchmark's own clients'.
                double serverCpu = CpuTime.self() - cpuBefore[0] + CpuTime.reapedChildren() - cliCpuBefore;
                double workers = CpuTime.tree(workerProcess) - cpuBefore[1];
                double database = postgres.map(CpuTime::tree).orElse(0.0) - cpuBefore[2];
                var workerThreads = CpuTime.byThreadGroup(workerThreadsBefore, CpuTime.threads(workerProcess));
                var serverThreads = CpuTime.byThreadGroup(serverThreadsBefore, CpuTime.threads(ProcessHandle.current()));
                double cpu = serverCpu + workers + database;
                System.out.printf("imported (metadata, move, thumbnails, duplicates) in %.2f s, %.1f CPU s: server and uploaders %.1f, "
                                + "worker with exiftool %.1f, PostgreSQL %s%n", seconds, cpu, serverCpu, workers,
                        postgres.isPresent() ? String.format(Locale.ROOT, "%.1f", database) : "not found, not counted");
                printSteps(jdbi, since);
                // Living threads only (libvips' own, the JIT compilers, the job threads...); exiftool is a process of its own.
                System.out.println("  worker CPU s by thread, living threads only: " + byThread(workerThreads));
                System.out.println("  server and uploaders CPU s by thread, living threads only: " + byThread(serverThreads));
                return new double[] {seconds, cpu, firstStored};
            } finally {
                worker.close();
            }
        }
    }

    private void uploadAll(ExecutorService pool, HttpClient http, int port, List<Path> jpegs) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < jpegs.size(); i = next.getAndIncrement()) {
                    Path f = jpegs.get(i);
                    DurabilityBench.upload(http, port, f.getFileName().toString(), Files.readAllBytes(f));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    /** The Immich CLI's command line when {@code --client immich-cli}, empty for this benchmark's own clients. */
    static Optional<List<String>> immichCli(String client, String fromEnvironment) {
        return switch (client) {
            case "java" -> Optional.empty();
            case "immich-cli" -> {
                if (fromEnvironment == null || fromEnvironment.isBlank()) {
                    throw new IllegalArgumentException("--client immich-cli needs SHOEBOX_IMMICH_CLI, the command line that runs "
                            + "the Immich CLI (for example \"node .../@immich/cli/dist/index.js\"; .ci/run shows how it is installed)");
                }
                yield Optional.of(List.of(fromEnvironment.trim().split("\\s+")));
            }
            default -> throw new IllegalArgumentException("--client is java or immich-cli, not '" + client + "'");
        };
    }

    /** Logs the Immich CLI in with the benchmark's key, untimed, in a home of its own so the user's login is left alone. */
    private static void loginImmichCli(List<String> cli, int port, Path home) throws Exception {
        Files.createDirectories(home);
        runImmichCli(cli, home, "login", "http://127.0.0.1:" + port + "/api", KEY);
    }

    private static void runImmichCli(List<String> cli, Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>(cli);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("IMMICH_INSTANCE_URL");
        pb.environment().remove("IMMICH_API_KEY");
        run(pb, 900, "the Immich CLI (SHOEBOX_IMMICH_CLI: " + String.join(" ", cli) + ")", "the Immich CLI's " + args[0]);
    }

    private void awaitDone(Jdbi jdbi, int assets) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!done(jdbi, assets)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the import did not finish within " + timeoutSeconds + " s");
            }
            Thread.sleep(50);
        }
    }

    /** After the warm-up, the load throttle is let go before the timed import starts, as on a server at rest. */
    private static void awaitNoThrottle(QueueAdmin queues) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!queues.throttles().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the load throttle did not end within 60 s of the warm-up");
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the worker's job node is up, so its start-up is not counted. */
    static void awaitWorker(Jdbi jdbi) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM shoebox_jobs.job_node WHERE node_id LIKE 'worker-%'")
                .mapTo(Long.class).one()) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker did not start within 120 s");
            }
            Thread.sleep(100);
        }
    }

    /** Where the time went, per step of the jobs created since {@code since}: how long they ran and waited to be claimed. */
    private static void printSteps(Jdbi jdbi, Instant since) {
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT kind, count(*) AS jobs,
                               avg(extract(epoch FROM finished_at - attempted_at)) * 1000 AS run_ms,
                               sum(extract(epoch FROM finished_at - attempted_at)) AS run_s,
                               avg(extract(epoch FROM attempted_at - created_at)) * 1000 AS wait_ms,
                               extract(epoch FROM max(finished_at) - min(created_at)) AS span_s
                        FROM shoebox_jobs.job WHERE created_at >= :since GROUP BY kind ORDER BY min(created_at)""")
                .bind("since", since)
                .mapToMap().forEach(r -> System.out.printf(Locale.ROOT,
                        "  %-32s %4d jobs, %7.1f ms each (%6.1f s in all), waited %7.1f ms, first to last %6.1f s%n",
                        r.get("kind"), ((Number) r.get("jobs")).longValue(), ((Number) r.get("run_ms")).doubleValue(),
                        ((Number) r.get("run_s")).doubleValue(), ((Number) r.get("wait_ms")).doubleValue(),
                        ((Number) r.get("span_s")).doubleValue())));
    }

    private static boolean done(Jdbi jdbi, int expected) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT (SELECT count(*) FROM assets WHERE thumbnail_path IS NOT NULL AND preview_path IS NOT NULL) = :n
                           AND NOT EXISTS (SELECT 1 FROM shoebox_jobs.job WHERE state IN ('available', 'running'))""")
                .bind("n", expected).mapTo(Boolean.class).one());
    }

    /**
     * The floor: the thumbnail (250, WebP) and the preview (1440, JPEG) of every file with
     * {@code vipsthumbnail}, one invocation per size over a share of the files, so process start-up
     * hardly counts; {@code floorProcesses} shares at once. One size after the other, so each
     * size's CPU is its own: the 250 px pass decodes with a shrink of 8 and costs far less.
     */
    private double[] vipsthumbnail(Path out, List<Path> jpegs, Map<String, String> figures) throws Exception {
        Files.createDirectories(out);
        List<List<String>> shares = new ArrayList<>();
        for (int i = 0; i < floorProcesses; i++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < jpegs.size(); i++) {
            shares.get(i % floorProcesses).add(jpegs.get(i).toString());
        }
        double cpuBefore = CpuTime.reapedChildren();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(floorProcesses)) {
            for (String[] size : new String[][] {{"250", "%s-thumbnail.webp[Q=80,strip]"}, {"1440", "%s-preview.jpeg[Q=80,strip]"}}) {
                double sizeCpuBefore = CpuTime.reapedChildren();
                List<Future<?>> futures = new ArrayList<>();
                for (List<String> share : shares) {
                    futures.add(pool.submit(() -> {
                        List<String> cmd = new ArrayList<>(List.of("vipsthumbnail", "-s", size[0], "-o", out.resolve(size[1]).toString()));
                        cmd.addAll(share);
                        run(cmd, 900);
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                figures.put("vipsthumbnail_" + size[0] + "_cpu_ms_per_file", String.format(Locale.ROOT, "%.1f",
                        (CpuTime.reapedChildren() - sizeCpuBefore) * 1000 / jpegs.size()));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = CpuTime.reapedChildren() - cpuBefore;
        System.out.printf("vipsthumbnail, %d at a time: %.2f s, %.1f CPU s (-s 250: %s, -s 1440: %s CPU ms per file)%n",
                floorProcesses, seconds, cpu, figures.get("vipsthumbnail_250_cpu_ms_per_file"),
                figures.get("vipsthumbnail_1440_cpu_ms_per_file"));
        return new double[] {seconds, cpu};
    }

    private static void run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        run(new ProcessBuilder(command), timeoutSeconds, command.getFirst() + ", which this benchmark needs,", command.getFirst());
    }

    /**
     * Runs a process to its end, its output kept for the error: {@code program} names it when it
     * cannot start, {@code step} when it fails or outlives {@code timeoutSeconds}.
     */
    static void run(ProcessBuilder pb, int timeoutSeconds, String program, String step)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("shoebox-bench-", ".out");
        try {
            Process p;
            try {
                p = pb.redirectErrorStream(true).redirectOutput(output.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException(program + " could not be started: " + e.getMessage(), e);
            }
            boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            if (!ended || p.exitValue() != 0) {
                throw new IllegalStateException(step + (ended ? " failed: " : " did not end within " + timeoutSeconds + " s: ")
                        + new String(Files.readAllBytes(output), StandardCharsets.UTF_8).strip());
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
