package app.shoebox.jobs;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

/**
 * Pausing, concurrency and counts per queue; every change is persisted and seen by every node.
 *
 * <p>Guarantees: a queue is paused while any plain pause or any unexpired pause lease holds it or
 * {@link #ALL_QUEUES}; releasing one holder's pause never ends a pause another holder has; a lease
 * that is not renewed within its time to live ends by itself, even if its holder crashed.
 * A pause stops new claims; jobs already running finish.
 */
public interface QueueAdmin {

    /** The queue name that stands for every queue in pause calls. */
    String ALL_QUEUES = "*";

    /** The holder name of plain (non-lease) pauses. */
    String ADMIN_HOLDER = "admin";

    static QueueAdmin create(DataSource dataSource, JobSchema schema) {
        return new DefaultQueueAdmin(new JobStore(schema), dataSource);
    }

    /** Pauses until {@link #resume}; {@code queue} may be {@link #ALL_QUEUES}. */
    void pause(String queue);

    /** Ends the plain pause of {@code queue}; pause leases of other holders stay. */
    void resume(String queue);

    /** Takes or refreshes a pause held by {@code holder} that ends by itself after {@code ttl}. */
    void pauseLease(String queue, String holder, Duration ttl);

    /** Extends a holder's lease; false if it had already expired or was released (then it is not re-taken). */
    boolean renewPauseLease(String queue, String holder, Duration ttl);

    /** Ends the pause held by {@code holder} only. */
    boolean releasePause(String queue, String holder);

    /** True while any pause holds the queue (or all queues). */
    boolean isPaused(String queue);

    /** Sets how many jobs of {@code queue} each node runs at once (0 stops it without pausing). */
    void setConcurrency(String queue, int concurrency);

    /**
     * A pause in force: the holder ({@link #ADMIN_HOLDER} for a plain pause) and, for a lease, when
     * it ends unless renewed. {@code queue} may be {@link #ALL_QUEUES}.
     */
    record Pause(String queue, String holder, java.util.Optional<java.time.Instant> expiresAt) {}

    /** Every pause in force now, plain and leased. */
    List<Pause> pauses();

    /**
     * A load throttle in force: while it holds {@code queue} (or {@link #ALL_QUEUES}), each node
     * runs at most {@code max(1, floor(fraction * its limit))} jobs of that queue at once, and at
     * most that share of its global limit for {@link #ALL_QUEUES}. {@code reason} says why, for
     * people; it ends at {@code expiresAt} unless its holder renews it.
     */
    record Throttle(String queue, double fraction, String reason, String holder, java.time.Instant since,
                    java.time.Instant expiresAt) {}

    /**
     * Takes or renews the throttle of {@code queue} for {@code holder}, ending by itself after
     * {@code ttl}. Nodes are told at once when the fraction changes; a renewal with the same
     * fraction tells nobody. A throttle another holder has on the queue is taken over.
     */
    void throttle(String queue, double fraction, String reason, String holder, Duration ttl);

    /** Ends {@code holder}'s throttle of {@code queue}; false if it held none. */
    boolean releaseThrottle(String queue, String holder);

    /** Every throttle in force now. */
    List<Throttle> throttles();

    /** Counts for every queue that has jobs or settings. */
    List<QueueCounts> counts();

    /** What the whole fleet did: outcomes per queue and kind, handler durations per kind. */
    JobStats stats();

    /**
     * Puts jobs marked running by a node that is not registered back to waiting, their attempt
     * returned and no worker death counted: what a restored backup holds of the jobs that were
     * running when it was made. Returns how many.
     */
    int handBackUnowned();
}
