package app.shoebox.cli.serve;

import app.shoebox.server.throttle.LoadThrottle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --load-throttle on|off} and {@code --load-throttle-read-p95}, as serve and bench import read them. */
class LoadThrottleOptionTest {

    @Test
    void onAndOffInAnyCaseAndAnythingElseIsRefusedByName() {
        assertThat(ServeCommand.loadThrottle("on")).isEqualTo(LoadThrottle.Settings.DEFAULT);
        assertThat(ServeCommand.loadThrottle(" OFF ")).isEqualTo(LoadThrottle.Settings.OFF);
        assertThatThrownBy(() -> ServeCommand.loadThrottle("sometimes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--load-throttle must be on or off, got 'sometimes'");
    }

    @Test
    void theReadLimitIsMillisecondsWithinReasonAndAnythingElseIsRefusedByName() {
        assertThat(ServeCommand.loadThrottle("on", "200")).isEqualTo(LoadThrottle.Settings.DEFAULT);
        LoadThrottle.Settings slowBoard = ServeCommand.loadThrottle("on", " 750 ");
        assertThat(slowBoard.enabled()).isTrue();
        assertThat(slowBoard.readP95Limit()).isEqualTo(java.time.Duration.ofMillis(750));
        assertThat(slowBoard.tick()).isEqualTo(LoadThrottle.Settings.DEFAULT.tick());
        assertThat(ServeCommand.loadThrottle("off", "750").enabled()).isFalse();
        for (String bad : new String[] {"fast", "5", "-200", "60001", "1.5", ""}) {
            assertThatThrownBy(() -> ServeCommand.loadThrottle("on", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--load-throttle-read-p95 must be a number of milliseconds from 10 to 60000, got '" + bad + "'");
        }
    }
}
