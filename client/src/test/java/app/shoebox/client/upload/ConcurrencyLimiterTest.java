package app.shoebox.client.upload;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyLimiterTest {

    private final List<String> changes = new ArrayList<>();

    private ConcurrencyLimiter limiter(int initial, int max) {
        return new ConcurrencyLimiter(new ConcurrencyLimiter.Settings(initial, 1, max, true), (l, why) -> changes.add(l + ":" + why));
    }

    @Test
    void quickAnswersGrowTheLimitOneWindowAtATimeUpToTheMax() {
        ConcurrencyLimiter l = limiter(2, 4);
        for (int i = 0; i < 100; i++) {
            l.success(2_000_000);
        }
        assertThat(l.limit()).isEqualTo(4);
        assertThat(changes).hasSize(2);
    }

    @Test
    void anOverloadedServerHalvesItOnceUntilAWindowHasPassed() {
        ConcurrencyLimiter l = limiter(8, 16);
        l.overloaded("503");
        l.overloaded("503");
        assertThat(l.limit()).as("a burst of 503s counts once").isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            l.success(2_000_000);
        }
        l.overloaded("503");
        assertThat(l.limit()).isEqualTo(2);
    }

    @Test
    void climbingServerTimeCutsTheLimitButLoopbackNoiseDoesNot() {
        ConcurrencyLimiter l = limiter(8, 8);
        for (int i = 0; i < 20; i++) {
            l.success(1_000_000);
        }
        for (int i = 0; i < 20; i++) {
            l.success(6_000_000);
        }
        assertThat(l.limit()).as("6 ms is 6x the best, but under the 50 ms floor").isEqualTo(8);
        for (int i = 0; i < 30; i++) {
            l.success(400_000_000);
        }
        assertThat(l.limit()).isLessThan(8);
        assertThat(changes).anyMatch(c -> c.contains("server time"));
    }

    @Test
    void aFixedLimitNeverMoves() {
        ConcurrencyLimiter l = new ConcurrencyLimiter(ConcurrencyLimiter.Settings.fixed(3), (x, y) -> changes.add("moved"));
        l.overloaded("429");
        for (int i = 0; i < 100; i++) {
            l.success(1_000);
        }
        assertThat(l.limit()).isEqualTo(3);
        assertThat(changes).isEmpty();
    }

    @Test
    void acquireBlocksAtTheLimit() throws Exception {
        ConcurrencyLimiter l = new ConcurrencyLimiter(ConcurrencyLimiter.Settings.fixed(1), (x, y) -> { });
        l.acquire();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                l.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.join(200);
        assertThat(t.isAlive()).isTrue();
        l.release();
        t.join(2000);
        assertThat(t.isAlive()).isFalse();
        assertThat(l.inFlight()).isEqualTo(1);
    }
}
