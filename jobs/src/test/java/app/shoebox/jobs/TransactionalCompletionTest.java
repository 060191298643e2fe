package app.shoebox.jobs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler's writes, its job's completion and the next step's enqueue commit together, fenced:
 * a worker whose job was taken from it cannot commit anything.
 */
class TransactionalCompletionTest {
    private static final TestJobs t = new TestJobs("txcomplete");
    private static final CountDownLatch staleStarted = new CountDownLatch(1);
    private static final CountDownLatch staleGo = new CountDownLatch(1);
    private static final CompletableFuture<Throwable> staleResult = new CompletableFuture<>();
    private static JobEngine engine;

    @BeforeAll
    static void start() {
        t.exec("CREATE TABLE public.asset_step (asset int, step text)");
        engine = t.engine().queue("default", 4)
                .handler("step1", ctx -> {
                    ctx.completeInTransaction(conn -> {
                        try (PreparedStatement p = conn.prepareStatement("INSERT INTO public.asset_step VALUES (1, 'step1')")) {
                            p.executeUpdate();
                        }
                        t.client.insert(conn, JobRequest.of("step2", "{\"asset\":1}"));
                    });
                    return JobOutcome.complete();
                })
                .handler("step2", ctx -> {
                    ctx.completeInTransaction(conn -> {
                        try (PreparedStatement p = conn.prepareStatement("INSERT INTO public.asset_step VALUES (1, 'step2')")) {
                            p.executeUpdate();
                        }
                    });
                    return JobOutcome.complete();
                })
                .handler("stale", ctx -> {
                    staleStarted.countDown();
                    staleGo.await(20, TimeUnit.SECONDS);
                    try {
                        ctx.completeInTransaction(conn -> {
                            try (PreparedStatement p = conn.prepareStatement("INSERT INTO public.asset_step VALUES (2, 'stale')")) {
                                p.executeUpdate();
                            }
                        });
                        staleResult.complete(null);
                    } catch (Throwable e) {
                        staleResult.complete(e);
                        throw e;
                    }
                    return JobOutcome.complete();
                })
                .handler("fails-in-tx", ctx -> {
                    ctx.completeInTransaction(conn -> {
                        try (PreparedStatement p = conn.prepareStatement("INSERT INTO public.asset_step VALUES (3, 'half')")) {
                            p.executeUpdate();
                        }
                        throw new java.sql.SQLException("constraint broke halfway");
                    });
                    return JobOutcome.complete();
                }, RetryPolicy.of(1, Duration.ZERO, Duration.ZERO))
                .build().start();
    }

    @AfterAll
    static void stop() {
        engine.stop(Duration.ofSeconds(5));
    }

    @Test
    void pipelineStepsCommitWithTheirWritesAndTheNextStep() {
        long id = t.client.insert(JobRequest.of("step1", "{\"asset\":1}")).id();
        TestJobs.await("step2 done", () -> t.scalar("SELECT count(*) FROM public.asset_step WHERE step = 'step2'") == 1);
        assertThat(t.job(id).state()).isEqualTo(JobState.COMPLETED);
        assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE kind = 'step2' AND state = 'completed'")).isEqualTo(1);
        assertThat(t.scalar("SELECT count(*) FROM public.asset_step WHERE step = 'step1'")).isEqualTo(1);
    }

    @Test
    void aFailureInsideTheTransactionRollsBackTheHandlersWrites() {
        long id = t.client.insert(JobRequest.of("fails-in-tx", "{}")).id();
        TestJobs.await("failed", () -> t.job(id).state() == JobState.FAILED);
        assertThat(t.scalar("SELECT count(*) FROM public.asset_step WHERE asset = 3")).isZero();
        assertThat(t.job(id).errors().getFirst().message()).contains("constraint broke halfway");
    }

    @Test
    void aStaleWorkersCompletionIsRolledBackAndReported() throws Exception {
        long id = t.client.insert(JobRequest.of("stale", "{}")).id();
        assertThat(staleStarted.await(20, TimeUnit.SECONDS)).isTrue();
        // another node took the job over (as a rescuer and a new claim would); it is alive, so
        // the engine's rescuer leaves the job with it while the test looks
        t.alive("other-node");
        t.exec("UPDATE ${schema}.job SET lease_owner = 'other-node', attempt = attempt + 1 WHERE id = " + id);
        // A rescuer sweep at the worst moment (the engine's own runs every second) leaves it there.
        try (var c = t.dataSource.getConnection()) {
            assertThat(t.store.rescue(c, "test-rescuer", Duration.ofSeconds(3), 3, 100).total()).isZero();
        }
        staleGo.countDown();
        Throwable thrown = staleResult.get(20, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(StaleJobException.class).hasMessageContaining("job " + id);
        assertThat(t.scalar("SELECT count(*) FROM public.asset_step WHERE asset = 2")).isZero();
        JobView v = t.job(id);
        assertThat(v.state()).isEqualTo(JobState.RUNNING);
        assertThat(v.leaseOwner()).contains("other-node");
        assertThat(v.attempt()).isEqualTo(2);
        TestJobs.await("stale result counted", () -> engine.metrics().staleResults() >= 1);
        t.client.delete(id); // refused while running
        assertThat(t.client.get(id)).isPresent();
    }

    @Test
    void lateBatchedCompletionAndLateFailureOfAStaleAttemptAreRejected() throws Exception {
        try (var c = t.dataSource.getConnection()) {
            long id = t.client.insert(JobRequest.builder("manual").queue("manual").build()).id();
            var claimed = t.store.claim(c, "node-a", "manual", 10);
            assertThat(claimed).singleElement().extracting(JobStore.Claimed::attempt).isEqualTo(1);
            // node-a is not heartbeating: the rescuer gives the job back, node-b claims attempt 2
            // (the running engine's own rescuer may get there first: either way the job is back)
            t.store.rescue(c, "node-b", Duration.ofMillis(1), 3, 100);
            assertThat(t.job(id).state()).isEqualTo(JobState.AVAILABLE);
            t.alive("node-b"); // no rescuer takes node-b's claim, however long the test takes
            assertThat(t.store.claim(c, "node-b", "manual", 10)).singleElement()
                    .extracting(JobStore.Claimed::attempt).isEqualTo(2);
            assertThat(t.store.completeMany(c, "node-a", new long[] {id}, new int[] {1})).isEmpty();
            assertThat(t.store.settle(c, "node-a", id, 1, JobState.FAILED, Duration.ZERO, 0,
                    java.util.Optional.empty())).isEmpty();
            // a same-node late write of an older attempt is rejected too
            assertThat(t.store.completeMany(c, "node-b", new long[] {id}, new int[] {1})).isEmpty();
            assertThat(t.job(id).state()).isEqualTo(JobState.RUNNING);
            assertThat(t.store.completeMany(c, "node-b", new long[] {id}, new int[] {2})).containsExactly(id);
            assertThat(t.job(id).state()).isEqualTo(JobState.COMPLETED);
        }
    }
}
