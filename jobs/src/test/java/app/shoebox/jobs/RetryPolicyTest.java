package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    private final RetryPolicy policy = RetryPolicy.of(10, Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void ceilingDoublesPerAttemptUpToTheCap() {
        assertThat(policy.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(policy.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.ceiling(1000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fullJitterSpreadsDelaysOverTheWholeRange() {
        long min = Long.MAX_VALUE, max = 0;
        for (int i = 0; i < 2000; i++) {
            long d = policy.delayAfter(4).toMillis();
            assertThat(d).isBetween(0L, 8000L);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isLessThan(1000);
        assertThat(max).isGreaterThan(7000);
    }

    @Test
    void invalidPoliciesAreRefused() {
        assertThatThrownBy(() -> RetryPolicy.of(0, Duration.ZERO, Duration.ZERO)).hasMessageContaining("max attempts");
        assertThatThrownBy(() -> RetryPolicy.of(1, Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("base <= cap");
    }
}
