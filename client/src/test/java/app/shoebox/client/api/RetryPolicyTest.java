package app.shoebox.client.api;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void delaysAreFullJitterUnderAnExponentialCeilingCappedAtTheCap() {
        for (int attempt = 1; attempt <= 8; attempt++) {
            long ceiling = Math.min(2000, 100L << (attempt - 1));
            long max = 0;
            long min = Long.MAX_VALUE;
            for (int i = 0; i < 2000; i++) {
                long d = policy.delay(attempt, Optional.empty()).toMillis();
                assertThat(d).isBetween(0L, ceiling);
                max = Math.max(max, d);
                min = Math.min(min, d);
            }
            assertThat(max).as("spread over the whole range (attempt " + attempt + ")").isGreaterThan(ceiling * 8 / 10);
            assertThat(min).isLessThan(ceiling * 2 / 10 + 1);
        }
    }

    @Test
    void aRetryAfterIsAFloor() {
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(3))).toMillis()).isGreaterThanOrEqualTo(3000);
        }
    }

    @Test
    void onlyRateLimitsAndServerErrorsAreTransient() {
        assertThat(List.of(429, 500, 502, 503, 504)).allMatch(RetryPolicy::isTransient);
        assertThat(List.of(400, 401, 403, 404, 409, 413, 422)).noneMatch(RetryPolicy::isTransient);
    }

    @Test
    void retryAfterIsReadInSecondsOrAsAnHttpDate() {
        HttpHeaders seconds = HttpHeaders.of(Map.of("retry-after", List.of("7")), (a, b) -> true);
        assertThat(Http.retryAfter(seconds)).contains(Duration.ofSeconds(7));
        HttpHeaders bad = HttpHeaders.of(Map.of("retry-after", List.of("soon")), (a, b) -> true);
        assertThat(Http.retryAfter(bad)).isEmpty();
        HttpHeaders date = HttpHeaders.of(Map.of("retry-after", List.of("Wed, 21 Oct 2015 07:28:00 GMT")), (a, b) -> true);
        assertThat(Http.retryAfter(date)).contains(Duration.ZERO);
    }
}
