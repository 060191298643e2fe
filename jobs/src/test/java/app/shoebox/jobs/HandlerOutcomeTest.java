package app.shoebox.jobs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Each handler outcome leads to the state it promises, and every failed attempt's error is kept. */
class HandlerOutcomeTest {
    private static final TestJobs t = new TestJobs("outcomes");
    private static final Map<Long, Integer> snoozes = new ConcurrentHashMap<>();
    private static final List<Long> order = new CopyOnWriteArrayList<>();
    private static final Map<Long, Integer> limits = new ConcurrentHashMap<>();
    private static JobEngine engine;

    @BeforeAll
    static void start() {
        RetryPolicy fast = RetryPolicy.of(3, Duration.ZERO, Duration.ZERO);
        engine = t.engine().nodeId("outcomes-node")
                .queue("default", 4).queue("ordered", 1)
                .handler("ok", ctx -> JobOutcome.complete())
                .handler("throws", ctx -> {
                    throw new IOException("disk on fire at attempt " + ctx.attempt());
                }, fast)
                .handler("transient", ctx -> ctx.attempt() < 2 ? JobOutcome.retry("not yet") : JobOutcome.complete(), fast)
                .handler("corrupt", ctx -> JobOutcome.discard("corrupt file"), fast)
                .handler("snooze", ctx -> snoozes.merge(ctx.id(), 1, Integer::sum) == 1
                        ? JobOutcome.snooze(Duration.ZERO) : JobOutcome.complete(), fast)
                .handler("giveup", ctx -> JobOutcome.cancel("not wanted any more"))
                .handler("limits", ctx -> {
                    limits.put(ctx.id(), ctx.maxAttempts());
                    return JobOutcome.complete();
                }, fast)
                .handler("record", ctx -> {
                    order.add(ctx.id());
                    return JobOutcome.complete();
                })
                .build();
        // the ordered queue starts at zero concurrency so its backlog builds up before any claim
        t.admin.setConcurrency("ordered", 0);
        engine.start();
    }

    @AfterAll
    static void stop() {
        engine.stop(Duration.ofSeconds(5));
    }

    private static JobView waitFinished(long id) {
        TestJobs.await("job " + id + " finished", () -> t.job(id).state().finished());
        return t.job(id);
    }

    @Test
    void completeMarksTheJobCompleted() {
        JobView v = waitFinished(t.client.insert(JobRequest.of("ok", "{}")).id());
        assertThat(v.state()).isEqualTo(JobState.COMPLETED);
        assertThat(v.attempt()).isEqualTo(1);
        assertThat(v.errors()).isEmpty();
        assertThat(v.leaseOwner()).isEmpty();
    }

    @Test
    void aHandlerKnowsHowManyAttemptsItsJobGets() {
        long byPolicy = t.client.insert(JobRequest.of("limits", "{}")).id();
        long byRequest = t.client.insert(JobRequest.builder("limits").maxAttempts(7).build()).id();
        waitFinished(byPolicy);
        waitFinished(byRequest);
        assertThat(limits).containsEntry(byPolicy, 3).containsEntry(byRequest, 7);
    }

    @Test
    void thrownExceptionsAreRetriedPerPolicyAndEachAttemptsErrorIsKept() {
        JobView v = waitFinished(t.client.insert(JobRequest.of("throws", "{}")).id());
        assertThat(v.state()).isEqualTo(JobState.FAILED);
        assertThat(v.attempt()).isEqualTo(3);
        assertThat(v.errors()).hasSize(3);
        assertThat(v.errors()).extracting(JobError::attempt).containsExactly(1, 2, 3);
        JobError last = v.errors().getLast();
        assertThat(last.errorClass()).isEqualTo("java.io.IOException");
        assertThat(last.message()).isEqualTo("disk on fire at attempt 3");
        assertThat(last.stack()).contains("HandlerOutcomeTest");
        assertThat(last.node()).isEqualTo("outcomes-node");
        assertThat(last.at()).isNotNull();
    }

    @Test
    void maxAttemptsOverrideOnTheRequestWins() {
        long id = t.client.insert(JobRequest.builder("throws").maxAttempts(1).build()).id();
        JobView v = waitFinished(id);
        assertThat(v.state()).isEqualTo(JobState.FAILED);
        assertThat(v.errors()).hasSize(1);
    }

    @Test
    void retryOutcomeRunsAgainAndThenCompletes() {
        JobView v = waitFinished(t.client.insert(JobRequest.of("transient", "{}")).id());
        assertThat(v.state()).isEqualTo(JobState.COMPLETED);
        assertThat(v.attempt()).isEqualTo(2);
        assertThat(v.errors()).singleElement().satisfies(e -> {
            assertThat(e.errorClass()).isEqualTo("Retry");
            assertThat(e.message()).isEqualTo("not yet");
        });
    }

    @Test
    void discardIsPermanentAfterOneAttempt() {
        JobView v = waitFinished(t.client.insert(JobRequest.of("corrupt", "{}")).id());
        assertThat(v.state()).isEqualTo(JobState.DISCARDED);
        assertThat(v.attempt()).isEqualTo(1);
        assertThat(v.errors()).singleElement().extracting(JobError::message).isEqualTo("corrupt file");
    }

    @Test
    void snoozeRunsAgainWithoutUsingAnAttempt() {
        long id = t.client.insert(JobRequest.of("snooze", "{}")).id();
        JobView v = waitFinished(id);
        assertThat(v.state()).isEqualTo(JobState.COMPLETED);
        assertThat(snoozes.get(id)).isEqualTo(2);
        assertThat(v.attempt()).isEqualTo(1);
        assertThat(v.errors()).isEmpty();
    }

    @Test
    void cancelOutcomeEndsTheJobCancelled() {
        JobView v = waitFinished(t.client.insert(JobRequest.of("giveup", "{}")).id());
        assertThat(v.state()).isEqualTo(JobState.CANCELLED);
        assertThat(v.errors()).singleElement().extracting(JobError::message).isEqualTo("not wanted any more");
    }

    @Test
    void unknownKindIsRetriedWithAnErrorNamingIt() {
        long id = t.client.insert(JobRequest.of("nobody-handles-this", "{}")).id();
        TestJobs.await("first attempt recorded", () -> !t.job(id).errors().isEmpty());
        assertThat(t.job(id).errors().getFirst().message()).contains("no handler for kind 'nobody-handles-this'");
        t.client.delete(id);
    }

    @Test
    void higherPriorityRunsFirstAndScheduledJobsWaitForTheirTime() {
        long low = t.client.insert(JobRequest.builder("record").queue("ordered").priority(0).build()).id();
        long high = t.client.insert(JobRequest.builder("record").queue("ordered").priority(10).build()).id();
        long later = t.client.insert(JobRequest.builder("record").queue("ordered").priority(100)
                .runAt(java.time.Instant.now().plusSeconds(3600)).build()).id();
        t.admin.setConcurrency("ordered", 1);
        TestJobs.await("both due jobs ran", () -> order.size() >= 2);
        assertThat(order).containsExactly(high, low);
        assertThat(t.job(later).state()).isEqualTo(JobState.AVAILABLE);
        t.client.delete(later);
    }
}
