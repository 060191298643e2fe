package app.shoebox.server.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

    static final class Clock implements InstantSource {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final Clock clock = new Clock();
    final LoginThrottle throttle = new LoginThrottle(LoginThrottle.Settings.DEFAULT, clock);

    private Duration waitFor(String address, String account) {
        return throttle.check(address, account) instanceof LoginThrottle.Decision.Throttled t ? t.retryAfter() : Duration.ZERO;
    }

    @Test
    void anAccountIsLockedAfterFiveFailuresWithALockThatDoublesUpToFifteenMinutes() {
        for (int i = 1; i <= 4; i++) {
            throttle.failed("10.0.0." + i, "alice@example.com");
            assertThat(waitFor("10.0.0.99", "alice@example.com")).as("after %d failures", i).isZero();
        }
        throttle.failed("10.0.0.5", "Alice@Example.com ");
        assertThat(waitFor("10.0.0.99", "alice@example.com")).as("case and spaces do not make another account")
                .isEqualTo(Duration.ofSeconds(30));

        Duration expected = Duration.ofSeconds(30);
        for (int i = 0; i < 8; i++) {
            clock.advance(waitFor("10.0.0.99", "alice@example.com"));
            assertThat(waitFor("10.0.0.99", "alice@example.com")).isZero();
            throttle.failed("10.0.1." + i, "alice@example.com");
            expected = expected.multipliedBy(2).compareTo(Duration.ofMinutes(15)) > 0 ? Duration.ofMinutes(15) : expected.multipliedBy(2);
            assertThat(waitFor("10.0.0.99", "alice@example.com")).isEqualTo(expected);
        }
        assertThat(expected).isEqualTo(Duration.ofMinutes(15));
        assertThat(waitFor("10.0.0.99", "bob@example.com")).as("other accounts are not locked").isZero();
    }

    @Test
    void anAddressIsLockedAfterTenFailuresAcrossAccounts() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("192.0.2.7", "user" + i + "@example.com");
        }
        assertThat(waitFor("192.0.2.7", "someone-new@example.com")).isEqualTo(Duration.ofSeconds(30));
        assertThat(waitFor("192.0.2.8", "someone-new@example.com")).isZero();
    }

    @Test
    void aSuccessClearsTheAccountAndTheAddress() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("192.0.2.7", "alice@example.com");
        }
        throttle.succeeded("192.0.2.7", "alice@example.com");
        throttle.failed("192.0.2.7", "alice@example.com");
        assertThat(waitFor("192.0.2.7", "alice@example.com")).as("counting starts again at one").isZero();
    }

    @Test
    void failuresAreForgottenAfterAnHourWithoutOne() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("192.0.2.7", "alice@example.com");
        }
        clock.advance(Duration.ofMinutes(61));
        throttle.failed("192.0.2.7", "alice@example.com");
        assertThat(waitFor("192.0.2.7", "alice@example.com")).isZero();
    }

    @Test
    void retryAfterIsRoundedUpToWholeSeconds() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("192.0.2.7", "alice@example.com");
        }
        clock.advance(Duration.ofMillis(29_001));
        assertThat(waitFor("192.0.2.7", "alice@example.com")).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void itRemembersAtMostMaxTrackedKeysOfEachKind() {
        LoginThrottle small = new LoginThrottle(new LoginThrottle.Settings(1, 1, Duration.ofSeconds(30), Duration.ofMinutes(15),
                Duration.ofHours(1), 3), clock);
        small.failed("a", "1@x");
        for (int i = 2; i <= 4; i++) {
            small.failed("a" + i, i + "@x");
        }
        assertThat(small.check("fresh", "1@x")).as("the oldest account was dropped").isInstanceOf(LoginThrottle.Decision.Allowed.class);
        assertThat(small.check("fresh", "4@x")).isInstanceOf(LoginThrottle.Decision.Throttled.class);
    }
}
