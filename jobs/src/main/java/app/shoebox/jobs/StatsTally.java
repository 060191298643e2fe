package app.shoebox.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A node's counts since its last flush, added to the fleet's totals in the database by
 * {@link #flush} (one transaction, a few statements). A failed flush keeps its counts for the next.
 * AtomicLong rather than LongAdder: a flush takes each count with {@code getAndSet(0)}, which loses
 * nothing that lands at the same moment (LongAdder's sumThenReset may).
 */
final class StatsTally {

    private record Key(String queue, String kind, JobStats.Outcome outcome) {}

    private static final class Histogram {
        final AtomicLongArray buckets = new AtomicLongArray(JobStats.DURATION_BOUNDS.length + 1);
        final AtomicLong count = new AtomicLong();
        final DoubleAdder sum = new DoubleAdder();
    }

    private final JobStore store;
    private final Map<Key, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Histogram> durations = new ConcurrentHashMap<>();

    StatsTally(JobStore store) {
        this.store = store;
    }

    void outcome(String queue, String kind, JobStats.Outcome outcome) {
        outcomes.computeIfAbsent(new Key(queue, kind, outcome), k -> new AtomicLong()).incrementAndGet();
    }

    void duration(String kind, long nanos) {
        double seconds = nanos / 1e9;
        Histogram h = durations.computeIfAbsent(kind, k -> new Histogram());
        int bucket = 0;
        while (bucket < JobStats.DURATION_BOUNDS.length && seconds > JobStats.DURATION_BOUNDS[bucket]) {
            bucket++;
        }
        h.buckets.incrementAndGet(bucket);
        h.sum.add(seconds);
        h.count.incrementAndGet();
    }

    /** Adds what was counted since the last flush to the totals; returns how many outcomes it wrote. */
    long flush(Db db) {
        List<Key> keys = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        outcomes.forEach((k, v) -> {
            long n = v.getAndSet(0);
            if (n > 0) {
                keys.add(k);
                counts.add(n);
            }
        });
        record Taken(String kind, long[] buckets, long count, double sum) {}
        List<Taken> taken = new ArrayList<>();
        durations.forEach((kind, h) -> {
            long count = h.count.getAndSet(0);
            if (count == 0) {
                return;
            }
            long[] b = new long[h.buckets.length()];
            for (int i = 0; i < b.length; i++) {
                b[i] = h.buckets.getAndSet(i, 0);
            }
            double sum = h.sum.sumThenReset();
            taken.add(new Taken(kind, b, count, sum));
        });
        if (keys.isEmpty() && taken.isEmpty()) {
            return 0;
        }
        try {
            db.tx("add this node's job counts to the totals", c -> {
                if (!keys.isEmpty()) {
                    store.addOutcomes(c, keys.stream().map(Key::queue).toList(), keys.stream().map(Key::kind).toList(),
                            keys.stream().map(k -> k.outcome().label()).toList(), counts);
                }
                for (Taken t : taken) {
                    store.addDurations(c, t.kind(), JobStats.DURATION_BOUNDS, t.buckets(), t.count(), t.sum());
                }
                return null;
            });
        } catch (RuntimeException e) {
            // keep them for the next flush
            for (int i = 0; i < keys.size(); i++) {
                outcomes.computeIfAbsent(keys.get(i), k -> new AtomicLong()).addAndGet(counts.get(i));
            }
            for (Taken t : taken) {
                Histogram h = durations.computeIfAbsent(t.kind(), k -> new Histogram());
                for (int i = 0; i < t.buckets().length; i++) {
                    h.buckets.addAndGet(i, t.buckets()[i]);
                }
                h.count.addAndGet(t.count());
                h.sum.add(t.sum());
            }
            throw e;
        }
        return counts.stream().mapToLong(Long::longValue).sum();
    }
}
