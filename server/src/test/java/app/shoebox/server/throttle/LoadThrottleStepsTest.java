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
}
