package app.shoebox.jobs;

import java.time.Duration;

/**
 * Jobs of one queue by state. {@code waiting} can run now; {@code delayed} waits for its run time;
 * {@code paused} would run now but its queue is paused; {@code failed} counts failed, discarded and
 * quarantined jobs; {@code oldestWaiting} is the age of the oldest job that could run now.
 */
public record QueueCounts(String queue, boolean isPaused, int concurrency, long waiting, long active, long delayed,
                          long paused, long failed, long cancelled, long completed, Duration oldestWaiting) {
}
