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
                }, Duration.ofMillis(300)), app.shoebox.jobs.RetryPolicy.of(1, Duration.ofMillis(10), Duration.ofMillis(10)))
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
