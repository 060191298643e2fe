package app.shoebox.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims jobs in batches and runs each on a virtual thread. One fetch thread claims, per queue, as
 * many jobs as there are free slots (bounded by the queue's concurrency, the node's global limit
 * and the claim batch size), so no job sits claimed without running. Handlers hold no connection;
 * completions go to the {@link Completer}, other outcomes are written one by one, fenced.
 */
final class Worker {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    record Config(Map<String, Integer> queues, int globalConcurrency, int claimBatch, Duration pollInterval,
                  Duration claimCoalesce, Duration settingsRefresh, Map<String, JobHandler> handlers,
                  Map<String, RetryPolicy> policies, RetryPolicy defaultPolicy, boolean durableClaims) {
        Config {
            if (queues.isEmpty()) {
                throw new IllegalArgumentException("a job node needs at least one queue to work");
            }
            if (globalConcurrency < 1 || claimBatch < 1) {
                throw new IllegalArgumentException("global concurrency and claim batch must be at least 1");
            }
            queues = Map.copyOf(queues);
            handlers = Map.copyOf(handlers);
            policies = Map.copyOf(policies);
        }
    }

    private final Config config;
    private final JobStore store;
    private final Db db;
    private final String nodeId;
    private final NodeCounters counters;
    private final StatsTally tally;
    private final Completer completer;
    private final Signal wake = new Signal();
    private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> runningPerQueue = new HashMap<>();
    private final AtomicInteger runningTotal = new AtomicInteger();
    private final Object idle = new Object();
    private volatile Map<String, Integer> concurrency;
    /** Fractions of the load throttles in force, by queue ({@link QueueAdmin#ALL_QUEUES} for every queue). */
    private volatile Map<String, Double> throttles = Map.of();
    private volatile boolean settingsStale = true;
    private volatile boolean stopping;
    /**
     * After a queue's notification the fetcher polls that queue every {@link #HOT_POLL_MILLIS} for a
     * while: inserts close together send one notification between them ({@link InsertNotifier}), and
     * the others are found by these polls instead of waiting for the poll interval. Only the
     * notified queue is hot: the notifier folds inserts per queue, so no other queue has jobs
     * that only these polls would find. (Polling every queue measured nine claim queries per job
     * in a four-step media import on two cores, most of them empty.)
     */
    private final Map<String, Long> hotUntilNanos = new ConcurrentHashMap<>();
    /** Queues to look at on the next round: notified, or a slot of theirs came free. */
    private final Set<String> due = ConcurrentHashMap.newKeySet();
    /** Every queue to be looked at on the next round: settings changed, a global slot came free, a poll was asked for. */
    private final AtomicBoolean allDue = new AtomicBoolean(true);
    private static final long HOT_WINDOW_NANOS = 25_000_000L;
    private static final long HOT_POLL_MILLIS = 2;
    private long settingsReadAt;
    private final Thread fetcher;

    Worker(Config config, JobStore store, Db db, String nodeId, NodeCounters counters, StatsTally tally, Completer completer) {
        this.config = config;
        this.tally = tally;
        this.store = store;
        this.db = db;
        this.nodeId = nodeId;
        this.counters = counters;
        this.completer = completer;
        this.concurrency = config.queues();
        config.queues().keySet().forEach(q -> runningPerQueue.put(q, new AtomicInteger()));
        this.fetcher = new Thread(this::fetchLoop, "jobs-fetcher-" + nodeId);
        fetcher.setDaemon(true);
    }

    JobStore store() {
        return store;
    }

    Db db() {
        return db;
    }

    String nodeId() {
        return nodeId;
    }

    int running() {
        return runningTotal.get();
    }

    void start() {
        fetcher.start();
    }

