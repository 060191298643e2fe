package app.shoebox.cli.bench;

import app.shoebox.jobs.ClaimProbe;
import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.jobs.JobRequest;
import app.shoebox.jobs.JobSchema;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.server.db.EmbeddedDatabase;
import app.shoebox.server.db.PostgresBinaries;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code shoebox bench jobs}: measures the job engine against a PostgreSQL of the user's choosing
 * (an embedded one by default), in a schema of its own that it drops at the end.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "Measure the job engine: bulk insert, burn-down, transactional insert, latency, claim time, connections.")
public final class JobsBench implements Runnable {

    @Option(names = "--database-url", defaultValue = "${env:SHOEBOX_DATABASE_URL}",
            description = "PostgreSQL to measure on (postgres://user:pass@host/db or a JDBC URL). Default: an embedded one in a temp dir.")
    String databaseUrl;

    @Option(names = "--jobs", defaultValue = "100000", description = "Backlog size for bulk insert and burn-down (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--concurrency", defaultValue = "1000", description = "Jobs run at once during burn-down (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--claim-batch", defaultValue = "1000", description = "Jobs per claim statement during burn-down (default ${DEFAULT-VALUE}).")
    int claimBatch;

    @Option(names = "--claim-backlog", defaultValue = "1000000", description = "Large backlog for the claim-time figure (default ${DEFAULT-VALUE}).")
    int claimBacklog;

    @Option(names = "--latency-samples", defaultValue = "2000", description = "Jobs timed from enqueue to handler start (default ${DEFAULT-VALUE}).")
    int latencySamples;

    @Option(names = "--tx-insert-seconds", defaultValue = "5", description = "Duration of the 16-thread transactional insert (default ${DEFAULT-VALUE}).")
    int txInsertSeconds;

    @Option(names = "--pg-shared-buffers", defaultValue = "128MB",
            description = "shared_buffers of the embedded PostgreSQL (default ${DEFAULT-VALUE}, PostgreSQL's own default).")
    String sharedBuffers;

    @Option(names = "--durability", defaultValue = "DURABLE",
            description = "Durability of the embedded PostgreSQL: DURABLE (what shoebox serve runs; default) or "
                    + "UNSAFE_NO_FSYNC (fsync and synchronous commit off, as serve ran before), to measure what durability costs.")
    EmbeddedDatabase.Durability durability;

    @Option(names = "--async-claims", description = "Claims commit without waiting for their WAL flush (the engine's opt-in durableClaims(false)); reported as its own run.")
    boolean asyncClaims;

    @Option(names = "--async-commit", description = "Also burn down with synchronous_commit=off for completions (reported separately).")
    boolean asyncCommit;

    private final Map<String, String> figures = new LinkedHashMap<>();
    private boolean statements;
    private static final String APP = "shoebox-jobs-bench-node";

