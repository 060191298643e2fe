package app.shoebox.jobs;

import app.shoebox.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker JVM killed with SIGKILL in the middle of its jobs loses nothing and completes nothing
 * twice: another node rescues what it held and finishes every job exactly once.
 */
class KillNineTest {
    private static final TestJobs t = new TestJobs("killnine");
    private static final int JOBS = 400;
    // the suite runs 2 rounds to stay fast; -Djobs.killRounds=10 runs the full 10 of the brief
    private static final int ROUNDS = Integer.getInteger("jobs.killRounds", 2);

    @Test
    void killedWorkersJobsAreRescuedAndCompletedExactlyOnce() throws Exception {
        t.exec("CREATE TABLE public.effects (job_id bigint NOT NULL, node text NOT NULL)");
        long rescuedTotal = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            t.exec("TRUNCATE public.effects");
            t.exec("DELETE FROM ${schema}.job");
            List<JobRequest> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                jobs.add(JobRequest.builder("effect").queue("k9").build());
            }
            t.client.insertMany(jobs);

            Process child = startWorker("victim-" + round);
            try {
                TestJobs.await("the child completed some jobs", Duration.ofSeconds(60),
                        () -> t.scalar("SELECT count(*) FROM public.effects") >= 40);
                TestJobs.await("the child holds running jobs", Duration.ofSeconds(30),
                        () -> t.scalar("SELECT count(*) FROM ${schema}.job WHERE state = 'running'") > 0);
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            long runningAtKill = t.scalar("SELECT count(*) FROM ${schema}.job WHERE state = 'running'");
            assertThat(runningAtKill).as("jobs were mid-run when the worker died").isPositive();

            TestPostgres pg = TestPostgres.get();
            try (JobEngine survivor = KillNineWorkerMain.node(t.url, pg.user(), pg.password(), t.schema.name(),
                    "survivor-" + round).build().start()) {
                TestJobs.await("every job completed", Duration.ofSeconds(60),
                        () -> t.scalar("SELECT count(*) FROM ${schema}.job WHERE state = 'completed'") == JOBS);
                rescuedTotal += survivor.metrics().rescued();
            }
            assertThat(t.scalar("SELECT count(*) FROM public.effects")).as("no job completed twice").isEqualTo(JOBS);
            assertThat(t.scalar("SELECT count(DISTINCT job_id) FROM public.effects")).isEqualTo(JOBS);
            assertThat(t.scalar("SELECT count(*) FROM ${schema}.job WHERE worker_deaths > 0")).isEqualTo(runningAtKill);
        }
        assertThat(rescuedTotal).isPositive();
    }

    private Process startWorker(String nodeId) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        TestPostgres pg = TestPostgres.get();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Xshare:auto", KillNineWorkerMain.class.getName(),
                t.url, pg.user(), pg.password(), t.schema.name(), nodeId);
        pb.redirectErrorStream(true);
        String logDir = System.getenv().getOrDefault("SHOEBOX_TEST_ROOT", System.getProperty("java.io.tmpdir"));
        pb.redirectOutput(new File(logDir, "killnine-" + nodeId + ".log"));
        return pb.start();
    }
}
