package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Load throttles: a row in the database that every node obeys, ended by its holder or by time. */
class ThrottleTest {
    private static final TestJobs t = new TestJobs("throttle");

    @Test
    void everyNodeRunsItsShareWhileAThrottleHoldsAndAllAgainAfterwards() throws Exception {
        Gate gate = new Gate();
        for (int i = 0; i < 30; i++) {
            t.client.insert(JobRequest.builder("gate").queue("t1").build());
        }
        // two nodes sharing nothing but the database, as two worker processes do
        t.admin.throttle(QueueAdmin.ALL_QUEUES, 0.25, "uploads in flight: 3", "server-a", Duration.ofMinutes(1));
        try (JobEngine one = t.engine().nodeId("one").queue("t1", 4).handler("gate", ctx -> gate.pass()).build().start();
             JobEngine two = t.engine().nodeId("two").queue("t1", 4).handler("gate", ctx -> gate.pass()).build().start()) {
            TestJobs.await("one job on each node", () -> gate.running.get() == 2);
            Thread.sleep(1500);
            assertThat(gate.peak.get()).as("floor(0.25 * 4) = 1 job per node").isEqualTo(2);
            assertThat(t.admin.throttles()).singleElement().satisfies(th -> {
                assertThat(th.queue()).isEqualTo("*");
                assertThat(th.fraction()).isEqualTo(0.25);
                assertThat(th.reason()).isEqualTo("uploads in flight: 3");
                assertThat(th.holder()).isEqualTo("server-a");
            });

            assertThat(t.admin.releaseThrottle(QueueAdmin.ALL_QUEUES, "someone else")).isFalse();
            assertThat(t.admin.releaseThrottle(QueueAdmin.ALL_QUEUES, "server-a")).isTrue();
            TestJobs.await("four jobs on each node", () -> gate.running.get() == 8);
            assertThat(t.admin.throttles()).isEmpty();

            // a holder that stops renewing (a server that crashed) does not hold the queues for long
            t.admin.throttle("t1", 0.5, "API read p95 900 ms", "server-b", Duration.ofSeconds(1));
            assertThat(t.admin.throttles()).singleElement().extracting(QueueAdmin.Throttle::queue).isEqualTo("t1");
            Thread.sleep(1100);
            assertThat(t.admin.throttles()).isEmpty();

            gate.open.countDown();
            TestJobs.await("all done", () -> t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue = 't1' AND state <> 'completed'") == 0);
        }
    }

    @Test
    void aThrottleLowersALimitToItsShareButNeverStopsAQueue() {
        assertThat(Worker.throttled(8, 1.0)).isEqualTo(8);
        assertThat(Worker.throttled(8, 0.5)).isEqualTo(4);
        assertThat(Worker.throttled(8, 0.1)).isEqualTo(1);
        assertThat(Worker.throttled(8, 0.0)).isEqualTo(1);
        assertThat(Worker.throttled(1, 0.0)).isEqualTo(1);
        assertThat(Worker.throttled(0, 0.5)).as("a queue set to 0 stays stopped").isZero();
        assertThatThrownBy(() -> t.admin.throttle("t1", 1.5, "x", "h", Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..1");
    }
}
