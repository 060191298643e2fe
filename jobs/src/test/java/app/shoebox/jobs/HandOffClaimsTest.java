package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pipeline hands each job to the next step's queue in the completion's transaction. Queues with
 * nothing to do must not cost a claim query at each hand-off: a notification makes only its own
 * queue hot, and a finished job frees a slot of its own queue only.
 */
class HandOffClaimsTest {
    private static final int STEPS = 40;
    private static final Pattern STEP = Pattern.compile("\"step\":\\s*(\\d+)");

    @Test
    void idleQueuesCostNoClaimsWhileAChainHandsOffBetweenTwoOthers() {
        double twoQueues = claimsPerJob(2);
        double eightQueues = claimsPerJob(8);
        // Looking at every queue at each wake-up and hot poll measured 3.0-3.2x as many claims per
        // job with six idle queues beside the two at work; looking only where work went, 0.92-1.05x.
        // Both runs are on this machine, so its speed (how many polls fit in a hot window) cancels out.
        assertThat(eightQueues).as("claim queries per job with 6 idle queues beside the 2 at work (%.1f with none)", twoQueues)
                .isLessThan(twoQueues * 1.5);
    }

    /** Runs one chain of {@link #STEPS} jobs alternating between queues 0 and 1 on a node that works {@code queues} queues. */
    private static double claimsPerJob(int queues) {
        TestJobs t = new TestJobs("handoff");
        // The chain moves by notifications; a long poll interval keeps the periodic look at every
        // queue (which grows with the run's length, so with the machine's slowness) out of the count.
        JobEngine.Builder builder = t.engine().pollInterval(Duration.ofSeconds(10));
        for (int q = 0; q < queues; q++) {
            builder.queue("step" + q, 2);
        }
        JobEngine engine = builder.handler("hop", ctx -> {
            Matcher m = STEP.matcher(ctx.args());
            if (!m.find()) {
                throw new IllegalArgumentException("no step in " + ctx.args());
            }
            int step = Integer.parseInt(m.group(1));
            Thread.sleep(10);
            if (step + 1 < STEPS) {
                ctx.completeInTransaction(conn -> t.client.insert(conn, JobRequest.builder("hop")
                        .queue("step" + (step + 1) % 2).args("{\"step\":" + (step + 1) + "}").build()));
            }
            return JobOutcome.complete();
        }).build().start();
        try {
            TestJobs.await("the engine's first look at its queues", () -> engine.metrics().claimQueries() >= queues);
            long before = engine.metrics().claimQueries();
            t.client.insert(JobRequest.builder("hop").queue("step0").args("{\"step\":0}").build());
            TestJobs.await("every step of the chain", Duration.ofSeconds(60),
                    () -> t.scalar("SELECT count(*) FROM ${schema}.job WHERE state = 'completed'") == STEPS);
            return (engine.metrics().claimQueries() - before) / (double) STEPS;
        } finally {
            engine.stop(Duration.ofSeconds(5));
        }
    }
}
