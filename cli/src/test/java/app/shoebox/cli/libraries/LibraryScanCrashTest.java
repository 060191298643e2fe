package app.shoebox.cli.libraries;

import app.shoebox.cli.Main;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.server.worker.WorkerSupervisor;
import app.shoebox.testing.TestFolders;
import app.shoebox.testing.TestPostgres;
import app.shoebox.testing.TestUploads;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A library scan whose worker process is killed with SIGKILL in the middle: the supervisor starts
 * a new worker, the dead one's job goes back to the queue, and the scan finishes with every file
 * indexed exactly once and queued for its metadata exactly once.
 */
class LibraryScanCrashTest {

    private static final String KEY = "library-crash-test-key-0123456789";
    private static final int FILES = 600;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private int port;
    private String url;
    private Path library;

    @Test
    void aScanInterruptedByKillingItsWorkerFinishesWithEveryFileIndexedOnce() throws Exception {
        TestPostgres pg = TestPostgres.get();
        url = pg.newDatabase("library_crash");
        library = TestFolders.create("library-");
        Path photos = TestFolders.create("photos-");
        byte[] jpeg = TestUploads.noiseJpeg(16, 16, 1);
        for (int i = 0; i < FILES; i++) {
            Path f = photos.resolve("year-" + (i % 7) + "/event-" + (i % 31) + "/img-" + i + ".jpg");
            Files.createDirectories(f.getParent());
            Files.write(f, jpeg);
        }
        ServerConfig config = ServerConfig.defaults(library).withBind("127.0.0.1", 0)
                .withDatabaseUrl(Optional.of(new DatabaseUrl(url, Optional.of(pg.user()), Optional.of(pg.password()))))
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of("admin@test.local"), Optional.of("password123"),
                        Optional.of(KEY)));
        try (ShoeboxServer server = ShoeboxServer.start(config)) {
            port = server.port();
            Jdbi jdbi = server.database().jdbi();
            String owner = call("GET", "/api/users/me", null).get("id").asText();
            // Only the scan runs here; the files' metadata waits until the scan is checked.
            call("PUT", "/api/jobs/metadataExtraction", "{\"command\":\"pause\"}");
            String id = call("POST", "/api/libraries", JSON.writeValueAsString(Map.of("ownerId", owner,
                    "importPaths", List.of(photos.toString())))).get("id").asText();
            call("POST", "/api/libraries/" + id + "/scan", null);

            long atKill;
            try (WorkerSupervisor workers = startWorker()) {
                assertThat(workers.awaitStarts(1, Duration.ofSeconds(60))).isTrue();
                ProcessHandle victim = workers.process().orElseThrow();
                awaitAtLeastOneAsset(jdbi, id);
                victim.destroyForcibly();
                atKill = count(jdbi, "SELECT count(*) FROM assets WHERE library_id = '" + id + "'");
                assertThat(workers.awaitStarts(2, Duration.ofSeconds(60))).as("the supervisor starts a new worker").isTrue();
                awaitDrained("library");
                assertThat(atKill).as("the worker died mid-scan").isBetween(1L, (long) FILES - 1);
                assertThat(count(jdbi, "SELECT count(*) FROM assets WHERE library_id = '" + id + "'")).isEqualTo(FILES);
                assertThat(count(jdbi, "SELECT count(DISTINCT original_path) FROM assets WHERE library_id = '" + id + "'"))
                        .isEqualTo(FILES);
                assertThat(count(jdbi, "SELECT count(*) FROM shoebox_jobs.job WHERE kind = 'AssetExtractMetadata'"))
                        .as("one metadata job per file, none twice").isEqualTo(FILES);
                assertThat(count(jdbi, "SELECT count(*) FROM shoebox_jobs.job WHERE queue = 'library' AND state <> 'completed'"))
                        .isZero();

                call("PUT", "/api/jobs/metadataExtraction", "{\"command\":\"resume\"}");
                awaitDrained("metadataExtraction");
                assertThat(count(jdbi, "SELECT count(*) FROM asset_exif x JOIN assets a ON a.id = x.asset_id WHERE a.library_id = '"
                        + id + "'")).isEqualTo(FILES);
            }
        }
    }

    private static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static void awaitAtLeastOneAsset(Jdbi jdbi, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (count(jdbi, "SELECT count(*) FROM assets WHERE library_id = '" + id + "'") > 0) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("the scan indexed nothing within 60 s");
    }

    /** The real {@code shoebox worker} as a child process, small scan batches, 1 s heartbeat. */
    private WorkerSupervisor startWorker() {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "worker", "--library", library.toString(),
                "--storage-template", "none", "--concurrency", "1", "--heartbeat", "1", "--scan-batch", "5"));
        return WorkerSupervisor.start(new WorkerSupervisor.Settings(command, Map.of("SHOEBOX_DATABASE_URL", url),
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(10)));
    }

    private void awaitDrained(String queue) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = call("GET", "/api/queues/" + queue, null).get("statistics");
            if (s.get("waiting").asLong() + s.get("active").asLong() + s.get("delayed").asLong() + s.get("paused").asLong() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(queue + " did not drain: " + call("GET", "/api/queues/" + queue, null));
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("x-api-key", KEY)
                .header("content-type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }
}
