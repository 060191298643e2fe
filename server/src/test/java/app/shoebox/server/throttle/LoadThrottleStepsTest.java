package app.shoebox.server.throttle;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throttle's levels over time, without a clock or a database: down one level per busy look,
 * and back up one level per look once the API has been calm for the calm period.
 */
class LoadThrottleStepsTest {

    private static final long MS = 1_000_000L;

    private final LoadThrottle throttle = new LoadThrottle(LoadThrottle.Settings.DEFAULT, new ApiLoad(), () -> 0, null, "test");

    @Test
    void busyLooksStepDownOneLevelEachToOneJobAtATime() {
        assertThat(throttle.step(true, 0)).isEqualTo(1);
        assertThat(throttle.step(true, 500 * MS)).isEqualTo(2);
        assertThat(throttle.step(true, 1000 * MS)).isEqualTo(3);
        assertThat(throttle.step(true, 1500 * MS)).isEqualTo(LoadThrottle.LEVELS.length - 1);
    }

    @Test
    void afterTheCalmPeriodEveryCalmLookGivesOneLevelBack() {
        throttle.step(true, 0);
        throttle.step(true, 500 * MS);
        throttle.step(true, 1000 * MS); // last busy look: one job at a time
        for (long t = 1500; t < 4000; t += 500) {
            assertThat(throttle.step(false, t * MS)).as("calm for %d ms", t - 1000).isEqualTo(3);
        }
        assertThat(throttle.step(false, 4000 * MS)).isEqualTo(2);
        assertThat(throttle.step(false, 4500 * MS)).isEqualTo(1);
        assertThat(throttle.step(false, 5000 * MS)).isZero();
        assertThat(throttle.step(false, 5500 * MS)).isZero();
    }

    @Test
    void aBusyLookOnTheWayBackStartsTheCalmPeriodAgain() {
        throttle.step(true, 0);
        throttle.step(true, 500 * MS);
        throttle.step(true, 1000 * MS);
        throttle.step(false, 4000 * MS); // back to a quarter
        assertThat(throttle.step(true, 4500 * MS)).isEqualTo(3);
        assertThat(throttle.step(false, 7000 * MS)).as("calm for 2.5 s only").isEqualTo(3);
        assertThat(throttle.step(false, 7500 * MS)).isEqualTo(2);
    }

    /** Reads at a p95 of 300 ms make the API busy under the default 200 ms limit, not under a 500 ms one. */
    @Test
    void slowReadsAreBusyOnlyAboveTheLimitTheThrottleIsGiven() {
        ApiLoad load = new ApiLoad();
        for (int i = 0; i < 20; i++) {
            load.observe("GET", "/api/timeline/buckets", 200, Duration.ofMillis(300).toNanos());
        }
        LoadThrottle.Settings d = LoadThrottle.Settings.DEFAULT;
        LoadThrottle strict = new LoadThrottle(d, load, () -> 0, null, "test");
        LoadThrottle lenient = new LoadThrottle(new LoadThrottle.Settings(true, Duration.ofMillis(500), d.tick(), d.calm(), d.ttl()),
                load, () -> 0, null, "test");

        assertThat(strict.busy()).extracting(LoadThrottle.Busy::signal).containsExactly(LoadThrottle.Signal.READS);
        assertThat(strict.busy().getFirst().why()).isEqualTo("API reads p95 300 ms over 200 ms");
        assertThat(lenient.busy()).isEmpty();
    }
}
