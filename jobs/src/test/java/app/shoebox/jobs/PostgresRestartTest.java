package app.shoebox.jobs;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL goes away mid-run and comes back on the same port and data: the node recovers by itself. */
class PostgresRestartTest {

    private static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
    }

    @Test
    void theEngineRecoversFromADatabaseRestartWithoutLosingJobs() throws Exception {
        Path root = Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT", System.getProperty("java.io.tmpdir")));
        Path data = Files.createTempDirectory(Files.createDirectories(root), "pg-restart-").resolve("data");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = startPostgres(data, port);
        String url = pg.getJdbcUrl("postgres", "postgres");
        JobSchema schema = new JobSchema("restart_jobs");
        schema.migrate(pg.getPostgresDatabase());
        JobClient client = JobClient.create(pg.getPostgresDatabase(), schema);
        JobEngine engine = JobEngine.builder().database(url, "postgres", "postgres").schema(schema.name())
                .heartbeat(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(100))
                .connectionTimeout(Duration.ofSeconds(1)).queue("r", 4)
                .handler("slow", ctx -> {
                    Thread.sleep(20);
                    return JobOutcome.complete();
                }).build().start();
        try {
            client.insertMany(requests(200));
            EmbeddedPostgres first = pg;
            TestJobs.await("some done before the restart", () -> completed(client, schema, first) >= 20);
            pg.close();
            pg = startPostgres(data, port);
            EmbeddedPostgres restarted = pg;
            JobClient after = JobClient.create(restarted.getPostgresDatabase(), schema);
            after.insertMany(requests(50));
            TestJobs.await("every job completed after the restart", Duration.ofSeconds(60),
                    () -> completed(after, schema, restarted) == 250);
            // the listener is back too: a notified job runs while polling alone would also; check the node beats
            TestJobs.await("heartbeat renewed", () -> engine.millisSinceHeartbeat() < 2000);
        } finally {
            engine.stop(Duration.ofSeconds(5));
            pg.close();
        }
    }

    private static List<JobRequest> requests(int n) {
        List<JobRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(JobRequest.builder("slow").queue("r").build());
        }
        return out;
    }

    private static long completed(JobClient client, JobSchema schema, EmbeddedPostgres pg) {
        try (var c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM " + schema.name() + ".job WHERE state = 'completed'")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }
}