    @Override
    public void run() {
        if (jobs < 1 || concurrency < 1 || claimBatch < 1 || latencySamples < 1 || claimBacklog < 20_000) {
            throw new IllegalArgumentException("--jobs, --concurrency, --claim-batch and --latency-samples must be positive"
                    + " and --claim-backlog at least 20000");
        }
        EmbeddedPostgres embedded = null;
        Path tempDir = null;
        try {
            String jdbcUrl;
            String user;
            String password;
            if (databaseUrl == null || databaseUrl.isBlank()) {
                tempDir = Files.createTempDirectory("shoebox-bench-pg-");
                System.out.println("starting an embedded PostgreSQL in " + tempDir);
                embedded = EmbeddedPostgres.builder().setDataDirectory(tempDir.resolve("data")).setCleanDataDirectory(true)
                        // the programs in the user's private cache, not in a folder of /tmp others can write
                        .setOverrideWorkingDirectory(PostgresBinaries.privateCacheRoot().toFile())
                        .setServerConfig("listen_addresses", "127.0.0.1").setServerConfig("max_connections", "100")
                        .setServerConfig("shared_buffers", sharedBuffers)
                        // zonky turns durability off by default; the figures are for --durability (serve's by default)
                        .setServerConfig("fsync", durability.settings().get("fsync"))
                        .setServerConfig("synchronous_commit", durability.settings().get("synchronous_commit"))
                        .setServerConfig("full_page_writes", durability.settings().get("full_page_writes"))
                        // where the database's time goes, printed at the end (embedded only: it needs a restart)
                        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                        .setServerConfig("log_min_duration_statement", System.getProperty("bench.logSlowMs", "-1"))
                        // (the log directory goes with the temp dir unless -Dbench.keepTemp=true)
                        .setServerConfig("log_checkpoints", "on")
                        .setServerConfig("logging_collector", "on")
                        .setServerConfig("log_directory", tempDir.resolve("log").toString()).start();
                statements = true;
                jdbcUrl = embedded.getJdbcUrl("postgres", "postgres");
                user = "postgres";
                password = "postgres";
            } else {
                DatabaseUrl parsed = DatabaseUrl.parse(databaseUrl);
                jdbcUrl = parsed.jdbcUrl();
                user = parsed.user().orElse(System.getenv().getOrDefault("PGUSER", "postgres"));
                password = parsed.password().orElse(System.getenv().getOrDefault("PGPASSWORD", ""));
            }
            measure(jdbcUrl, user, password);
        } catch (IOException | SQLException | InterruptedException e) {
            throw new IllegalStateException("jobs benchmark failed: " + e.getMessage(), e);
        } finally {
            if (embedded != null) {
                try {
                    embedded.close();
                } catch (IOException e) {
                    System.err.println("could not stop the embedded PostgreSQL: " + e.getMessage());
                }
            }
            if (tempDir != null && !Boolean.getBoolean("bench.keepTemp")) {
                deleteTree(tempDir);
            }
        }
        figures.forEach((k, v) -> System.out.println(k + "=" + v));
    }

    private void measure(String jdbcUrl, String user, String password) throws SQLException, InterruptedException {
        JobSchema schema = new JobSchema("bench_jobs_" + UUID.randomUUID().toString().substring(0, 8));
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(17);
        hc.setPoolName("bench");
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            machine(ds);
            schema.migrate(ds);
            if (statements) {
                exec(ds, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                exec(ds, "SELECT pg_stat_statements_reset()");
            }
            try {
                JobClient client = JobClient.create(ds, schema);
                bulkInsertAndBurnDown(client, ds, schema, jdbcUrl, user, password, false);
                if (asyncCommit) {
                    bulkInsertAndBurnDown(client, ds, schema, jdbcUrl, user, password, true);
                }
                transactionalInsert(client, ds, schema);
                latency(client, ds, schema, jdbcUrl, user, password);
                claimTime(client, ds, schema);
                if (statements) {
                    printStatements(ds);
                }
            } finally {
                schema.drop(ds);
                System.out.println("dropped schema " + schema.name());
            }
            figures.put("loadavg_end", loadAverage());
        }
    }

