package app.shoebox.jobs;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

final class DefaultQueueAdmin implements QueueAdmin {

    private final JobStore store;
    private final Db db;

    DefaultQueueAdmin(JobStore store, DataSource dataSource) {
        this.store = store;
        this.db = new Db(dataSource);
    }

    @Override
    public void pause(String queue) {
        checkQueue(queue);
        db.tx("pause queue " + queue, c -> {
            store.pause(c, queue, ADMIN_HOLDER, Optional.empty());
            return null;
        });
    }

    @Override
    public void resume(String queue) {
        releasePause(queue, ADMIN_HOLDER);
    }

    @Override
    public void pauseLease(String queue, String holder, Duration ttl) {
        checkQueue(queue);
        checkHolder(holder);
        checkTtl(ttl);
        db.tx("pause queue " + queue + " for " + holder, c -> {
            store.pause(c, queue, holder, Optional.of(ttl));
            return null;
        });
    }

    @Override
    public boolean renewPauseLease(String queue, String holder, Duration ttl) {
        checkQueue(queue);
        checkHolder(holder);
        checkTtl(ttl);
        return db.auto("renew the pause of " + holder + " on queue " + queue, c -> store.renewPause(c, queue, holder, ttl));
    }

    @Override
    public boolean releasePause(String queue, String holder) {
        checkQueue(queue);
        checkHolder(holder);
        return db.tx("resume queue " + queue + " for " + holder, c -> store.releasePause(c, queue, holder));
    }

    @Override
    public void throttle(String queue, double fraction, String reason, String holder, Duration ttl) {
        checkQueue(queue);
        checkHolder(holder);
        checkTtl(ttl);
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("a throttle's fraction must be 0..1, got " + fraction);
        }
        db.tx("throttle queue " + queue + " for " + holder, c -> {
            store.throttle(c, queue, fraction, reason, holder, ttl);
            return null;
        });
    }

    @Override
    public boolean releaseThrottle(String queue, String holder) {
        checkQueue(queue);
        checkHolder(holder);
        return db.tx("end the throttle of queue " + queue + " for " + holder, c -> store.releaseThrottle(c, queue, holder));
    }

    @Override
    public List<Throttle> throttles() {
        return db.auto("read the throttles", store::throttles);
    }

    @Override
    public boolean isPaused(String queue) {
        checkQueue(queue);
        return db.auto("read the pause of queue " + queue, c -> store.isPaused(c, queue));
    }

    @Override
    public void setConcurrency(String queue, int concurrency) {
        checkQueue(queue);
        if (queue.equals(ALL_QUEUES) || concurrency < 0 || concurrency > 100_000) {
            throw new IllegalArgumentException("concurrency of queue '" + queue + "' must be 0..100000 on a named queue, got " + concurrency);
        }
        db.tx("set the concurrency of queue " + queue, c -> {
            store.setConcurrency(c, queue, concurrency);
            return null;
        });
    }

    @Override
    public List<Pause> pauses() {
        return db.auto("list the pauses in force", store::pauses);
    }

    @Override
    public List<QueueCounts> counts() {
        return db.auto("count jobs", c -> {
            Map<String, JobStore.RawCounts> raw = store.counts(c);
            Map<String, Integer> concurrency = store.concurrency(c);
            Set<String> paused = store.pausedQueues(c);
            java.time.Instant now = store.now(c);
            Set<String> queues = new TreeSet<>(raw.keySet());
            queues.addAll(concurrency.keySet());
            paused.stream().filter(q -> !q.equals(ALL_QUEUES)).forEach(queues::add);
            List<QueueCounts> out = new ArrayList<>();
            JobStore.RawCounts empty = new JobStore.RawCounts(0, 0, 0, 0, 0, 0, Optional.empty());
            for (String q : queues) {
                JobStore.RawCounts r = raw.getOrDefault(q, empty);
                boolean isPaused = paused.contains(q) || paused.contains(ALL_QUEUES);
                Duration oldest = r.oldestWaiting().map(t -> Duration.between(t, now)).filter(d -> !d.isNegative())
                        .orElse(Duration.ZERO);
                out.add(new QueueCounts(q, isPaused, concurrency.getOrDefault(q, -1), isPaused ? 0 : r.waiting(),
                        r.active(), r.delayed(), isPaused ? r.waiting() : 0, r.failed(), r.cancelled(), r.completed(), oldest));
            }
            return out;
        });
    }

    @Override
    public int handBackUnowned() {
        return db.tx("hand back the jobs of unregistered nodes", store::handBackUnowned);
    }

    @Override
    public JobStats stats() {
        return db.auto("read the job statistics", store::stats);
    }

    private static void checkQueue(String queue) {
        if (queue == null || queue.isBlank() || queue.length() > 100) {
            throw new IllegalArgumentException("queue name '" + queue + "' is not usable: give 1 to 100 characters, or '*' for all");
        }
    }

    private static void checkHolder(String holder) {
        if (holder == null || holder.isBlank() || holder.length() > 200) {
            throw new IllegalArgumentException("pause holder '" + holder + "' is not usable: give 1 to 200 characters");
        }
    }

    private static void checkTtl(Duration ttl) {
        if (ttl == null || ttl.toMillis() < 1 || ttl.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("pause lease time to live must be between 1 ms and 30 days, got " + ttl);
        }
    }
}
