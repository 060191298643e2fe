package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Wake-ups, cancellation of running jobs, and graceful shutdown. */
class LifecycleTest {
    private static final TestJobs t = new TestJobs("lifecycle");

    @Test
    void aNotificationStartsAJobAtOnceWithoutPolling() {
        try (JobEngine engine = t.engine().queue("w1", 2).pollInterval(Duration.ofHours(1))
                .handler("k", ctx -> JobOutcome.complete()).build().start()) {
            // the first poll happened at start; from now on only a notification can wake the node
            TestJobs.await("first idle poll done", () -> engine.metrics().claimQueries() >= 1);
            long id = t.client.insert(JobRequest.builder("k").queue("w1").build()).id();
            TestJobs.await("notified job ran", () -> t.job(id).state() == JobState.COMPLETED);
        }
    }

    @Test
    void aMalformedNotificationOnTheChannelDoesNotStopWakeUps() {
        try (JobEngine engine = t.engine().queue("w6", 2).pollInterval(Duration.ofHours(1))
                .handler("k", ctx -> JobOutcome.complete()).build().start()) {
            TestJobs.await("first idle poll done", () -> engine.metrics().claimQueries() >= 1);
            t.exec("SELECT pg_notify('" + t.schema.channel() + "', 'c:not-a-number')");
            long id = t.client.insert(JobRequest.builder("k").queue("w6").build()).id();
            TestJobs.await("notified job ran", () -> t.job(id).state() == JobState.COMPLETED);
        }
    }

    @Test
    void pollingPicksUpDelayedJobsThatNoNotificationAnnounces() {
        try (JobEngine engine = t.engine().queue("w2", 2).pollInterval(Duration.ofMillis(100))
                .handler("k", ctx -> JobOutcome.complete()).build().start()) {
            long id = t.client.insert(JobRequest.builder("k").queue("w2").runAt(Instant.now().plusMillis(300)).build()).id();
            TestJobs.await("delayed job ran", () -> t.job(id).state() == JobState.COMPLETED);
            assertThat(t.job(id).attemptedAt().orElseThrow()).isAfterOrEqualTo(t.job(id).runAt());
        }
    }

    @Test
    void cancellingARunningJobInterruptsItsHandlerAndEndsItCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> sawCancel = new CompletableFuture<>();
        try (JobEngine engine = t.engine().queue("w3", 2).heartbeat(Duration.ofMinutes(1))
                .handler("long", ctx -> {
                    started.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        sawCancel.complete(ctx.cancelRequested());
                        throw e;
                    }
                    return JobOutcome.complete();
                }).build().start()) {
            long id = t.client.insert(JobRequest.builder("long").queue("w3").build()).id();
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(engine.client().cancel(id)).isEqualTo(CancelResult.CANCEL_REQUESTED);
            // heartbeat is a minute away: the notification carried the cancel
            assertThat(sawCancel.get(20, TimeUnit.SECONDS)).isTrue();
            TestJobs.await("cancelled", () -> t.job(id).state() == JobState.CANCELLED);
        }
    }

    @Test
    void gracefulStopLetsRunningJobsFinishAndClaimsNoMore() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        JobEngine engine = t.engine().queue("w4", 2).handler("k", ctx -> {
            started.countDown();
            finish.await(20, TimeUnit.SECONDS);
            return JobOutcome.complete();
        }).build().start();
        long id = t.client.insert(JobRequest.builder("k").queue("w4").build()).id();
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Integer> stopped = CompletableFuture.supplyAsync(() -> engine.stop(Duration.ofSeconds(20)));
        TestJobs.await("stop began", () -> t.scalar("SELECT 1") == 1);
        long late = t.client.insert(JobRequest.builder("k").queue("w4").build()).id();
        finish.countDown();
        assertThat(stopped.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(t.job(id).state()).isEqualTo(JobState.COMPLETED);
        assertThat(t.job(late).state()).isIn(JobState.AVAILABLE, JobState.COMPLETED);
        assertThat(t.scalar("SELECT count(*) FROM ${schema}.job_node WHERE node_id = '" + engine.nodeId() + "'")).isZero();
    }

    @Test
    void gracefulStopHandsBackWhatDoesNotFinishInTime() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        JobEngine engine = t.engine().queue("w5", 2).handler("stuck", ctx -> {
            started.countDown();
            Thread.sleep(60_000);
            return JobOutcome.complete();
        }).build().start();
        long id = t.client.insert(JobRequest.builder("stuck").queue("w5").build()).id();
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.stop(Duration.ofMillis(200))).isEqualTo(1);
        JobView v = t.job(id);
        assertThat(v.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(v.attempt()).as("the attempt is given back").isZero();
        assertThat(v.workerDeaths()).isZero();
        assertThat(v.leaseOwner()).isEmpty();
    }
}
