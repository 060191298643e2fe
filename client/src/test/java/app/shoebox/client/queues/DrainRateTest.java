package app.shoebox.client.queues;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DrainRateTest {

    private static final long S = 1_000_000_000L;

    @Test
    void queuesGoingDownGiveTheTimeLeftAtTheirRate() {
        DrainRate d = new DrainRate(Duration.ofSeconds(60));
        d.add(0, 1000);
        assertThat(d.eta()).as("one reading says nothing of a rate").isEmpty();
        d.add(10 * S, 900);
        assertThat(d.eta()).contains(Duration.ofSeconds(90));
        d.add(20 * S, 0);
        assertThat(d.eta()).contains(Duration.ZERO);
    }

    @Test
    void queuesGrowingOrStillGiveNoEstimate() {
        DrainRate d = new DrainRate(Duration.ofSeconds(60));
        d.add(0, 100);
        d.add(2 * S, 150);
        assertThat(d.eta()).isEmpty();
        d.add(4 * S, 150);
        assertThat(d.eta()).isEmpty();
    }

    @Test
    void theJumpWhenPausedQueuesResumeStartsANewEstimate() {
        DrainRate d = new DrainRate(Duration.ofSeconds(60));
        d.add(0, 0);
        d.add(2 * S, 0);
        d.add(4 * S, 600);
        d.add(6 * S, 500);
        assertThat(d.eta()).as("from the peak: 100 jobs in 2 s").contains(Duration.ofSeconds(10));
    }

    @Test
    void onlyTheLastMinuteCounts() {
        DrainRate d = new DrainRate(Duration.ofSeconds(60));
        d.add(0, 10_000);
        d.add(10 * S, 1_000);
        d.add(70 * S, 900);
        d.add(80 * S, 800);
        assertThat(d.eta()).as("the fast start has left the window: 100 jobs in 10 s").contains(Duration.ofSeconds(80));
    }
}
