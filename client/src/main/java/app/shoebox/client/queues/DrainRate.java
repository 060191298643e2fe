package app.shoebox.client.queues;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * How long the server's queues will take to drain, from how fast they went down over the last
 * minute. Counted from the highest reading in that minute, so the jump when paused queues are
 * resumed (or new uploads land) starts a new estimate instead of hiding the drain behind it.
 */
final class DrainRate {

    private record Sample(long nanos, long pending) {
    }

    private final Duration window;
    private final Deque<Sample> samples = new ArrayDeque<>();

    DrainRate(Duration window) {
        this.window = window;
    }

    /** A reading of the jobs not yet done, taken at {@code nanos} ({@link System#nanoTime()}). */
    void add(long nanos, long pending) {
        samples.addLast(new Sample(nanos, pending));
        while (samples.size() > 2 && nanos - samples.peekFirst().nanos() > window.toNanos()) {
            samples.removeFirst();
        }
    }

    /** Zero when nothing is left; empty until the queues have been seen going down. */
    Optional<Duration> eta() {
        Sample newest = samples.peekLast();
        if (newest == null) {
            return Optional.empty();
        }
        if (newest.pending() == 0) {
            return Optional.of(Duration.ZERO);
        }
        Sample peak = newest;
        for (Sample s : samples) {
            if (s.pending() >= peak.pending()) {
                peak = s;
            }
        }
        if (peak == newest || peak.pending() <= newest.pending()) {
            return Optional.empty();
        }
        double perNano = (double) (peak.pending() - newest.pending()) / (newest.nanos() - peak.nanos());
        return Optional.of(Duration.ofNanos((long) (newest.pending() / perNano)));
    }
}
