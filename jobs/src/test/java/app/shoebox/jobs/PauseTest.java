package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pauses are rows every node's claim reads: plain pauses, pauses of all queues, and expiring leases per holder. */
class PauseTest {
    private static final TestJobs t = new TestJobs("pause");

    private int claimable(String queue) throws SQLException {
        try (Connection c = t.dataSource.getConnection()) {
            c.setAutoCommit(false);
            int n = t.store.claim(c, "probe", queue, 100).size();
            c.rollback(); // look, do not take
            return n;
        }
    }

    @Test
    void aPausedQueueIsNotClaimedUntilResumed() throws SQLException {
        t.client.insert(JobRequest.builder("k").queue("p1").build());
        t.admin.pause("p1");
        assertThat(t.admin.isPaused("p1")).isTrue();
        assertThat(claimable("p1")).isZero();
        t.admin.resume("p1");
        assertThat(t.admin.isPaused("p1")).isFalse();
        assertThat(claimable("p1")).isEqualTo(1);
    }

    @Test
    void pausingAllQueuesStopsEveryQueue() throws SQLException {
        t.client.insert(JobRequest.builder("k").queue("p2").build());
        t.admin.pause(QueueAdmin.ALL_QUEUES);
        try {
            assertThat(t.admin.isPaused("p2")).isTrue();
            assertThat(claimable("p2")).isZero();
        } finally {
            t.admin.resume(QueueAdmin.ALL_QUEUES);
        }
        assertThat(claimable("p2")).isEqualTo(1);
    }

    @Test
    void releasingOneHoldersPauseLeavesAnothersAndThePlainPause() {
        t.admin.pauseLease("p3", "backup", Duration.ofMinutes(5));
        t.admin.pauseLease("p3", "migration", Duration.ofMinutes(5));
        t.admin.pause("p3");
        assertThat(t.admin.releasePause("p3", "backup")).isTrue();
        assertThat(t.admin.isPaused("p3")).isTrue();
        t.admin.resume("p3");
        assertThat(t.admin.isPaused("p3")).as("migration still holds it").isTrue();
        assertThat(t.admin.releasePause("p3", "backup")).isFalse();
        assertThat(t.admin.releasePause("p3", "migration")).isTrue();
        assertThat(t.admin.isPaused("p3")).isFalse();
    }

    @Test
    void aLeaseThatIsNotRenewedExpiresByItselfAndARenewedOneHolds() {
        t.admin.pauseLease("p4", "short", Duration.ofMillis(300));
        t.admin.pauseLease("p5", "renewer", Duration.ofMillis(300));
        assertThat(t.admin.isPaused("p4")).isTrue();
        TestJobs.await("the unrenewed lease expired", Duration.ofSeconds(10), () -> {
            t.admin.renewPauseLease("p5", "renewer", Duration.ofSeconds(30));
            return !t.admin.isPaused("p4");
        });
        assertThat(t.admin.isPaused("p5")).isTrue();
        assertThat(t.admin.renewPauseLease("p4", "short", Duration.ofMinutes(1))).as("an expired lease is not revived").isFalse();
        PauseLeaseReaper reaper = new PauseLeaseReaper(PauseLeaseReaper.Config.defaults(), t.store, new Db(t.dataSource));
        assertThat(reaper.runOnce()).isGreaterThanOrEqualTo(1);
        assertThat(t.scalar("SELECT count(*) FROM ${schema}.job_pause WHERE queue = 'p4'")).isZero();
        assertThat(t.admin.releasePause("p5", "renewer")).isTrue();
    }

    @Test
    void aPauseTakenThroughOneNodeStopsAnotherNodeAndResumeWakesIt() {
        long id = t.client.insert(JobRequest.builder("k").queue("p6").build()).id();
        t.admin.pause("p6");
        try (JobEngine engine = t.engine().queue("p6", 2).pollInterval(Duration.ofHours(1))
                .handler("k", ctx -> JobOutcome.complete()).build().start()) {
            assertThat(engine.admin().isPaused("p6")).isTrue();
            assertThat(t.job(id).state()).isEqualTo(JobState.AVAILABLE);
            assertThat(t.admin.counts()).filteredOn(q -> q.queue().equals("p6")).singleElement()
                    .satisfies(q -> {
                        assertThat(q.isPaused()).isTrue();
                        assertThat(q.paused()).isEqualTo(1);
                        assertThat(q.waiting()).isZero();
                    });
            t.admin.resume("p6"); // the notification wakes the node: its poll interval is an hour
            TestJobs.await("resumed job ran", () -> t.job(id).state() == JobState.COMPLETED);
        }
    }

    @Test
    void badPauseRequestsAreRefused() {
        assertThatThrownBy(() -> t.admin.pauseLease("q", "h", Duration.ZERO)).hasMessageContaining("time to live");
        assertThatThrownBy(() -> t.admin.pauseLease("q", " ", Duration.ofSeconds(1))).hasMessageContaining("holder");
        assertThatThrownBy(() -> t.admin.pause("")).hasMessageContaining("queue name");
        assertThatThrownBy(() -> t.admin.setConcurrency("q", -1)).hasMessageContaining("concurrency");
    }
}
