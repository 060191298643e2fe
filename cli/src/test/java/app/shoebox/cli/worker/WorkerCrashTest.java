package app.shoebox.cli.worker;

import app.shoebox.cli.Main;
import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.Http;
import app.shoebox.client.api.ServerAddress;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.server.worker.WorkerSupervisor;
import app.shoebox.testing.TestPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Worker processes killed with SIGKILL in the middle of a thumbnail: the supervisor starts a new
 * one, the dead worker's job goes back to the queue (counted as a worker death), and every asset
 * ends with its thumbnails, each job completed exactly once; a job that keeps killing workers is
 * quarantined instead of crashing them for ever.
 */
class WorkerCrashTest {

    private static final String KEY = "worker-crash-test-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private ApiClient client;

    @org.junit.jupiter.api.AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    private String url;
    private Path library;

    /** A server on its own database and library that works no queues itself. */
    private ShoeboxServer startServer(String name) throws IOException {
        TestPostgres pg = TestPostgres.get();
        url = pg.newDatabase(name);
        library = Files.createTempDirectory(Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT",
                System.getProperty("java.io.tmpdir"))), "library-");
        ServerConfig config = ServerConfig.defaults(library).withBind("127.0.0.1", 0)
                .withDatabaseUrl(Optional.of(new DatabaseUrl(url, Optional.of(pg.user()), Optional.of(pg.password()))))
                .withStorageTemplate(Optional.empty())
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of("admin@test.local"), Optional.of("password123"),
                        Optional.of(KEY)));
        ShoeboxServer server = ShoeboxServer.start(config);
        client = ApiClient.open(ServerAddress.parse("http://127.0.0.1:" + server.port()), KEY, Http.Settings.defaults());
        client.connect();
        return server;
    }

    /** The real {@code shoebox worker} as a child process, one job at a time, 1 s heartbeat. */
    private WorkerSupervisor startWorker(String... options) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "worker", "--library", library.toString(),
                "--storage-template", "none", "--concurrency", "1", "--heartbeat", "1"));
        command.addAll(List.of(options));
        return WorkerSupervisor.start(new WorkerSupervisor.Settings(command, Map.of("SHOEBOX_DATABASE_URL", url),
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(10)));
    }

    @Test
    void aKilledWorkerIsReplacedAndItsJobCompletesOnce() throws Exception {
        try (ShoeboxServer server = startServer("worker_crash")) {
            call("PUT", "/api/jobs/thumbnailGeneration", "{\"command\":\"pause\"}");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(upload("big-" + i + ".jpg", noisyJpeg(3000, 2000, i)));
            }
            try (WorkerSupervisor workers = startWorker()) {
                assertThat(workers.awaitStarts(1, Duration.ofSeconds(60))).isTrue();
                awaitQueueDrained("metadataExtraction");
                // The server loads neither libvips nor ffmpeg; the worker that does has said which.
                JsonNode about = call("GET", "/api/server/about", null);
                assertThat(about.get("libvips").asText()).as("libvips as the worker uses it").matches("\\d+\\.\\d+\\.\\d+");
                assertThat(about.get("ffmpeg").asText()).as("ffmpeg as the worker uses it").matches("\\d+\\.\\d+.*");
                call("PUT", "/api/jobs/thumbnailGeneration", "{\"command\":\"resume\"}");

                ProcessHandle victim = workers.process().orElseThrow();
                awaitRunningOn("thumbnailGeneration", victim);
                victim.destroyForcibly();
                assertThat(workers.awaitStarts(2, Duration.ofSeconds(60))).as("the supervisor starts a new worker").isTrue();

                awaitQueueDrained("thumbnailGeneration");
            }
            JsonNode completed = call("GET", "/api/queues/thumbnailGeneration/jobs?status=completed&limit=100", null);
            Set<String> assetsDone = new HashSet<>();
            int deaths = 0;
            for (JsonNode job : completed) {
                assertThat(assetsDone.add(job.at("/data/assetId").asText())).as("one completed job per asset").isTrue();
                deaths += job.get("workerDeaths").asInt();
            }
            assertThat(assetsDone).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(deaths).as("the killed worker's job was rescued, not lost").isEqualTo(1);
            for (String id : ids) {
                Http.Response thumb = client.http().send("GET", "/assets/" + id + "/thumbnail", Http.Body.none(), Map.of(), false);
                assertThat(thumb.status()).as("thumbnail of " + id).isEqualTo(200);
                assertThat(thumb.body()).isNotEmpty();
            }
        }
    }

    @Test
    void aFileThatKeepsKillingWorkersIsQuarantinedWithThatReason() throws Exception {
        try (ShoeboxServer server = startServer("worker_poison")) {
            call("PUT", "/api/jobs/thumbnailGeneration", "{\"command\":\"pause\"}");
            String id = upload("poison.jpg", noisyJpeg(6000, 4000, 99));
            try (WorkerSupervisor workers = startWorker()) {
                assertThat(workers.awaitStarts(1, Duration.ofSeconds(60))).isTrue();
                awaitQueueDrained("metadataExtraction");
                call("PUT", "/api/jobs/thumbnailGeneration", "{\"command\":\"resume\"}");
                // Stand in for a decoder that segfaults on this file: kill every worker that runs its job.
                for (int death = 1; death <= 3; death++) {
                    ProcessHandle victim = workers.process().orElseThrow();
                    awaitRunningOn("thumbnailGeneration", victim);
                    victim.destroyForcibly();
                    assertThat(workers.awaitStarts(death + 1, Duration.ofSeconds(60))).isTrue();
                }
                awaitQueueDrained("thumbnailGeneration");
            }
            JsonNode failed = call("GET", "/api/queues/thumbnailGeneration/jobs?status=failed", null);
            assertThat(failed).hasSize(1);
            JsonNode job = failed.get(0);
            assertThat(job.at("/data/assetId").asText()).isEqualTo(id);
            assertThat(job.get("state").asText()).isEqualTo("quarantined");
            assertThat(job.get("workerDeaths").asInt()).isEqualTo(3);
            assertThat(job.get("errors").toString()).containsIgnoringCase("worker");
        }
    }

    @Test
    void aWorkerWhoseJobIgnoresBeingStoppedExitsAndTheJobIsQuarantined() throws Exception {
        try (ShoeboxServer server = startServer("worker_hung")) {
            String id = upload("on-a-dead-mount.jpg", noisyJpeg(300, 200, 5));
            // A read that never returns and ignores interrupts, as from a mount that stopped
            // answering: the original becomes a FIFO nobody writes to, so opening it blocks in the kernel.
            Path original = library.resolve(call("GET", "/api/assets/" + id, null).get("originalPath").asText());
            Files.delete(original);
            Process mkfifo = new ProcessBuilder("mkfifo", original.toString()).redirectErrorStream(true).start();
            assertThat(mkfifo.waitFor()).as(new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
            try (WorkerSupervisor workers = startWorker("--job-time-limit", "1", "--hung-job-exit", "1")) {
                JsonNode job = awaitFinished("metadataExtraction", id, Duration.ofSeconds(180));
                assertThat(job.get("state").asText()).isEqualTo("quarantined");
                assertThat(job.get("workerDeaths").asInt()).isEqualTo(3);
                assertThat(job.get("errors").toString()).contains("stopped renewing its lease");
                assertThat(workers.starts()).as("each hung worker exited and was replaced").isGreaterThanOrEqualTo(3);
            } finally {
                Files.deleteIfExists(original);
            }
        }
    }

    /** Waits until the queue's job for {@code assetId} has finished (failed, discarded or quarantined). */
    private JsonNode awaitFinished(String queue, String assetId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode job : call("GET", "/api/queues/" + queue + "/jobs?status=failed", null)) {
                if (job.at("/data/assetId").asText().equals(assetId)) {
                    return job;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the " + queue + " job of " + assetId + " did not end: "
                + call("GET", "/api/queues/" + queue + "/jobs?status=active", null));
    }

    /** Waits until {@code worker} itself runs a job of the queue (a dead worker's job still shows as active until rescued). */
    private void awaitRunningOn(String queue, ProcessHandle worker) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode job : call("GET", "/api/queues/" + queue + "/jobs?status=active", null)) {
                if (job.path("node").asText().endsWith("-" + worker.pid())) {
                    return;
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("worker " + worker.pid() + " never ran a job of " + queue);
    }

    private void awaitQueueDrained(String queue) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
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
        // Paths here are the API's (/api/...); the client's base already ends in /api.
        return client.http().json(method, path.substring("/api".length()), body == null ? null : JSON.readTree(body), false);
    }

    private String upload(String name, byte[] content) throws Exception {
        ApiClient.UploadResult r = client.upload(new ApiClient.UploadRequest(
                new ApiClient.FileBytes(name, content.length, name, () -> new ByteArrayInputStream(content)),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content)),
                OffsetDateTime.parse("2024-01-01T00:00:00Z"), OffsetDateTime.parse("2024-01-01T00:00:00Z"), false, false,
                Optional.empty(), Optional.empty()));
        assertThat(r.created()).as(name + " is new").isTrue();
        return r.assetId();
    }

    /** Noise compresses badly, so the JPEG is as large and slow to decode as a real 6-megapixel photo. */
    private static byte[] noisyJpeg(int w, int h, long seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                row[x] = r.nextInt(0x1000000);
            }
            img.setRGB(0, y, w, 1, row, 0, w);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }
}
