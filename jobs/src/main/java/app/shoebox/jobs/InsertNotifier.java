package app.shoebox.jobs;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides whether an insert sends a wake-up. PostgreSQL serialises the commits of all transactions
 * that sent a NOTIFY (a lock held until after the WAL flush), so a notification per insert would
 * turn concurrent enqueues into one fsync each, one after the other (measured: about 1,100
 * transactional inserts/s from 16 threads, the fsync rate of the disk). At most one notification
 * per queue per {@link #WINDOW_NANOS} leaves the other commits free to share a flush; a node that
 * was just woken keeps polling briefly ({@code Worker}'s hot window), so the jobs whose
 * notification was folded into another's still start within a few milliseconds.
 */
final class InsertNotifier {
    static final long WINDOW_NANOS = 2_000_000L;

    private final ConcurrentHashMap<String, AtomicLong> lastByQueue = new ConcurrentHashMap<>();

    /** True if this insert should notify (and records that it will). */
    boolean due(String queue) {
        AtomicLong last = lastByQueue.computeIfAbsent(queue, q -> new AtomicLong(System.nanoTime() - 2 * WINDOW_NANOS));
        long seen = last.get();
        long now = System.nanoTime();
        return now - seen >= WINDOW_NANOS && last.compareAndSet(seen, now);
    }
}
