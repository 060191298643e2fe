package app.shoebox.jobs;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Jobs of a node that stopped heartbeating come back; a job that keeps killing workers is quarantined. */
class RescuerTest {
    private static final TestJobs t = new TestJobs("rescuer");
    private final NodeCounters counters = new NodeCounters();
    private final StatsTally tally = new StatsTally(t.store);

    private Rescuer rescuer(String self) {
        return new Rescuer(new Rescuer.Config(Duration.ofSeconds(1), Duration.ofSeconds(3), 3, 2), t.store,
                new Db(t.dataSource), self, counters, tally);
    }

    private long claimOne(Connection c, String node, String queue) throws SQLException {
        return t.store.claim(c, node, queue, 1).getFirst().id();
    }

    @Test
    void aDeadNodesJobsComeBackAndALiveNodesStay() throws SQLException {
        try (Connection c = t.dataSource.getConnection()) {
            for (int i = 0; i < 5; i++) {
                t.client.insert(JobRequest.builder("k").queue("r1").build());
            }
            // Alive for an hour, not for the 3 s a real heartbeat would give: a slow machine must
            // not turn them dead between here and the assertions.
            t.alive("alive");
            t.alive("dead");
            long alive = claimOne(c, "alive", "r1");
            for (int i = 0; i < 4; i++) {
                claimOne(c, "dead", "r1");
            }
            assertThat(rescuer("rescuer-node").runOnce().total()).as("heartbeat is fresh").isZero();
            t.exec("UPDATE ${schema}.job_node SET heartbeat_at = now() - interval '10 seconds' WHERE node_id = 'dead'");
            // batch size 2: runOnce keeps going until every dead job is back
            JobStore.RescueCounts r = rescuer("rescuer-node").runOnce();
            assertThat(r.available()).isEqualTo(4);
            assertThat(counters.rescued.sum()).isEqualTo(4);
            assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue = 'r1' AND state = 'available'"
                    + " AND worker_deaths = 1 AND lease_owner IS NULL")).isEqualTo(4);
            assertThat(t.job(alive).state()).isEqualTo(JobState.RUNNING);
            assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE queue = 'r1'"
                    + " AND errors @> '[{\"class\": \"WorkerDied\", \"node\": \"dead\"}]'")).isEqualTo(4);
        }
    }

    @Test
    void aRescuerNeverRescuesItsOwnNode() throws SQLException {
        try (Connection c = t.dataSource.getConnection()) {
            t.client.insert(JobRequest.builder("k").queue("r2").build());
            long id = claimOne(c, "self", "r2"); // "self" has no heartbeat row at all
            // Judged by this job, not by counts: jobs other tests of the class left running may
            // have turned dead by now, and any rescuer returns those.
            rescuer("self").runOnce();
            assertThat(t.job(id).state()).isEqualTo(JobState.RUNNING);
            assertThat(t.job(id).leaseOwner()).contains("self");
            rescuer("other").runOnce();
            assertThat(t.job(id).state()).isEqualTo(JobState.AVAILABLE);
        }
    }

    @Test
    void aJobThatKillsItsWorkerThreeTimesIsQuarantined() throws SQLException {
        try (Connection c = t.dataSource.getConnection()) {
            long id = t.client.insert(JobRequest.builder("poison").queue("r3").build()).id();
            for (int death = 1; death <= 3; death++) {
                assertThat(claimOne(c, "crashy-" + death, "r3")).isEqualTo(id);
                rescuer("rescuer").runOnce();
            }
            JobView v = t.job(id);
            assertThat(v.state()).isEqualTo(JobState.QUARANTINED);
            assertThat(v.workerDeaths()).isEqualTo(3);
            assertThat(v.finishedAt()).isPresent();
            assertThat(v.errors()).hasSize(3).allSatisfy(e -> assertThat(e.errorClass()).isEqualTo("WorkerDied"));
            assertThat(v.errors().getLast().message()).contains("worker death 3 of 3");
            assertThat(counters.quarantined.sum()).isEqualTo(1);
            assertThat(t.store.claim(c, "next", "r3", 1)).as("never claimed again").isEmpty();
        }
    }

    @Test
    void aCancelRequestedJobOfADeadNodeEndsCancelled() throws SQLException {
        try (Connection c = t.dataSource.getConnection()) {
            long id = t.client.insert(JobRequest.builder("k").queue("r4").build()).id();
            claimOne(c, "gone", "r4");
            assertThat(t.client.cancel(id)).isEqualTo(CancelResult.CANCEL_REQUESTED);
            assertThat(rescuer("rescuer").runOnce().cancelled()).isEqualTo(1);
            assertThat(t.job(id).state()).isEqualTo(JobState.CANCELLED);
        }
    }

    @Test
    void defaultTimingReturnsJobsWithinTwoHeartbeatPeriods() {
        Duration heartbeat = Duration.ofSeconds(10);
        Rescuer.Config c = Rescuer.Config.forHeartbeat(heartbeat, 3);
        // worst case: the node dies right after a beat, is seen dead after deadAfter, and the sweep
        // that notices runs at most one interval later
        assertThat(c.deadAfter().plus(c.interval())).isLessThanOrEqualTo(heartbeat.multipliedBy(2));
        assertThat(c.deadAfter()).isGreaterThan(heartbeat);
    }
}
