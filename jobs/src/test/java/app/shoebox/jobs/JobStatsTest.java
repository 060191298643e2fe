package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every node adds what it did to the fleet's totals in the database, so one reader sees the work of
 * nodes in other processes: outcomes per queue and kind, and handler durations per kind.
 */
class JobStatsTest {
    private static final TestJobs t = new TestJobs("stats");

    private static Map<String, Long> outcomes(JobStats stats, String queue) {
        return stats.outcomes().stream().filter(o -> o.queue().equals(queue))
                .collect(Collectors.toMap(o -> o.kind() + ":" + o.outcome().label(), JobStats.OutcomeCount::count));
    }

    @Test
    void twoNodesOutcomesAndDurationsAddUpInTheDatabase() throws Exception {
        RetryPolicy fast = RetryPolicy.of(2, Duration.ZERO, Duration.ZERO);
        JobEngine.Builder shape = t.engine().queue("s1", 4).statsFlush(Duration.ofMillis(200))
                .handler("ok", ctx -> {
                    Thread.sleep(30);
                    return JobOutcome.complete();
                })
                .handler("flaky", ctx -> {
                    throw new IOException("attempt " + ctx.attempt());
                }, fast)
                .handler("corrupt", ctx -> JobOutcome.discard("corrupt"), fast);
        JobEngine a = shape.nodeId("stats-a").build().start();
        JobEngine b = shape.nodeId("stats-b").build().start();
        try {
            for (int i = 0; i < 20; i++) {
                t.client.insert(JobRequest.builder("ok").queue("s1").build());
            }
            for (int i = 0; i < 3; i++) {
                t.client.insert(JobRequest.builder("flaky").queue("s1").build());
                t.client.insert(JobRequest.builder("corrupt").queue("s1").build());
            }
            // the counts arrive by the nodes' periodic flush, while both still run
            TestJobs.await("both nodes' counts in the totals", Duration.ofSeconds(20), () -> {
                Map<String, Long> o = outcomes(t.admin.stats(), "s1");
                return o.getOrDefault("ok:completed", 0L) == 20 && o.getOrDefault("flaky:failed", 0L) == 3;
            });
            assertThat(a.metrics().completed() + b.metrics().completed()).isEqualTo(20);
            assertThat(a.metrics().completed()).as("both nodes worked").isPositive();
            assertThat(b.metrics().completed()).as("both nodes worked").isPositive();
        } finally {
            a.stop(Duration.ofSeconds(5));
            b.stop(Duration.ofSeconds(5));
        }
        JobStats stats = t.admin.stats();
        assertThat(outcomes(stats, "s1")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ok:completed", 20L, "flaky:retried", 3L, "flaky:failed", 3L, "corrupt:discarded", 3L));
        JobStats.Durations ok = stats.durations().stream().filter(d -> d.kind().equals("ok")).findFirst().orElseThrow();
        assertThat(ok.count()).isEqualTo(20);
        assertThat(ok.upperBounds()).containsExactly(JobStats.DURATION_BOUNDS);
        assertThat(ok.buckets()).hasSize(JobStats.DURATION_BOUNDS.length + 1);
        assertThat(java.util.Arrays.stream(ok.buckets()).sum()).isEqualTo(20);
        // each took 30 ms or a little more: nothing in the buckets up to 10 ms
        assertThat(ok.buckets()[0]).isZero();
        assertThat(ok.sumSeconds()).isBetween(20 * 0.03, 20 * 5.0);
        JobStats.Durations flaky = stats.durations().stream().filter(d -> d.kind().equals("flaky")).findFirst().orElseThrow();
        assertThat(flaky.count()).as("every attempt is timed").isEqualTo(6);
    }

    @Test
    void rescuesAndQuarantinesAreCountedPerQueueAndKind() throws Exception {
        StatsTally tally = new StatsTally(t.store);
        Rescuer rescuer = new Rescuer(new Rescuer.Config(Duration.ofSeconds(1), Duration.ofSeconds(3), 2, 100), t.store,
                new Db(t.dataSource), "rescuer", new NodeCounters(), tally);
        long id = t.client.insert(JobRequest.builder("poison").queue("s2").build()).id();
        try (Connection c = t.dataSource.getConnection()) {
            for (int death = 1; death <= 2; death++) {
                assertThat(t.store.claim(c, "crashy-" + death, "s2", 1).getFirst().id()).isEqualTo(id);
                rescuer.runOnce();
            }
        }
        assertThat(tally.flush(new Db(t.dataSource))).isEqualTo(3);
        assertThat(outcomes(t.admin.stats(), "s2")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "poison:rescued", 2L, "poison:quarantined", 1L));
        assertThat(tally.flush(new Db(t.dataSource))).as("a flush takes the counts once").isZero();
    }

    @Test
    void aFailedFlushKeepsItsCountsForTheNext() {
        StatsTally tally = new StatsTally(t.store);
        tally.outcome("s3", "k", JobStats.Outcome.COMPLETED);
        tally.duration("k", 2_000_000);
        t.exec("ALTER TABLE ${schema}.job_stat RENAME TO job_stat_away");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> tally.flush(new Db(t.dataSource)))
                    .isInstanceOf(JobStoreException.class);
        } finally {
            t.exec("ALTER TABLE ${schema}.job_stat_away RENAME TO job_stat");
        }
        tally.outcome("s3", "k", JobStats.Outcome.COMPLETED);
        assertThat(tally.flush(new Db(t.dataSource))).isEqualTo(2);
        assertThat(outcomes(t.admin.stats(), "s3")).containsExactlyEntriesOf(Map.of("k:completed", 2L));
        assertThat(t.admin.stats().durations().stream().filter(d -> d.kind().equals("k")).findFirst().orElseThrow().count())
                .isEqualTo(1);
    }
}