    /** A notification from the listener: a queue has new jobs, a setting changed, or a job is to be cancelled. */
    void onNotification(String payload) {
        if (payload.startsWith("c:")) {
            try {
                cancel(List.of(Long.parseLong(payload.substring(2))));
            } catch (NumberFormatException e) {
                // someone else's NOTIFY on our channel: ignore it rather than drop the listener
                log.warn("job node {} ignored a malformed cancel notification '{}'", nodeId, payload);
            }
        } else if (payload.startsWith("s:")) {
            settingsStale = true;
            allDue.set(true);
            wake.signal();
        } else if (payload.startsWith("q:") && runningPerQueue.containsKey(payload.substring(2))) {
            String queue = payload.substring(2);
            hotUntilNanos.put(queue, System.nanoTime() + HOT_WINDOW_NANOS);
            due.add(queue);
            wake.signal();
        }
    }

    /** Wake up and poll: notifications may have been missed (listener reconnected). */
    void poll() {
        settingsStale = true;
        allDue.set(true);
        wake.signal();
    }

    void cancel(List<Long> ids) {
        for (long id : ids) {
            RunningJob job = running.get(id);
            if (job != null) {
                job.requestCancel();
            }
        }
    }

    private int limitOf(String queue) {
        int limit = concurrency.getOrDefault(queue, config.queues().get(queue));
        Map<String, Double> t = throttles;
        double fraction = Math.min(t.getOrDefault(queue, 1.0), t.getOrDefault(QueueAdmin.ALL_QUEUES, 1.0));
        return throttled(limit, fraction);
    }

    private int globalLimit() {
        return throttled(config.globalConcurrency(), throttles.getOrDefault(QueueAdmin.ALL_QUEUES, 1.0));
    }

    /** A throttle lowers a limit to its share, but never to 0: a throttled queue still moves. */
    static int throttled(int limit, double fraction) {
        return fraction >= 1 || limit <= 1 ? limit : Math.max(1, (int) Math.floor(limit * fraction));
    }