    private void machine(HikariDataSource ds) throws SQLException {
        String cpu = "unknown";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException ignored) {
            // not Linux: leave unknown
        }
        String version;
        String sync;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            version = one(s, "SHOW server_version");
            figures.put("fsync", one(s, "SHOW fsync"));
            figures.put("synchronous_commit", one(s, "SHOW synchronous_commit"));
            sync = one(s, "SHOW synchronous_commit") + "/fsync=" + one(s, "SHOW fsync") + "/shared_buffers="
                    + one(s, "SHOW shared_buffers");
        }
        System.out.printf("machine: %d cpus, %s; PostgreSQL %s (synchronous_commit=%s); load %s%n",
                Runtime.getRuntime().availableProcessors(), cpu, version, sync, loadAverage());
        figures.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        figures.put("cpu_model", cpu.replace(' ', '_'));
        figures.put("postgres_version", version.split(" ")[0]);
        figures.put("loadavg_start", loadAverage());
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    private static void printStatements(HikariDataSource ds) throws SQLException {
        System.out.println("top statements by total time (pg_stat_statements):");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3), rows,"
                        + " left(regexp_replace(query, '\\s+', ' ', 'g'), 110)"
                        + " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 10")) {
            while (rs.next()) {
                System.out.printf("  %8d calls %10s ms total %9s ms mean %9d rows  %s%n", rs.getLong(1), rs.getString(2),
                        rs.getString(3), rs.getLong(4), rs.getString(5));
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(HikariDataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static void exec(HikariDataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static String withApplicationName(String jdbcUrl) {
        return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "ApplicationName=" + APP;
    }

    private static List<JobRequest> noops(String queue, int n, int from) {
        List<JobRequest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(JobRequest.builder("noop").queue(queue).args("{\"n\":" + (from + i) + "}").build());
        }
        return out;
    }

    private void bulkInsertAndBurnDown(JobClient client, HikariDataSource ds, JobSchema schema, String jdbcUrl, String user,
                                       String password, boolean async) throws InterruptedException {
        String queue = async ? "burn_async" : "burn";
        int chunk = 10_000;
        long start = System.nanoTime();
        for (int done = 0; done < jobs; done += chunk) {
            client.insertMany(noops(queue, Math.min(chunk, jobs - done), done));
        }
        double insertSeconds = (System.nanoTime() - start) / 1e9;
        if (!async) {
            report("bulk_insert_jobs_per_s", jobs, insertSeconds, "bulk insert (COPY, chunks of 10k, 1 thread)");
        }
        exec(ds, "ANALYZE " + schema.name() + ".job");

        AtomicLong maxConnections = new AtomicLong();
        try (JobEngine engine = JobEngine.builder().database(withApplicationName(jdbcUrl), user, password)
                .schema(schema.name()).nodeId(async ? "bench-async" : "bench").queue(queue, concurrency)
                .globalConcurrency(concurrency).claimBatch(claimBatch).asyncCompletionCommit(async).durableClaims(!asyncClaims)
                .handler("noop", ctx -> JobOutcome.complete()).build()) {
            long t0 = System.nanoTime();
            engine.start();
            long lastSample = 0;
            while (engine.metrics().completed() < jobs) {
                Thread.sleep(5);
                if (System.nanoTime() - lastSample > 200_000_000L) {
                    lastSample = System.nanoTime();
                    maxConnections.accumulateAndGet(count(ds, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                            + APP + "'"), Math::max);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            var m = engine.metrics();
            System.out.printf("burn-down%s: %d no-op jobs, concurrency %d, claim batch %d: %.2f s; %d claim queries (%d ms),"
                            + " %d completion batches (%d ms)%n",
                    async ? " (synchronous_commit=off for completions)" : "", jobs, concurrency, claimBatch, seconds,
                    m.claimQueries(), m.claimMillis(), m.completionBatches(), m.completionMillis());
            figures.put(async ? "work_async_commit_jobs_per_s" : "work_jobs_per_s", String.valueOf(Math.round(jobs / seconds)));
        }
        if (!async) {
            figures.put("connections_max", String.valueOf(maxConnections.get()));
            System.out.printf("connections of the node during burn-down (%d jobs at once): at most %d%n", concurrency, maxConnections.get());
        }
        exec(ds, "DELETE FROM " + schema.name() + ".job WHERE queue = '" + queue + "'");
    }

    private void transactionalInsert(JobClient client, HikariDataSource ds, JobSchema schema) throws InterruptedException {
        int threads = 16;
        AtomicLong inserted = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(txInsertSeconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    while (System.nanoTime() < deadline) {
                        client.insert(c, JobRequest.builder("noop").queue("txinsert").args("{\"asset\":1}").build());
                        c.commit();
                        inserted.incrementAndGet();
                    }
                } catch (SQLException | RuntimeException e) {
                    failure.compareAndSet(null, new IllegalStateException(e.getMessage(), e));
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        report("tx_insert_16_threads_jobs_per_s", inserted.get(), seconds,
                "single-row transactional insert, 16 threads, one commit each");
        exec(ds, "DELETE FROM " + schema.name() + ".job WHERE queue = 'txinsert'");
    }

    private void latency(JobClient client, HikariDataSource ds, JobSchema schema, String jdbcUrl, String user, String password)
            throws InterruptedException {
        Map<Long, Long> started = new ConcurrentHashMap<>();
        long[] samples = new long[latencySamples];
        // the engine's own share: from the moment the insert's commit returned to the handler's start
        long[] afterCommit = new long[latencySamples];
        try (JobEngine engine = JobEngine.builder().database(jdbcUrl, user, password).schema(schema.name()).nodeId("bench-latency").durableClaims(!asyncClaims)
                .queue("latency", 10).handler("timed", ctx -> {
                    started.put(ctx.id(), System.nanoTime());
                    return JobOutcome.complete();
                }).build().start()) {
            for (int i = -50; i < latencySamples; i++) { // the first 50 warm up
                long t0 = System.nanoTime();
                long id = client.insert(JobRequest.builder("timed").queue("latency").build()).id();
                long committed = System.nanoTime();
                Long t1;
                while ((t1 = started.get(id)) == null) {
                    LockSupport.parkNanos(20_000);
                }
                if (i >= 0) {
                    samples[i] = t1 - t0;
                    afterCommit[i] = Math.max(0, t1 - committed);
                }
                LockSupport.parkNanos(1_000_000); // let the node go idle again
            }
        }
        Arrays.sort(samples);
        double p50 = samples[(int) (samples.length * 0.50)] / 1e6;
        double p95 = samples[(int) (samples.length * 0.95)] / 1e6;
        double p99 = samples[Math.min(samples.length - 1, (int) (samples.length * 0.99))] / 1e6;
        System.out.printf("enqueue (insert+commit) to handler start, idle node, %d samples: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n",
                latencySamples, p50, p95, p99);
        figures.put("latency_p50_ms", fmt(p50));
        figures.put("latency_p95_ms", fmt(p95));
        figures.put("latency_p99_ms", fmt(p99));
        Arrays.sort(afterCommit);
        double c50 = afterCommit[(int) (afterCommit.length * 0.50)] / 1e6;
        double c99 = afterCommit[Math.min(afterCommit.length - 1, (int) (afterCommit.length * 0.99))] / 1e6;
        System.out.printf("from the insert's commit returning to handler start: p50 %.2f ms, p99 %.2f ms%n", c50, c99);
        figures.put("latency_after_commit_p50_ms", fmt(c50));
        figures.put("latency_after_commit_p99_ms", fmt(c99));
        exec(ds, "DELETE FROM " + schema.name() + ".job WHERE queue = 'latency'");
    }

    private void claimTime(JobClient client, HikariDataSource ds, JobSchema schema) {
        ClaimProbe probe = new ClaimProbe(ds, schema);
        int small = 10_000;
        client.insertMany(noops("claim", small, 0));
        exec(ds, "VACUUM ANALYZE " + schema.name() + ".job");
        double smallMs = claimMedian(probe);
        long start = System.nanoTime();
        for (int done = small; done < claimBacklog; done += 50_000) {
            client.insertMany(noops("claim", Math.min(50_000, claimBacklog - done), done));
        }
        System.out.printf("filled the claim backlog to %d in %.1f s%n", claimBacklog, (System.nanoTime() - start) / 1e9);
        exec(ds, "VACUUM ANALYZE " + schema.name() + ".job");
        double largeMs = claimMedian(probe);
        System.out.printf("claim of 100 jobs, median of 200 rolled-back claims: %.3f ms with %d waiting, %.3f ms with %d waiting%n",
                smallMs, small, largeMs, claimBacklog);
        figures.put("claim_ms_10k", fmt(smallMs));
        figures.put("claim_ms_large", fmt(largeMs));
        figures.put("claim_large_backlog", String.valueOf(claimBacklog));
    }

    private static double claimMedian(ClaimProbe probe) {
        for (int i = 0; i < 20; i++) {
            probe.timeClaimNanos("claim", 100);
        }
        long[] t = new long[200];
        for (int i = 0; i < t.length; i++) {
            t[i] = probe.timeClaimNanos("claim", 100);
        }
        Arrays.sort(t);
        return t[t.length / 2] / 1e6;
    }

    private void report(String name, long count, double seconds, String what) {
        figures.put(name, String.valueOf(Math.round(count / seconds)));
        System.out.printf("%s: %d jobs in %.2f s -> %.0f jobs/s%n", what, count, seconds, count / seconds);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
