package app.shoebox.cli.serve;

import app.shoebox.server.throttle.LoadThrottle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --load-throttle on|off}, as serve and bench import read it. */
class LoadThrottleOptionTest {

    @Test
    void onAndOffInAnyCaseAndAnythingElseIsRefusedByName() {
        assertThat(ServeCommand.loadThrottle("on")).isEqualTo(LoadThrottle.Settings.DEFAULT);
        assertThat(ServeCommand.loadThrottle(" OFF ")).isEqualTo(LoadThrottle.Settings.OFF);
        assertThatThrownBy(() -> ServeCommand.loadThrottle("sometimes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--load-throttle must be on or off, got 'sometimes'");
    }
}
