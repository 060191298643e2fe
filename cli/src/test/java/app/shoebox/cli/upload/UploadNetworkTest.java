package app.shoebox.cli.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user's network and a struggling server do, through a fault-injecting proxy in front of a
 * real server: a server answering 503 or 429 for a while is ridden out with fewer uploads at once,
 * connections dropped in the middle of a body are retried, a stalled request is abandoned after the
 * idle timeout while a slow one that keeps moving is not, and a 400 is reported at once, never
 * retried.
 */
class UploadNetworkTest {

    private static UploadServer server;

    @BeforeAll
    static void start() throws Exception {
        server = UploadServer.start("upload_network");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Path photos(String name, int files, int size) {
        Path dir = server.dir(name);
        for (int i = 0; i < files; i++) {
            TestMedia.write(dir.resolve(String.format("img-%03d.jpg", i)), TestMedia.jpeg(size));
        }
        return dir;
    }

    private static JsonNode upload(FaultProxy proxy, String name, Path photos, int expectedExit, String... more) {
        Path report = server.root.resolve(name + ".json");
        String[] args = new String[6 + more.length];
        args[0] = "from-folder";
        args[1] = "--cache-dir";
        args[2] = server.dir(name + "-cache").toString();
        args[3] = "--report";
        args[4] = report.toString();
        System.arraycopy(more, 0, args, 5, more.length);
        args[args.length - 1] = photos.toString();
        assertThat(UploadServer.uploadTo(proxy.url(), UploadServer.KEY, args)).isEqualTo(expectedExit);
        return UploadServer.report(report);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {503, 429})
    void aServerSayingItIsOverloadedForAWhileIsRiddenOutWithFewerUploadsAtOnce(int status) throws Exception {
        Path photos = photos("busy-" + status, 8, 20_000);
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        try (FaultProxy proxy = new FaultProxy(server.url()).rule((method, path, attempt) ->
                method.equals("POST") && path.equals("/api/assets") && System.nanoTime() < until
                        ? new FaultProxy.Action.Answer(status, status == 503 ? "Service Unavailable" : "Too Many Requests", "1")
                        : new FaultProxy.Action.Pass())) {
            JsonNode r = upload(proxy, "busy-" + status, photos, 0);
            assertThat(r.at("/counts/uploaded").asLong()).isEqualTo(8);
            assertThat(r.at("/counts/failed").asLong()).isZero();
            assertThat(proxy.count("POST", "/api/assets") - proxy.count("POST", "/api/assets/bulk"))
                    .as("503s were retried").isGreaterThan(8);
            assertThat(r.get("retries").asLong()).isGreaterThan(0);
            assertThat(r.get("concurrency").toString()).as("uploads at once were cut when the server said " + status)
                    .contains("answered " + status);
        }
    }

    @Test
    void aServerWhoseAnswersSlowDownGetsFewerUploadsAtOnce() throws Exception {
        Path photos = photos("queueing", 20, 5_000);
        java.util.concurrent.atomic.AtomicInteger uploads = new java.util.concurrent.atomic.AtomicInteger();
        try (FaultProxy proxy = new FaultProxy(server.url()).rule((method, path, attempt) ->
                method.equals("POST") && path.equals("/api/assets") && uploads.incrementAndGet() > 10
                        ? new FaultProxy.Action.AnswerLate(Duration.ofSeconds(1)) : new FaultProxy.Action.Pass())) {
            JsonNode r = upload(proxy, "queueing", photos, 0, "--concurrency", "0");
            assertThat(r.at("/counts/uploaded").asLong()).isEqualTo(20);
            assertThat(r.get("concurrency").toString()).as("the server's time climbed: fewer uploads at once")
                    .contains("server time");
        }
    }

    @Test
    void thePlainProgressLineSaysTheCountsTheRateAndAnEta() throws Exception {
        Path photos = photos("progress", 6, 1_000_000);
        try (FaultProxy slow = new FaultProxy(server.url()).throttle(1_000_000)) {
            UploadServer.Run run = UploadServer.uploadToSaying(slow.url(), UploadServer.KEY, "from-folder", "--cache-dir",
                    server.dir("progress-cache").toString(), "--progress-interval", "1", "--concurrency", "1", photos.toString());
            assertThat(run.exit()).isZero();
            assertThat(run.said().lines().filter(l -> l.matches("^\\[[^]]+] 6 found: .*uploaded.*; sent .* \\(.*/s\\), ETA .*")))
                    .as("a line a second while files are sent, with how long is left:%n%s", run.said()).isNotEmpty();
        }
    }

    @Test
    void onErrorsNStopsAfterNFailedFilesAndSaysWhatWasNotReached() throws Exception {
        Path photos = photos("stop-after", 12, 5_000);
        try (FaultProxy proxy = new FaultProxy(server.url()).rule((method, path, attempt) ->
                method.equals("POST") && path.equals("/api/assets")
                        ? new FaultProxy.Action.Answer(400, "refused by the test", null) : new FaultProxy.Action.Pass())) {
            JsonNode r = upload(proxy, "stop-after", photos, UploadRun.STOPPED, "--on-errors", "2", "--concurrency", "1");
            assertThat(r.get("stopReason").asText()).contains("2 failed files");
            assertThat(r.at("/counts/failed").asLong()).isBetween(2L, 3L);
            assertThat(r.at("/counts/unprocessed").asLong()).isGreaterThan(0);
            assertThat(r.at("/counts/found").asLong()).isEqualTo(r.at("/counts/uploaded").asLong() + r.at("/counts/duplicates").asLong()
                    + r.at("/counts/skipped").asLong() + r.at("/counts/failed").asLong() + r.at("/counts/unprocessed").asLong());
        }
    }

    @Test
    void connectionsDroppedInTheMiddleOfABodyAreRetried() throws Exception {
        Path photos = photos("dropped", 6, 200_000);
        try (FaultProxy proxy = new FaultProxy(server.url()).rule((method, path, attempt) ->
                method.equals("POST") && path.equals("/api/assets") && attempt == 1
                        ? new FaultProxy.Action.DropAfter(50_000) : new FaultProxy.Action.Pass())) {
            JsonNode r = upload(proxy, "dropped", photos, 0);
            assertThat(r.at("/counts/uploaded").asLong()).isEqualTo(6);
            assertThat(r.at("/counts/failed").asLong()).isZero();
            assertThat(proxy.count("POST", "/api/assets") - proxy.count("POST", "/api/assets/bulk"))
                    .as("every file was cut once, then sent again").isEqualTo(12);
        }
    }

    @Test
    void aStalledRequestIsAbandonedAfterTheIdleTimeoutButASlowOneThatKeepsMovingIsNot() throws Exception {
        Path stalled = photos("stalled", 2, 10_000);
        try (FaultProxy proxy = new FaultProxy(server.url()).rule((method, path, attempt) ->
                method.equals("POST") && path.equals("/api/assets") && attempt == 1
                        ? new FaultProxy.Action.Stall(Duration.ofSeconds(8)) : new FaultProxy.Action.Pass())) {
            JsonNode r = upload(proxy, "stalled", stalled, 0, "--idle-timeout", "1");
            assertThat(r.at("/counts/uploaded").asLong() + r.at("/counts/duplicates").asLong()).isEqualTo(2);
            assertThat(r.at("/counts/failed").asLong()).isZero();
            assertThat(r.get("elapsedSeconds").asDouble()).as("the stalled attempts were abandoned, not waited out")
                    .isLessThan(8);
        }
        Path big = photos("slow", 1, 24_000_000);
        try (FaultProxy slow = new FaultProxy(server.url()).throttle(3_000_000)) {
            JsonNode r = upload(slow, "slow", big, 0, "--idle-timeout", "2");
            assertThat(r.at("/counts/uploaded").asLong()).isEqualTo(1);
            assertThat(r.get("elapsedSeconds").asDouble()).as("an 8 s upload outlives a 2 s idle timeout").isGreaterThan(6);
            assertThat(slow.count("POST", "/api/assets") - slow.count("POST", "/api/assets/bulk")).as("in one attempt").isEqualTo(1);
        }
    }

    @Test
    void aBadRequestIsReportedWithTheServersMessageAndNeverRetried() throws Exception {
        Path photos = photos("refused", 3, 5_000);
        byte[] refused = java.nio.file.Files.readAllBytes(photos.resolve("img-001.jpg"));
        String checksum = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(refused));
        try (FaultProxy proxy = new FaultProxy(server.url()).rule((FaultProxy.RequestRule) (request, attempt) ->
                request.method().equals("POST") && request.path().equals("/api/assets") && checksum.equals(request.checksum())
                        ? new FaultProxy.Action.Answer(400, "img-001.jpg is not a picture we can store", null)
                        : new FaultProxy.Action.Pass())) {
            JsonNode r = upload(proxy, "refused", photos, UploadRun.FILES_FAILED);
            assertThat(r.at("/counts/uploaded").asLong()).isEqualTo(2);
            assertThat(r.at("/counts/failed").asLong()).isEqualTo(1);
            assertThat(r.get("failed").toString()).contains("img-001.jpg").contains("400")
                    .contains("img-001.jpg is not a picture we can store");
            assertThat(proxy.requests().stream().filter(s -> checksum.equals(s.checksum()))).as("one attempt only").hasSize(1);
        }
    }
}
