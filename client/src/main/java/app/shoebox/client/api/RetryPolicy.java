package app.shoebox.client.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How transient failures are retried: exponential backoff with full jitter (a uniform delay between
 * zero and {@code min(cap, base * 2^(attempt-1))}), never shorter than a server's
 * {@code Retry-After}. Full jitter spreads the retries of many concurrent uploads that failed
 * together (a server restart) instead of bringing them back at the same instant.
 *
 * @param maxAttempts attempts in all, the first included; 1 means no retry
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (base.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= cap, got " + base + " and " + cap);
        }
    }

    /** Eight attempts over about a minute in the worst case: enough to ride out a server restart. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** The wait before attempt {@code failedAttempt + 1}. */
    public Duration delay(int failedAttempt, Optional<Duration> retryAfter) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(20, Math.max(0, failedAttempt - 1)));
        long jittered = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
        long floor = retryAfter.map(Duration::toMillis).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, Math.min(floor, cap.toMillis() * 4)));
    }

    /** Only failures a later attempt can cure: 429 (rate limited) and 5xx. Every other 4xx is final. */
    public static boolean isTransient(int status) {
        return status == 429 || status >= 500;
    }
}