    /**
     * Claims until stopped. A round looks at the queues that have something new: a notification, a
     * slot of theirs come free, a hot window. Every queue is looked at after a setting changed or a
     * node-wide slot came free, after a full or deferred batch, after an error, and at least once
     * per poll interval (jobs whose time came, notifications lost).
     */
    private void fetchLoop() {
        long backoff = 50;
        Map<String, Long> lastClaim = new HashMap<>();
        long lastSweep = System.nanoTime();
        while (!stopping) {
            try {
                refreshSettings();
                boolean more = false;
                boolean deferred = false;
                long sweepAt = System.nanoTime();
                boolean everyQueue = allDue.getAndSet(false) || sweepAt - lastSweep >= config.pollInterval().toNanos();
                if (everyQueue) {
                    lastSweep = sweepAt;
                }
                for (String queue : config.queues().keySet()) {
                    boolean wanted = due.remove(queue);
                    if (!everyQueue && !wanted && !hot(queue, sweepAt)) {
                        continue;
                    }
                    int queueLimit = limitOf(queue);
                    int global = globalLimit();
                    int free = Math.min(queueLimit - runningPerQueue.get(queue).get(), global - runningTotal.get());
                    int want = Math.min(free, config.claimBatch());
                    if (want <= 0 || stopping) {
                        continue;
                    }
                    // Under load, wait a moment for a worthwhile batch instead of claiming one job
                    // per round trip; an idle node claims at once (latency), and a few ms cap the wait.
                    int worthwhile = Math.max(1, Math.min(config.claimBatch(), Math.min(queueLimit, global)) / 4);
                    long now = System.nanoTime();
                    if (want < worthwhile && runningTotal.get() > 0
                            && now - lastClaim.getOrDefault(queue, 0L) < config.claimCoalesce().toNanos()) {
                        deferred = true;
                        continue;
                    }
                    lastClaim.put(queue, now);
                    List<JobStore.Claimed> claimed = db.auto("claim jobs of queue " + queue,
                            c -> store.claim(c, nodeId, queue, want, config.durableClaims()));
                    counters.claimNanos.add(System.nanoTime() - now);
                    counters.claimQueries.increment();
                    counters.claimed.add(claimed.size());
                    for (JobStore.Claimed job : claimed) {
                        dispatch(job);
                    }
                    if (claimed.size() == want) {
                        more = true;
                    }
                }
                backoff = 50;
                if (more || deferred) {
                    allDue.set(true);
                }
                if (more) {
                    continue;
                }
                long wait = config.pollInterval().toMillis();
                if (deferred) {
                    wait = Math.min(wait, config.claimCoalesce().toMillis());
                }
                if (anyHot(System.nanoTime())) {
                    wait = Math.min(wait, HOT_POLL_MILLIS);
                }
                wake.await(Math.max(1, wait));
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
                allDue.set(true);
            } catch (RuntimeException e) {
                log.warn("job node {} could not claim, retrying in {} ms: {}", nodeId, backoff, e.getMessage());
                allDue.set(true);
                try {
                    wake.await(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    private boolean hot(String queue, long now) {
        Long until = hotUntilNanos.get(queue);
        return until != null && now - until < 0;
    }

    private boolean anyHot(long now) {
        for (long until : hotUntilNanos.values()) {
            if (now - until < 0) {
                return true;
            }
        }
        return false;
    }

    private void refreshSettings() {
        long now = System.nanoTime();
        if (settingsStale || now - settingsReadAt > config.settingsRefresh().toNanos()) {
            settingsStale = false;
            settingsReadAt = now;
            concurrency = Map.copyOf(db.auto("read queue settings", store::concurrency));
            Map<String, Double> t = new HashMap<>();
            for (QueueAdmin.Throttle th : db.auto("read the throttles", store::throttles)) {
                t.put(th.queue(), th.fraction());
            }
            throttles = Map.copyOf(t);
        }
    }

    private int maxAttemptsOf(JobStore.Claimed job) {
        return job.maxAttempts().orElse(config.policies().getOrDefault(job.kind(), config.defaultPolicy()).maxAttempts());
    }

    private void dispatch(JobStore.Claimed job) {
        RunningJob rj = new RunningJob(job, this, maxAttemptsOf(job));
        running.put(job.id(), rj);
        runningPerQueue.get(job.queue()).incrementAndGet();
        runningTotal.incrementAndGet();
        rj.thread = Thread.ofVirtual().name("job-" + job.kind() + "-" + job.id()).unstarted(() -> execute(rj));
        rj.thread.start();
    }

    private void execute(RunningJob rj) {
        JobStore.Claimed job = rj.claimed;
        JobHandler handler = config.handlers().get(job.kind());
        RetryPolicy policy = config.policies().getOrDefault(job.kind(), config.defaultPolicy());
        int maxAttempts = rj.maxAttempts();
        JobOutcome outcome;
        Optional<Throwable> thrown = Optional.empty();
        if (handler == null) {
            outcome = new JobOutcome.Retry("no handler for kind '" + job.kind() + "' on node " + nodeId
                    + " (register one on every node that works queue '" + job.queue() + "')");
        } else if (job.attempt() > maxAttempts) {
            // attempts used up by worker deaths (rescued jobs come back with their attempt counted)
            outcome = new JobOutcome.Retry("attempt " + job.attempt() + " exceeds the " + maxAttempts
                    + " allowed (earlier attempts ended with their worker's death)");
        } else {
            long started = System.nanoTime();
            try {
                outcome = handler.handle(rj);
                if (outcome == null) {
                    outcome = new JobOutcome.Retry("handler of kind '" + job.kind() + "' returned no outcome");
                }
            } catch (Throwable t) {
                thrown = Optional.of(t);
                outcome = new JobOutcome.Retry(String.valueOf(t.getMessage()));
            }
            tally.duration(job.kind(), System.nanoTime() - started);
        }
        release(rj);
        if (!rj.takeSettlement()) {
            return; // handed back at shutdown
        }
        if (rj.completedInTransaction()) {
            counters.completed.increment();
            tally.outcome(job.queue(), job.kind(), JobStats.Outcome.COMPLETED);
            log.debug("job {} {} {} completed after attempt {}", job.id(), job.kind(), job.args(), job.attempt());
            return;
        }
        if (outcome instanceof JobOutcome.Complete && !rj.cancelRequested()) {
            completer.add(job.id(), job.attempt(), job.queue(), job.kind());
            return;
        }
        settleOutcome(rj, outcome, thrown, policy, maxAttempts);
    }

    private void settleOutcome(RunningJob rj, JobOutcome outcome, Optional<Throwable> thrown, RetryPolicy policy,
                               int maxAttempts) {
        JobStore.Claimed job = rj.claimed;
        JobState state;
        Duration delay = Duration.ZERO;
        int attemptDelta = 0;
        Optional<JobStore.ErrorText> error;
        switch (outcome) {
            case JobOutcome.Complete c -> {
                // completed after a cancel request: the work is done, record it as done
                completer.add(job.id(), job.attempt(), job.queue(), job.kind());
                return;
            }
            case JobOutcome.Retry r -> {
                error = Optional.of(thrown.map(JobStore.ErrorText::of)
                        .orElseGet(() -> JobStore.ErrorText.reason("Retry", r.reason())));
                if (job.attempt() >= maxAttempts) {
                    state = JobState.FAILED;
                } else {
                    state = JobState.AVAILABLE;
                    delay = policy.delayAfter(job.attempt());
                }
            }
            case JobOutcome.Discard d -> {
                state = JobState.DISCARDED;
                error = Optional.of(JobStore.ErrorText.reason("Discard", d.reason()));
            }
            case JobOutcome.Snooze s -> {
                state = JobState.AVAILABLE;
                delay = s.delay();
                attemptDelta = -1;
                error = Optional.empty();
                counters.snoozed.increment();
            }
            case JobOutcome.Cancel c -> {
                state = JobState.CANCELLED;
                error = Optional.of(JobStore.ErrorText.reason("Cancel", c.reason()));
            }
        }
        if (rj.cancelRequested() && state != JobState.CANCELLED) {
            state = JobState.CANCELLED;
            error = Optional.of(error.orElseGet(() -> JobStore.ErrorText.reason("Cancel", "cancelled while running")));
        }
        write(job, state, delay, attemptDelta, error);
    }

    /**
     * Writes a non-completion outcome, fenced. A failure to write (database down) is retried: giving
     * up would leave the job running under a live node's lease forever. A failure on bad data
     * (SQLSTATE class 22) is never retried as is: the error is replaced by one that says so, then
     * left out, so the job always reaches its state at once.
     */
    private void write(JobStore.Claimed job, JobState state, Duration delay, int attemptDelta,
                       Optional<JobStore.ErrorText> error) {
        long backoff = 50;
        Optional<JobStore.ErrorText> recorded = error;
        while (true) {
            Optional<JobStore.ErrorText> attemptError = recorded;
            try {
                Optional<JobState> written = db.auto("record the outcome of job " + job.id(),
                        c -> store.settle(c, nodeId, job.id(), job.attempt(), state, delay, attemptDelta, attemptError));
                if (written.isEmpty()) {
                    counters.stale.increment();
                    log.warn("job {} attempt {}: outcome {} rejected, the job was rescued or retried elsewhere",
                            job.id(), job.attempt(), state);
                } else {
                    if (attemptDelta == 0) {
                        counters.count(written.get());
                        tally.outcome(job.queue(), job.kind(), JobStats.Outcome.of(written.get()));
                    } else {
                        tally.outcome(job.queue(), job.kind(), JobStats.Outcome.SNOOZED);
                    }
                    logOutcome(job, written.get(), attemptError);
                }
                return;
            } catch (JobStoreException e) {
                if (e.badData() && recorded.isPresent()) {
                    // First the placeholder (the error's class, none of its text), then no error at all.
                    String sqlState = e.sqlState().orElse("22000");
                    boolean placeholder = recorded.get() == error.orElse(null);
                    log.warn("job {} attempt {}: the database refused its error as bad data (SQLSTATE {}); recording {}."
                                    + " The error was: {}", job.id(), job.attempt(), sqlState,
                            placeholder ? "a placeholder instead" : "the outcome without it",
                            error.map(JobStore.ErrorText::message).orElse(""));
                    recorded = placeholder ? Optional.of(recorded.get().unstorable(sqlState)) : Optional.empty();
                    continue;
                }
                if (e.badData()) {
                    // Nothing of ours left to leave out: the statement itself is refused. Retrying
                    // cannot help; the job stays running until this node stops and it is rescued.
                    log.error("job {} attempt {}: outcome {} cannot be written (SQLSTATE {}); giving up: {}",
                            job.id(), job.attempt(), state, e.sqlState().orElse("?"), e.getMessage());
                    return;
                }
                if (stopping && backoff >= 2000) {
                    log.warn("job {} outcome {} not written before shutdown; it will be rescued: {}", job.id(), state, e.getMessage());
                    return;
                }
                log.warn("job {}: could not record outcome {}, retrying in {} ms: {}", job.id(), state, backoff, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    /**
     * The engine's log line for an outcome: at debug level, since the handler knows what the job
     * was about and says so in its own words; a job that failed without its handler (no handler
     * here, attempts used up by worker deaths) has nobody else to report it, so that is a warning.
     */
    private void logOutcome(JobStore.Claimed job, JobState written, Optional<JobStore.ErrorText> error) {
        boolean handled = config.handlers().containsKey(job.kind()) && job.attempt() <= maxAttemptsOf(job);
        if (!handled && written.finished()) {
            log.warn("job {} {} {} {} after attempt {}: {}", job.id(), job.kind(), job.args(), written.sql(), job.attempt(),
                    error.map(JobStore.ErrorText::message).orElse(""));
        } else if (log.isDebugEnabled()) {
            log.debug("job {} {} {} {} after attempt {}{}", job.id(), job.kind(), job.args(), written.sql(), job.attempt(),
                    error.map(e -> ": " + e.message()).orElse(""));
        }
    }

    private void release(RunningJob rj) {
        running.remove(rj.id());
        int queueRunning = runningPerQueue.get(rj.queue()).decrementAndGet();
        int total = runningTotal.decrementAndGet();
        // wake the fetcher when a worthwhile number of slots is free, not on every finish
        int queueLimit = limitOf(rj.queue());
        int global = globalLimit();
        int worthwhile = Math.max(1, Math.min(config.claimBatch(), Math.min(queueLimit, global)) / 4);
        if (global - total == worthwhile) {
            // the node's limit may have held other queues back
            allDue.set(true);
            wake.signal();
        } else if (total == 0 || queueLimit - queueRunning == worthwhile) {
            due.add(rj.queue());
            wake.signal();
        }
        if (total == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /**
     * Graceful stop: claim nothing more, wait up to {@code bound} for running handlers, then
     * interrupt the rest and hand their jobs back (attempt returned, no worker death counted).
     * Returns how many jobs were handed back.
     */
    int stop(Duration bound) {
        stopping = true;
        wake.signal();
        fetcher.interrupt();
        try {
            fetcher.join(5000);
            long deadline = System.nanoTime() + bound.toNanos();
            synchronized (idle) {
                while (runningTotal.get() > 0) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    idle.wait(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<RunningJob> left = new ArrayList<>(running.values());
        int handedBack = 0;
        for (RunningJob rj : left) {
            if (rj.takeSettlement()) {
                Thread t = rj.thread;
                if (t != null) {
                    t.interrupt();
                }
                try {
                    Optional<JobState> s = db.auto("hand back job " + rj.id(), c -> store.settle(c, nodeId, rj.id(),
                            rj.attempt(), JobState.AVAILABLE, Duration.ZERO, -1, Optional.empty()));
                    if (s.isPresent()) {
                        handedBack++;
                    }
                } catch (JobStoreException e) {
                    log.warn("job {} could not be handed back; it will be rescued: {}", rj.id(), e.getMessage());
                }
            }
        }
        return handedBack;
    }
}
