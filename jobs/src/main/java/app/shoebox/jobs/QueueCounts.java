package app.shoebox.jobs;

import java.time.Duration;

/**
 * Jobs of one queue by state. {@code waiting} can run now; {@code delayed} waits for its run time;
 * {@code paused} would run now but its queue is paused; {@code failed} counts failed, discarded and
 * quarantined jobs; {@code oldestWaiting} is the age of the oldest job that could run now;
 * {@code concurrency} is the persisted per-node limit, or -1 when none was set (each node then uses
 * the default it was built with).
 */
public record QueueCounts(String queue, boolean isPaused, int concurrency, long waiting, long active, long delayed,
                          long paused, long failed, long cancelled, long completed, Duration oldestWaiting) {
}
