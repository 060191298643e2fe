package app.shoebox.jobs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A job node: claims jobs of its queues and runs their handlers on virtual threads.
 *
 * <p>Guarantees: the node uses a fixed number of database connections (its pool, by default 4, plus
 * one listener connection) however many jobs run; its heartbeat renews the lease of all its jobs,
 * and if the node dies they are rescued by any other node within two heartbeat periods; every
 * outcome it writes is fenced on the attempt and its lease; {@link #stop} stops claiming, lets
 * running jobs finish within a bound and hands the rest back.
 */
public final class JobEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobEngine.class);

    private final String nodeId;
    private final JobSchema schema;
    private final Db db;
    private final Optional<HikariDataSource> ownedPool;
    private final JobStore store;
    private final NodeCounters counters = new NodeCounters();
    private final StatsTally tally;
    private final Duration statsFlush;
    private final Completer completer;
    private final Worker worker;
    private final Listener listener;
    private final Rescuer rescuer;
    private final Pruner pruner;
    private final PeriodicScheduler periodic;
    private final PauseLeaseReaper pauseReaper;
    private final boolean runMaintenance;
    private final JobClient client;
    private final QueueAdmin admin;
    private Maintenance maintenance;
    private boolean started;
    private boolean stopped;

    private JobEngine(Builder b) {
        this.nodeId = b.nodeId;
        this.schema = b.schema;
        this.store = new JobStore(schema);
        this.tally = new StatsTally(store);
        this.statsFlush = b.statsFlush;
        this.ownedPool = b.dataSource == null ? Optional.of(pool(b)) : Optional.empty();
        DataSource ds = b.dataSource != null ? b.dataSource : ownedPool.orElseThrow();
        this.db = new Db(ds);
        this.client = new DefaultJobClient(store, ds);
        this.admin = new DefaultQueueAdmin(store, ds);
        this.completer = new Completer(store, db, nodeId, b.completionBatch, b.asyncCompletionCommit, counters, tally);
        Map<String, Integer> queues = b.queues.isEmpty() ? Map.of(JobRequest.DEFAULT_QUEUE, 10) : b.queues;
        this.worker = new Worker(new Worker.Config(queues, b.globalConcurrency, b.claimBatch, b.pollInterval,
                b.claimCoalesce, b.settingsRefresh, b.handlers, b.policies, b.defaultPolicy, b.durableClaims), store, db, nodeId,
                counters, tally, completer);
        Listener.ConnectionFactory listenerConnection = b.jdbcUrl != null
                ? () -> DriverManager.getConnection(b.jdbcUrl, b.user, b.password)
                : ds::getConnection;
        this.listener = new Listener(listenerConnection, store, nodeId, host(), b.heartbeat, worker::onNotification,
                worker::cancel, worker::poll);
        this.rescuer = new Rescuer(Rescuer.Config.forHeartbeat(b.heartbeat, b.poisonLimit), store, db, nodeId, counters, tally);
        this.pruner = new Pruner(b.pruner, store, db);
        this.periodic = new PeriodicScheduler(PeriodicScheduler.Config.defaults(), store, db, nodeId, b.periodic);
        this.pauseReaper = new PauseLeaseReaper(PauseLeaseReaper.Config.defaults(), store, db);
        this.runMaintenance = b.maintenance;
    }

    private static HikariDataSource pool(Builder b) {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(b.jdbcUrl);
        h.setUsername(b.user);
        h.setPassword(b.password);
        h.setPoolName("jobs-" + b.nodeId);
        h.setMaximumPoolSize(b.poolSize);
        h.setMinimumIdle(b.poolSize);
        h.setConnectionTimeout(b.connectionTimeout.toMillis());
        // the pool is created before the database may be up (restarts): connect lazily
        h.setInitializationFailTimeout(-1);
        return new HikariDataSource(h);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How long a starting node waits for its first database connection. */
    static final Duration START_WAIT = Duration.ofSeconds(30);

    /**
     * Migrates the schema, registers the node, and starts claiming and the maintenance services.
     * Waits up to 30 s for the database first. If starting fails, the node's own pool is closed.
     */
    public synchronized JobEngine start() {
        if (started || stopped) {
            throw new IllegalStateException("job node " + nodeId + " was already started");
        }
        try {
            awaitDatabase();
            schema.migrate(db.dataSource());
        } catch (RuntimeException e) {
            stopped = true;
            ownedPool.ifPresent(HikariDataSource::close);
            throw e;
        }
        started = true;
        listener.start();
        completer.start();
        worker.start();
        maintenance = new Maintenance();
        // every node, maintenance or not, adds what it did to the fleet's totals
        maintenance.every("statistics", statsFlush, () -> tally.flush(db));
        if (runMaintenance) {
            maintenance.every("rescuer", rescuer.config().interval(), rescuer::runOnce);
            maintenance.every("pruner", pruner.config().interval(), pruner::runOnce);
            maintenance.every("periodic scheduler", periodic.config().interval(), periodic::runOnce);
            maintenance.every("pause lease reaper", pauseReaper.config().interval(), pauseReaper::runOnce);
        }
        log.info("job node {} started on schema {}", nodeId, schema.name());
        return this;
    }

    /**
     * The pool connects lazily, and its connection timeout is the bound for a busy pool; a first
     * connection to a loaded database can take longer than that (measured: over 300 ms at load
     * average 20). So a starting node waits for one on its own, longer bound.
     */
    private void awaitDatabase() {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (true) {
            try (var c = db.dataSource().getConnection()) {
                return;
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new JobStoreException("job node " + nodeId + " could not reach its database within "
                            + START_WAIT.toSeconds() + " s", e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new JobStoreException("job node " + nodeId + " was interrupted while waiting for its database", e);
                }
            }
        }
    }

    /**
     * Graceful shutdown: stops claiming, waits up to {@code bound} for running jobs, hands the rest
     * back to the queue, writes pending completions, and leaves. Returns the number handed back.
     */
    public synchronized int stop(Duration bound) {
        if (!started) {
            // built but never started: only the pool (if ours) holds resources
            ownedPool.ifPresent(HikariDataSource::close);
            stopped = true;
            return 0;
        }
        if (stopped) {
            return 0;
        }
        stopped = true;
        if (maintenance != null) {
            maintenance.close();
        }
        int handedBack = worker.stop(bound);
        completer.stop(Math.max(1000, bound.toMillis()));
        try {
            tally.flush(db);
        } catch (JobStoreException e) {
            log.warn("job node {} could not add its last counts to the statistics: {}", nodeId, e.getMessage());
        }
        try {
            periodic.resign();
            db.auto("deregister node " + nodeId, c -> {
                store.deregister(c, nodeId);
                return null;
            });
        } catch (JobStoreException e) {
            log.warn("job node {} could not deregister; it will be seen as dead: {}", nodeId, e.getMessage());
        }
        listener.stop();
        ownedPool.ifPresent(HikariDataSource::close);
        JobMetrics m = metrics();
        log.info("job node {} stopped, {} jobs handed back; it claimed {} jobs in {} claim queries and completed {}", nodeId,
                handedBack, m.claimed(), m.claimQueries(), m.completed());
        return handedBack;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    public String nodeId() {
        return nodeId;
    }

    public JobSchema schema() {
        return schema;
    }

    /** A client on this node's pool. */
    public JobClient client() {
        return client;
    }

    public QueueAdmin admin() {
        return admin;
    }

    /** This node's counters, to publish as metrics. */
    public JobMetrics metrics() {
        return counters.snapshot(nodeId, worker.running());
    }

    /** How often a node renews its lease unless built otherwise. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

    /** Milliseconds since the node last renewed its heartbeat (a health check can alert on it). */
    public long millisSinceHeartbeat() {
        return listener.millisSinceHeartbeat();
    }

    // package-private: tests run the maintenance services directly
    Rescuer rescuer() {
        return rescuer;
    }

    Pruner pruner() {
        return pruner;
    }

    PeriodicScheduler periodicScheduler() {
        return periodic;
    }

    PauseLeaseReaper pauseLeaseReaper() {
        return pauseReaper;
    }

    /** Configures a {@link JobEngine}; every value has a default except the database. */
    public static final class Builder {
        private DataSource dataSource;
        private String jdbcUrl;
        private String user;
        private String password;
        private JobSchema schema = JobSchema.DEFAULT;
        private String nodeId = host() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        private final Map<String, Integer> queues = new LinkedHashMap<>();
        private final Map<String, JobHandler> handlers = new LinkedHashMap<>();
        private final Map<String, RetryPolicy> policies = new LinkedHashMap<>();
        private RetryPolicy defaultPolicy = RetryPolicy.DEFAULT;
        private final List<PeriodicJob> periodic = new ArrayList<>();
        private int globalConcurrency = 100;
        private int claimBatch = 200;
        private int completionBatch = 1000;
        private int poolSize = 4;
        private Duration connectionTimeout = Duration.ofSeconds(5);
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration claimCoalesce = Duration.ofMillis(2);
        private Duration settingsRefresh = Duration.ofSeconds(5);
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private int poisonLimit = 3;
        private Pruner.Config pruner = Pruner.Config.defaults();
        private boolean asyncCompletionCommit;
        private boolean durableClaims = true;
        private boolean maintenance = true;
        private Duration statsFlush = Duration.ofSeconds(10);

        private Builder() {
        }

        /** The node creates its own fixed pool of {@link #poolSize} connections plus one listener connection. */
        public Builder database(String jdbcUrl, String user, String password) {
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * Uses the caller's pool (its size and timeout then set the budget); unless {@link #database}
         * is also given, the listener holds one of its connections for the node's lifetime.
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        public Builder schema(String name) {
            this.schema = new JobSchema(name);
            return this;
        }

        public Builder nodeId(String nodeId) {
            if (nodeId == null || nodeId.isBlank() || nodeId.length() > 200) {
                throw new IllegalArgumentException("node id '" + nodeId + "' is not usable: give 1 to 200 characters");
            }
            this.nodeId = nodeId;
            return this;
        }

        /** Works {@code queue}, at most {@code concurrency} jobs at once unless a persisted setting overrides it. */
        public Builder queue(String queue, int concurrency) {
            if (queue == null || queue.isBlank() || queue.equals(QueueAdmin.ALL_QUEUES) || concurrency < 0) {
                throw new IllegalArgumentException("queue '" + queue + "' with concurrency " + concurrency + " is not usable");
            }
            queues.put(queue, concurrency);
            return this;
        }

        public Builder handler(String kind, JobHandler handler) {
            handlers.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        public Builder handler(String kind, JobHandler handler, RetryPolicy policy) {
            handler(kind, handler);
            policies.put(kind, Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** The policy of kinds registered without one. */
        public Builder defaultRetryPolicy(RetryPolicy policy) {
            this.defaultPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder periodic(PeriodicJob job) {
            periodic.add(Objects.requireNonNull(job, "job"));
            return this;
        }

        /** The most jobs this node runs at once over all its queues. */
        public Builder globalConcurrency(int limit) {
            this.globalConcurrency = positive("global concurrency", limit);
            return this;
        }

        /** The most jobs one claim statement takes. */
        public Builder claimBatch(int size) {
            this.claimBatch = positive("claim batch", size);
            return this;
        }

        public Builder completionBatch(int size) {
            this.completionBatch = positive("completion batch", size);
            return this;
        }

        public Builder poolSize(int size) {
            this.poolSize = positive("pool size", size);
            return this;
        }

        /** How long a caller waits for a pooled connection before a {@link JobStoreException}. */
        public Builder connectionTimeout(Duration timeout) {
            if (timeout.toMillis() < 250) {
                throw new IllegalArgumentException("connection timeout must be at least 250 ms");
            }
            this.connectionTimeout = timeout;
            return this;
        }

        /** The polling fallback when no notification arrives (delayed jobs, lost notifications). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = positive("poll interval", interval);
            return this;
        }

        /** How often the node renews its lease; its jobs are rescued within two periods after it dies. */
        public Builder heartbeat(Duration period) {
            this.heartbeat = positive("heartbeat", period);
            return this;
        }

        /** Worker deaths after which a job is quarantined. */
        public Builder poisonLimit(int deaths) {
            this.poisonLimit = positive("poison limit", deaths);
            return this;
        }

        public Builder retention(Duration completed, Duration failed) {
            this.pruner = new Pruner.Config(pruner.interval(), completed, failed, pruner.batchSize(), pruner.maxBatches());
            return this;
        }

        /** Opt-in: completions committed with {@code synchronous_commit = off}; a crash may re-run a few jobs. */
        public Builder asyncCompletionCommit(boolean enabled) {
            this.asyncCompletionCommit = enabled;
            return this;
        }

        /**
         * On by default: claims wait for their WAL flush like every other write. Opt-out
         * ({@code false}): claims commit without waiting, about 1.5 ms less from enqueue to start
         * on a slow disk; a claim lost in a database crash then only makes its job run again, and
         * every write of that attempt stays fenced. Enqueues and completions always wait for the
         * flush (unless {@link #asyncCompletionCommit}).
         */
        public Builder durableClaims(boolean durable) {
            this.durableClaims = durable;
            return this;
        }

        /** How often the node adds its outcome counts and durations to the fleet's totals ({@link JobStats}). */
        public Builder statsFlush(Duration interval) {
            this.statsFlush = positive("statistics flush interval", interval);
            return this;
        }

        /** Whether this node runs the maintenance loops (rescue, prune, periodic, pause expiry); on by default. */
        public Builder maintenance(boolean enabled) {
            this.maintenance = enabled;
            return this;
        }

        public JobEngine build() {
            if (dataSource == null && jdbcUrl == null) {
                throw new IllegalStateException("job engine needs a database: call database(url, user, password) or dataSource(ds)");
            }
            for (String kind : policies.keySet()) {
                if (!handlers.containsKey(kind)) {
                    throw new IllegalStateException("retry policy for kind '" + kind + "' has no handler");
                }
            }
            return new JobEngine(this);
        }

        private static int positive(String what, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, got " + value);
            }
            return value;
        }

        private static Duration positive(String what, Duration value) {
            if (value == null || value.toMillis() < 1) {
                throw new IllegalArgumentException(what + " must be at least 1 ms, got " + value);
            }
            return value;
        }
    }
}
