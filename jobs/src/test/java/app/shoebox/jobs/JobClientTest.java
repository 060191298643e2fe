package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobClientTest {
    private static final TestJobs t = new TestJobs("jobclient");

    @Test
    void insertInCallerTransactionExistsOnlyIfTheCallerCommits() throws SQLException {
        long rolledBack;
        try (Connection c = t.dataSource.getConnection()) {
            c.setAutoCommit(false);
            rolledBack = t.client.insert(c, JobRequest.of("thumb", "{\"asset\":1}")).id();
            c.rollback();
        }
        assertThat(t.client.get(rolledBack)).isEmpty();
        long committed;
        try (Connection c = t.dataSource.getConnection()) {
            c.setAutoCommit(false);
            committed = t.client.insert(c, JobRequest.of("thumb", "{\"asset\":2}")).id();
            c.commit();
        }
        JobView v = t.job(committed);
        assertThat(v.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(v.args()).isEqualTo("{\"asset\": 2}");
        assertThat(v.queue()).isEqualTo("default");
    }

    @Test
    void uniqueKeyGivesBackThePendingJobAndIsFreedWhenItFinishes() {
        JobRequest r = JobRequest.builder("thumb").uniqueKey("asset-7").build();
        InsertResult first = t.client.insert(r);
        InsertResult second = t.client.insert(r);
        assertThat(first.duplicate()).isFalse();
        assertThat(second.duplicate()).isTrue();
        assertThat(second.id()).isEqualTo(first.id());
        // another kind may use the same key
        assertThat(t.client.insert(JobRequest.builder("preview").uniqueKey("asset-7").build()).duplicate()).isFalse();
        assertThat(t.client.cancel(first.id())).isEqualTo(CancelResult.CANCELLED);
        InsertResult third = t.client.insert(r);
        assertThat(third.duplicate()).isFalse();
        assertThat(third.id()).isNotEqualTo(first.id());
    }

    @Test
    void insertManyCopiesOrSkipsDuplicates() {
        List<JobRequest> plain = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            plain.add(JobRequest.builder("bulk").queue("bulkq").args("{\"n\":" + i + ",\"s\":\"tab\\there\"}").priority(i % 3).build());
        }
        assertThat(t.client.insertMany(plain)).isEqualTo(500);
        assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue = 'bulkq'")).isEqualTo(500);
        assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue = 'bulkq' AND args->>'s' = 'tab' || chr(9) || 'here'"))
                .isEqualTo(500);
        List<JobRequest> unique = List.of(
                JobRequest.builder("u").queue("uq").uniqueKey("a").build(),
                JobRequest.builder("u").queue("uq").uniqueKey("a").build(),
                JobRequest.builder("u").queue("uq").uniqueKey("b").runAt(Instant.now().plusSeconds(3600)).build());
        assertThat(t.client.insertMany(unique)).isEqualTo(2);
    }

    @Test
    void badArgsAreRefusedWithTheKindNamed() {
        assertThatThrownBy(() -> JobRequest.of("thumb", " ")).hasMessageContaining("JSON").hasMessageContaining("thumb");
        assertThatThrownBy(() -> JobRequest.of(" ", "{}")).hasMessageContaining("kind");
        assertThatThrownBy(() -> JobRequest.builder("x").queue("*").build()).hasMessageContaining("queue");
        assertThatThrownBy(() -> JobRequest.builder("x").maxAttempts(0).build()).hasMessageContaining("max attempts");
        assertThatThrownBy(() -> t.client.insert(JobRequest.of("thumb", "{not json")))
                .isInstanceOf(JobStoreException.class).hasMessageContaining("thumb").hasMessageContaining("json");
    }

    @Test
    void cancelRetryDeleteAndListFinishedJobs() {
        long id = t.client.insert(JobRequest.builder("k").queue("admin-q").build()).id();
        assertThat(t.client.cancel(id)).isEqualTo(CancelResult.CANCELLED);
        assertThat(t.client.cancel(id)).isEqualTo(CancelResult.ALREADY_FINISHED);
        assertThat(t.client.cancel(Long.MAX_VALUE)).isEqualTo(CancelResult.NOT_FOUND);
        assertThat(t.job(id).finishedAt()).isPresent();
        assertThat(t.client.retry(id)).isTrue();
        assertThat(t.job(id).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(t.client.retry(id)).as("a waiting job is not retried").isFalse();
        for (int i = 0; i < 5; i++) {
            t.client.cancel(t.client.insert(JobRequest.builder("k").queue("admin-q").build()).id());
        }
        JobPage page1 = t.client.list("admin-q", JobState.CANCELLED, 3, OptionalLong.empty());
        assertThat(page1.jobs()).hasSize(3);
        JobPage page2 = t.client.list("admin-q", JobState.CANCELLED, 3, page1.nextCursor());
        assertThat(page2.jobs()).hasSize(2);
        assertThat(page2.nextCursor()).isEmpty();
        assertThat(page1.jobs().getFirst().id()).isGreaterThan(page2.jobs().getFirst().id());
        assertThat(t.client.delete(id)).isTrue();
        assertThat(t.client.get(id)).isEmpty();
    }

    @Test
    void deleteAllRemovesOneQueuesJobsInTheGivenStatesOnly() {
        List<JobRequest> waiting = new ArrayList<>();
        for (int i = 0; i < 25_000; i++) {
            waiting.add(JobRequest.builder("sweep").queue("emptyme").args("{\"n\":" + i + "}").build());
        }
        t.client.insertMany(waiting);
        long cancelled = t.client.insert(JobRequest.builder("sweep").queue("emptyme").build()).id();
        t.client.cancel(cancelled);
        long elsewhere = t.client.insert(JobRequest.builder("sweep").queue("keepme").build()).id();

        assertThat(t.client.deleteAll("emptyme", java.util.EnumSet.of(JobState.AVAILABLE))).isEqualTo(25_000);
        assertThat(t.client.list("emptyme", JobState.AVAILABLE, 10, OptionalLong.empty()).jobs()).isEmpty();
        assertThat(t.job(cancelled).state()).as("other states stay").isEqualTo(JobState.CANCELLED);
        assertThat(t.job(elsewhere).state()).as("other queues stay").isEqualTo(JobState.AVAILABLE);
        assertThat(t.client.deleteAll("emptyme", java.util.EnumSet.of(JobState.CANCELLED, JobState.RUNNING))).isEqualTo(1);
    }
}
