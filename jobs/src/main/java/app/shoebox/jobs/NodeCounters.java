package app.shoebox.jobs;

import java.util.concurrent.atomic.LongAdder;

/** The node's running totals; {@link #snapshot} turns them into the public {@link JobMetrics}. */
final class NodeCounters {
    final LongAdder claimed = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder discarded = new LongAdder();
    final LongAdder snoozed = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder rescued = new LongAdder();
    final LongAdder quarantined = new LongAdder();
    final LongAdder claimQueries = new LongAdder();
    final LongAdder completionBatches = new LongAdder();
    final LongAdder claimNanos = new LongAdder();
    final LongAdder completionNanos = new LongAdder();

    JobMetrics snapshot(String nodeId, int running) {
        return new JobMetrics(nodeId, claimed.sum(), completed.sum(), retried.sum(), failed.sum(), discarded.sum(),
                snoozed.sum(), cancelled.sum(), stale.sum(), rescued.sum(), quarantined.sum(), running,
                claimQueries.sum(), completionBatches.sum(), claimNanos.sum() / 1_000_000, completionNanos.sum() / 1_000_000);
    }

    void count(JobState written) {
        switch (written) {
            case AVAILABLE -> retried.increment();
            case FAILED -> failed.increment();
            case DISCARDED -> discarded.increment();
            case CANCELLED -> cancelled.increment();
            case COMPLETED -> completed.increment();
            default -> {
            }
        }
    }
}
