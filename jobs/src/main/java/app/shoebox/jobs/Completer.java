package app.shoebox.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes completions in batches: one fenced {@code UPDATE ... FROM unnest(...)} per batch, on one
 * pooled connection. Batches form by themselves: while one is written, the next accumulates, so an
 * idle node writes at once and a busy node writes hundreds per round trip. A batch that fails
 * (database down) is kept and written again, so no completion is dropped while the node lives.
 */
final class Completer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Completer.class);

    record Done(long id, int attempt, String queue, String kind) {
    }

    private final JobStore store;
    private final Db db;
    private final String nodeId;
    private final int maxBatch;
    private final boolean asyncCommit;
    private final NodeCounters counters;
    private final StatsTally tally;
    private final LinkedBlockingQueue<Done> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopping;

    Completer(JobStore store, Db db, String nodeId, int maxBatch, boolean asyncCommit, NodeCounters counters,
              StatsTally tally) {
        this.tally = tally;
        this.store = store;
        this.db = db;
        this.nodeId = nodeId;
        this.maxBatch = maxBatch;
        this.asyncCommit = asyncCommit;
        this.counters = counters;
        this.thread = new Thread(this, "jobs-completer-" + nodeId);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void add(long id, int attempt, String queue, String kind) {
        this.queue.add(new Done(id, attempt, queue, kind));
    }

    int pending() {
        return queue.size();
    }

    @Override
    public void run() {
        List<Done> batch = new ArrayList<>(maxBatch);
        long backoff = 50;
        while (true) {
            try {
                if (batch.isEmpty()) {
                    if (stopping && queue.isEmpty()) {
                        return;
                    }
                    Done first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
                queue.drainTo(batch, maxBatch - batch.size());
                write(batch);
                batch.clear();
                backoff = 50;
            } catch (InterruptedException e) {
                if (stopping && batch.isEmpty() && queue.isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                if (stopping && Thread.currentThread().isInterrupted()) {
                    return;
                }
                log.warn("job node {} could not write {} completions, retrying in {} ms: {}", nodeId, batch.size(), backoff,
                        e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    if (stopping) {
                        return;
                    }
                }
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    private void write(List<Done> batch) {
        long[] ids = new long[batch.size()];
        int[] attempts = new int[batch.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = batch.get(i).id();
            attempts[i] = batch.get(i).attempt();
        }
        long start = System.nanoTime();
        Set<Long> done = db.tx("complete " + ids.length + " jobs", c -> {
            try (Statement s = c.createStatement()) {
                // opt-in asynchronous commit: a crash may lose the last few hundred milliseconds of
                // completions (those jobs run again); never the default
                s.execute((asyncCommit ? "SET LOCAL synchronous_commit = off; " : "") + JobStore.PLAN_GUARD);
            }
            return store.completeMany(c, nodeId, ids, attempts);
        });
        counters.completionNanos.add(System.nanoTime() - start);
        counters.completionBatches.increment();
        counters.completed.add(done.size());
        for (Done d : batch) {
            if (done.contains(d.id())) {
                tally.outcome(d.queue(), d.kind(), JobStats.Outcome.COMPLETED);
            }
        }
        if (log.isDebugEnabled()) {
            log.debug("job node {} completed jobs {}", nodeId, done);
        }
        int stale = ids.length - done.size();
        if (stale > 0) {
            counters.stale.add(stale);
            log.warn("job node {}: {} completions were rejected because the jobs were rescued or cancelled meanwhile",
                    nodeId, stale);
        }
    }

    /** Writes what is queued, then stops; gives up after {@code millis}. */
    void stop(long millis) {
        stopping = true;
        try {
            thread.join(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            log.warn("job node {} stopped with {} completions unwritten; those jobs will run again", nodeId, queue.size());
        }
    }
}
