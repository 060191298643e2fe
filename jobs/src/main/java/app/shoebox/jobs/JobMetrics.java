package app.shoebox.jobs;

/**
 * A node's counters since it started, for publishing as metrics (all monotonic except
 * {@code running}). {@code claimMillis} and {@code completionMillis} are the time spent in claim and
 * completion statements, round trips included. Guarantee: a snapshot is consistent enough to rate (each counter only grows).
 */
public record JobMetrics(String nodeId, long claimed, long completed, long retried, long failed, long discarded,
                         long snoozed, long cancelled, long staleResults, long rescued, long quarantined,
                         int running, long claimQueries, long completionBatches, long claimMillis,
                         long completionMillis) {
}
