package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pruner keeps the hot table small; the periodic scheduler enqueues once per slot, on the leader only. */
class MaintenanceTest {
    private static final TestJobs t = new TestJobs("maintenance");

    @Test
    void prunerDeletesFinishedJobsPastTheirRetentionOnly() {
        long done = t.client.insert(JobRequest.builder("k").queue("m1").build()).id();
        long failed = t.client.insert(JobRequest.builder("k").queue("m1").build()).id();
        long oldFailed = t.client.insert(JobRequest.builder("k").queue("m1").build()).id();
        long fresh = t.client.insert(JobRequest.builder("k").queue("m1").build()).id();
        long waiting = t.client.insert(JobRequest.builder("k").queue("m1").build()).id();
        t.exec("UPDATE ${schema}.job SET state = 'completed', finished_at = now() - interval '2 hours' WHERE id = " + done);
        t.exec("UPDATE ${schema}.job SET state = 'failed', finished_at = now() - interval '2 hours' WHERE id = " + failed);
        t.exec("UPDATE ${schema}.job SET state = 'discarded', finished_at = now() - interval '8 days' WHERE id = " + oldFailed);
        t.exec("UPDATE ${schema}.job SET state = 'completed', finished_at = now() WHERE id = " + fresh);
        Pruner pruner = new Pruner(new Pruner.Config(Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofDays(7), 1, 10),
                t.store, new Db(t.dataSource));
        assertThat(pruner.runOnce()).isEqualTo(2);
        assertThat(t.client.get(done)).isEmpty();
        assertThat(t.client.get(oldFailed)).isEmpty();
        assertThat(t.client.get(failed)).isPresent();
        assertThat(t.client.get(fresh)).isPresent();
        assertThat(t.client.get(waiting)).isPresent();
        assertThat(pruner.runOnce()).isZero();
        // a longer retention for completed than for failed jobs is honoured too
        t.exec("UPDATE ${schema}.job SET state = 'completed', finished_at = now() - interval '2 days' WHERE id = " + fresh);
        Pruner keepDone = new Pruner(new Pruner.Config(Duration.ofSeconds(1), Duration.ofDays(3), Duration.ofDays(1), 10, 10),
                t.store, new Db(t.dataSource));
        assertThat(keepDone.runOnce()).as("only the failed job, 2 hours old, is kept: it is under 1 day").isZero();
        assertThat(t.client.get(fresh)).isPresent();
    }

    @Test
    void periodicJobsAreEnqueuedOncePerSlotByTheLeaderOnly() {
        PeriodicJob nightly = new PeriodicJob("nightly", Duration.ofHours(1), JobRequest.builder("report").queue("m2").build());
        Db db = new Db(t.dataSource);
        PeriodicScheduler a = new PeriodicScheduler(PeriodicScheduler.Config.defaults(), t.store, db, "node-a", List.of(nightly));
        PeriodicScheduler b = new PeriodicScheduler(PeriodicScheduler.Config.defaults(), t.store, db, "node-b", List.of(nightly));
        assertThat(a.runOnce()).isEqualTo(1);
        assertThat(b.runOnce()).as("not the leader").isZero();
        assertThat(a.runOnce()).as("next slot is an hour away").isZero();
        assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE kind = 'report'")).isEqualTo(1);
        // the leader dies (its lease lapses) and the slot comes due: the other node takes over
        t.exec("UPDATE ${schema}.job_leader SET expires_at = now() - interval '1 second'");
        t.exec("UPDATE ${schema}.job_periodic SET next_run_at = now() - interval '3 hours 30 minutes'");
        assertThat(b.runOnce()).isEqualTo(1);
        assertThat(a.runOnce()).isZero();
        assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE kind = 'report'")).isEqualTo(2);
        // missed slots are skipped, not replayed: the next one is in the future
        assertThat(t.scalar("SELECT count(*) FROM ${schema}.job_periodic WHERE next_run_at > now()")).isEqualTo(1);
        assertThat(t.scalar("SELECT count(*) FROM ${schema}.job_periodic WHERE next_run_at <= now() + interval '1 hour'")).isEqualTo(1);
    }

    @Test
    void countsPerQueueAndState() {
        for (int i = 0; i < 3; i++) {
            t.client.insert(JobRequest.builder("k").queue("m3").build());
        }
        long delayed = t.client.insert(JobRequest.builder("k").queue("m3").runAt(java.time.Instant.now().plusSeconds(600)).build()).id();
        long cancelled = t.client.insert(JobRequest.builder("k").queue("m3").build()).id();
        t.client.cancel(cancelled);
        t.exec("UPDATE ${schema}.job SET created_at = now() - interval '1 minute', run_at = now() - interval '1 minute'"
                + " WHERE queue = 'm3' AND state = 'available' AND id <> " + delayed);
        QueueCounts c = t.admin.counts().stream().filter(q -> q.queue().equals("m3")).findFirst().orElseThrow();
        assertThat(c.waiting()).isEqualTo(3);
        assertThat(c.delayed()).isEqualTo(1);
        assertThat(c.cancelled()).isEqualTo(1);
        assertThat(c.active()).isZero();
        assertThat(c.isPaused()).isFalse();
        assertThat(c.oldestWaiting()).isGreaterThanOrEqualTo(Duration.ofSeconds(59));
    }
}
