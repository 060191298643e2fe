package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-queue concurrency (persisted, changeable while running) and the node's global limit. */
class ConcurrencyTest {
    private static final TestJobs t = new TestJobs("concurrency");

    @Test
    void queueConcurrencyChangesWhileRunningAndIsPersisted() {
        Gate gate = new Gate();
        for (int i = 0; i < 10; i++) {
            t.client.insert(JobRequest.builder("gate").queue("c1").build());
        }
        try (JobEngine engine = t.engine().queue("c1", 1).handler("gate", ctx -> gate.pass()).build().start()) {
            TestJobs.await("one running", () -> gate.running.get() == 1);
            assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue = 'c1' AND state = 'running'")).isEqualTo(1);
            engine.admin().setConcurrency("c1", 3);
            TestJobs.await("three running", () -> gate.running.get() == 3);
            assertThat(t.admin.counts()).filteredOn(q -> q.queue().equals("c1")).singleElement()
                    .extracting(QueueCounts::concurrency).isEqualTo(3);
            gate.open.countDown();
            TestJobs.await("all done", () -> t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue = 'c1' AND state = 'completed'") == 10);
        }
        assertThat(gate.peak.get()).isEqualTo(3);
    }

    @Test
    void theGlobalLimitCapsAllQueuesOfANode() {
        Gate gate = new Gate();
        for (int i = 0; i < 6; i++) {
            t.client.insert(JobRequest.builder("gate").queue(i % 2 == 0 ? "g1" : "g2").build());
        }
        try (JobEngine engine = t.engine().queue("g1", 5).queue("g2", 5).globalConcurrency(3)
                .handler("gate", ctx -> gate.pass()).build().start()) {
            TestJobs.await("three running", () -> gate.running.get() == 3);
            assertThat(engine.metrics().running()).isEqualTo(3);
            assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue IN ('g1', 'g2') AND state = 'running'")).isEqualTo(3);
            gate.open.countDown();
            TestJobs.await("all done", () -> t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue IN ('g1', 'g2') AND state = 'completed'") == 6);
        }
        assertThat(gate.peak.get()).isEqualTo(3);
    }
}
