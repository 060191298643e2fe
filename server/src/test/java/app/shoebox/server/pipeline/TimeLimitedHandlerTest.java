package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.jobs.JobRequest;
import app.shoebox.jobs.JobState;
import app.shoebox.jobs.JobView;
import app.shoebox.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TimeLimitedHandlerTest {

    @Test
    void anAttemptThatRunsOverItsLimitIsStoppedAndFailsWithThatReason() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String url = pg.newDatabase("time_limit");
        CountDownLatch interrupted = new CountDownLatch(1);
        JobEngine engine = JobEngine.builder().database(url, pg.user(), pg.password())
                .queue("slow", 1)
                .handler("Hang", new TimeLimitedHandler(ctx -> {
                    try {
                        Thread.sleep(Duration.ofMinutes(10));
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return JobOutcome.complete();
                }, Duration.ofMillis(300), Watchdog.logOnly(Duration.ofSeconds(5))),
                        app.shoebox.jobs.RetryPolicy.of(1, Duration.ofMillis(10), Duration.ofMillis(10)))
                .build().start();
        try {
            JobClient client = engine.client();
            long id = client.insert(JobRequest.builder("Hang").queue("slow").build()).id();
            assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the hung handler's thread is interrupted").isTrue();
            JobView job = awaitFinished(client, id);
            assertThat(job.state()).isEqualTo(JobState.FAILED);
            assertThat(job.errors()).isNotEmpty();
            assertThat(job.errors().getLast().message()).contains("ran longer than its limit");
        } finally {
            engine.close();
        }
    }

    @Test
    void anAttemptThatIgnoresTheInterruptIsReportedByTheWatchdogAndTheJobStillEnds() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String url = pg.newDatabase("time_limit_hung");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ignored = new CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Boolean> onPlatformThread = new java.util.concurrent.CompletableFuture<>();
        JobEngine engine = JobEngine.builder().database(url, pg.user(), pg.password())
                .queue("slow", 1)
                .handler("Stuck", new TimeLimitedHandler(ctx -> {
                    // A call that never returns holds this thread, never a carrier of virtual threads.
                    onPlatformThread.complete(!Thread.currentThread().isVirtual());
                    // Stands in for a native decoder: an interrupt changes nothing.
                    while (release.getCount() > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        if (Thread.interrupted()) {
                            ignored.countDown();
                        }
                    }
                    return JobOutcome.complete();
                }, Duration.ofMillis(300), Watchdog.logOnly(Duration.ofMillis(500))),
                        app.shoebox.jobs.RetryPolicy.of(1, Duration.ofMillis(10), Duration.ofMillis(10)))
                .build().start();
        try (app.shoebox.testing.LogCapture log = app.shoebox.testing.LogCapture.of(Watchdog.class)) {
            JobClient client = engine.client();
            long id = client.insert(JobRequest.builder("Stuck").queue("slow").build()).id();
            JobView job = awaitFinished(client, id);
            assertThat(ignored.getCount()).as("the handler was interrupted and went on").isZero();
            assertThat(onPlatformThread.get()).as("the attempt ran on a platform thread").isTrue();
            assertThat(job.state()).isEqualTo(JobState.FAILED);
            assertThat(job.errors().getLast().message()).contains("ran longer than its limit").contains("ignored the interrupt");
            assertThat(log.linesWith("job " + id + " Stuck")).singleElement().satisfies(l -> assertThat(l)
                    .startsWith("ERROR").contains("still running").contains("left behind").contains("TimeLimitedHandlerTest"));
        } finally {
            release.countDown();
            engine.close();
        }
    }

    private static JobView awaitFinished(JobClient client, long id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JobView v = client.get(id).orElseThrow();
            if (v.state().finished()) {
                return v;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " did not finish: " + client.get(id));
    }
}
