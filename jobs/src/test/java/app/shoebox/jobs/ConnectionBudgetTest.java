package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A node's connections do not grow with the jobs it runs; a busy pool gives a clear, bounded error. */
class ConnectionBudgetTest {
    private static final TestJobs t = new TestJobs("budget");

    private long connectionsToThisDatabase() {
        return t.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }

    @Test
    void aThousandRunningJobsUseAtMostFiveConnections() {
        CountDownLatch release = new CountDownLatch(1);
        List<JobRequest> jobs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            jobs.add(JobRequest.builder("hold").queue("b1").build());
        }
        t.client.insertMany(jobs);
        try (JobEngine engine = t.engine().queue("b1", 1000).globalConcurrency(1000)
                .handler("hold", ctx -> {
                    release.await(60, TimeUnit.SECONDS);
                    return JobOutcome.complete();
                }).build().start()) {
            TestJobs.await("1000 running", () -> engine.metrics().running() == 1000);
            assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue = 'b1' AND state = 'running'")).isEqualTo(1000);
            assertThat(connectionsToThisDatabase()).isLessThanOrEqualTo(5);
            release.countDown();
            TestJobs.await("all completed", () -> t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue = 'b1' AND state = 'completed'") == 1000);
            assertThat(connectionsToThisDatabase()).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void aNodeThatFailsToStartLeavesNoConnectionsBehind() {
        // A schema that is in the way: its migration fails after the pool has connected.
        String broken = "jobs_broken_" + Long.toHexString(System.nanoTime());
        t.exec("CREATE SCHEMA " + broken + "; CREATE TABLE " + broken + ".job (x int)");
        JobEngine engine = t.engine().schema(broken).queue("b3", 1).build();
        assertThatThrownBy(engine::start).isInstanceOf(JobStoreException.class).hasMessageContaining(broken);
        TestJobs.await("the failed node's pool closed", () -> connectionsToThisDatabase() == 0);
        assertThatThrownBy(engine::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void whenThePoolStaysBusyCallersGetAClearErrorAfterTheBound() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (JobEngine engine = t.engine().queue("b2", 1).poolSize(1).connectionTimeout(Duration.ofMillis(300))
                .handler("hog", ctx -> {
                    ctx.completeInTransaction(conn -> {
                        holding.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    return JobOutcome.complete();
                }).build().start()) {
            long id = t.client.insert(JobRequest.builder("hog").queue("b2").build()).id();
            assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> engine.client().insert(JobRequest.of("other", "{}")))
                    .isInstanceOf(JobStoreException.class)
                    .hasMessageContaining("no database connection became free in time")
                    .hasMessageContaining("enqueue a job of kind other");
            release.countDown();
            TestJobs.await("hog completed", () -> t.job(id).state() == JobState.COMPLETED);
        }
    }
}
