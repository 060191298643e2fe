package app.shoebox.jobs;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how soon a kind of job is tried again after a failure.
 *
 * <p>Guarantee: the delay before attempt {@code n + 1} is drawn uniformly from
 * {@code [0, min(cap, base * 2^(n-1))]} (exponential backoff with full jitter, so a fleet of
 * failing jobs spreads out instead of retrying in lock step), and a job is never tried more than
 * {@code maxAttempts} times.
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofMinutes(10));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry policy max attempts must be at least 1, got " + maxAttempts);
        }
        if (base == null || base.isNegative() || cap == null || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("retry policy needs 0 <= base <= cap, got base " + base + " cap " + cap);
        }
    }

    public static RetryPolicy of(int maxAttempts, Duration base, Duration cap) {
        return new RetryPolicy(maxAttempts, base, cap);
    }

    /** The upper bound of the delay after failed attempt {@code attempt} (1-based), before jitter. */
    public Duration ceiling(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 40);
        long ms = base.toMillis();
        long grown = ms == 0 ? 0 : (ms > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : ms << shift);
        return Duration.ofMillis(Math.min(grown, cap.toMillis()));
    }

    /** A jittered delay after failed attempt {@code attempt}. */
    public Duration delayAfter(int attempt) {
        long ceiling = ceiling(attempt).toMillis();
        return Duration.ofMillis(ceiling == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
