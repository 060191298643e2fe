package app.shoebox.cli.upload;

import app.shoebox.cli.Main;
import app.shoebox.client.api.ApiClient;
import app.shoebox.client.queues.QueuePauser;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The uploader pauses the server's heavy queues while it runs and gives them back on every exit
 * path: on Shoebox with a lease that ends by itself when the uploader is killed ({@code kill -9}
 * of a real process), on an Immich-shaped server (v2 {@code /jobs}) by resuming exactly the queues
 * it paused, also after a kill, on the next run. Without an admin's key it uploads without
 * pausing; a dry run pauses and uploads nothing.
 */
class UploadPauseTest {

    private static UploadServer server;
    private static ApiClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = UploadServer.start("upload_pause");
        admin = server.client(UploadServer.KEY);
    }

    @AfterAll
    static void stop() {
        admin.close();
        server.close();
    }

    private static boolean paused(String queue) {
        return admin.queues().stream().filter(q -> q.name().equals(queue)).findFirst().orElseThrow().isPaused();
    }

    private static Path photos(String name, int files, int size) {
        Path dir = server.dir(name);
        for (int i = 0; i < files; i++) {
            TestMedia.write(dir.resolve(String.format("img-%03d.jpg", i)), TestMedia.jpeg(size));
        }
        return dir;
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + limit.toSeconds() + " s for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void onShoeboxALeaseHoldsTheQueuesDuringTheUploadAndEndsWithIt() throws Exception {
        Path photos = photos("lease", 6, 60_000);
        try (FaultProxy slow = new FaultProxy(server.url()).throttle(150_000)) {
            Path report = server.root.resolve("lease.json");
            CompletableFuture<Integer> run = inBackground(() -> UploadServer.uploadTo(slow.url(), UploadServer.KEY,
                    "from-folder", "--cache-dir", server.dir("lease-cache").toString(), "--concurrency", "1",
                    "--report", report.toString(), photos.toString()));
            await("the queues to be paused", Duration.ofSeconds(30),
                    () -> paused("metadataExtraction") && paused("thumbnailGeneration") && paused("duplicateDetection"));
            assertThat(paused("backgroundTask")).as("housekeeping is never paused").isFalse();
            assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
            assertThat(slow.count("PUT", "/api/queues/metadataExtraction/pause-lease")).isGreaterThanOrEqualTo(1);
            assertThat(slow.count("DELETE", "/api/queues/metadataExtraction/pause-lease/")).isEqualTo(1);
            assertThat(UploadServer.report(report).get("pause").asText()).contains("lease");
        }
        assertThat(paused("metadataExtraction")).as("released at the end").isFalse();
        assertThat(paused("thumbnailGeneration")).isFalse();
    }

    @Test
    void aKilledUploadersPauseEndsWithinTheLeaseTtlAndTheNextRunCompletesTheImportOnce() throws Exception {
        int files = 40;
        Path photos = photos("killed", files, 100_000);
        Path cache = server.dir("killed-cache");
        long before = server.assetCount();
        int ttl = 4;
        try (FaultProxy slow = new FaultProxy(server.url()).throttle(400_000)) {
            Process uploader = process(slow.url(), "from-folder", "--cache-dir", cache.toString(), "--concurrency", "2",
                    "--pause-lease-ttl", String.valueOf(ttl), "--album", "Killed", photos.toString());
            try {
                await("the uploader to pause and send a few files", Duration.ofSeconds(60),
                        () -> paused("metadataExtraction") && server.assetCount() >= before + 3);
                assertThat(uploader.isAlive()).as("still uploading when killed").isTrue();
                uploader.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } finally {
                uploader.destroyForcibly();
            }
            long killed = System.nanoTime();
            assertThat(paused("metadataExtraction")).as("the lease still holds right after the kill").isTrue();
            await("the pauses to end by themselves", Duration.ofSeconds(ttl + 5), () -> admin.queues().stream()
                    .noneMatch(q -> q.isPaused() && QueuePauser.HEAVY.contains(q.name())));
            assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("within the lease's time to live")
                    .isLessThanOrEqualTo(Duration.ofSeconds(ttl + 1));
        }
        long sentBeforeKill = server.assetCount() - before;
        assertThat(sentBeforeKill).isLessThan(files);

        Path report = server.root.resolve("after-kill.json");
        assertThat(server.upload("from-folder", "--cache-dir", cache.toString(), "--album", "Killed", "--report",
                report.toString(), photos.toString())).isZero();
        JsonNode r = UploadServer.report(report);
        assertThat(r.at("/counts/uploaded").asLong() + r.at("/counts/duplicates").asLong()).isEqualTo(files);
        assertThat(r.at("/counts/duplicates").asLong()).isEqualTo(sentBeforeKill);
        assertThat(server.assetCount() - before).as("every file exactly once").isEqualTo(files);
        assertThat(server.albums()).as("files the killed run uploaded are put in their album by the next run")
                .contains("Killed:" + files);
    }

    @Test
    void onAnImmichShapedServerOnlyTheQueuesItPausedAreResumedEvenAfterAKill() throws Exception {
        admin.setPaused("thumbnailGeneration", true);
        try {
            Path cache = server.dir("v2-cache");
            try (FaultProxy immich = new FaultProxy(server.url()).immichV2().throttle(200_000)) {
                Path photos = photos("v2", 6, 50_000);
                CompletableFuture<Integer> run = inBackground(() -> UploadServer.uploadTo(immich.url(),
                        UploadServer.KEY, "from-folder", "--cache-dir", cache.toString(), "--concurrency", "1", photos.toString()));
                await("the queues to be paused", Duration.ofSeconds(30), () -> paused("metadataExtraction"));
                assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
                assertThat(immich.count("PUT", "/api/jobs/metadataExtraction")).as("paused, then resumed").isEqualTo(2);
                assertThat(immich.count("PUT", "/api/jobs/thumbnailGeneration")).as("someone else's pause is left alone").isZero();
                assertThat(immich.count("PUT", "/api/queues")).isZero();
                assertThat(paused("metadataExtraction")).isFalse();
                assertThat(paused("thumbnailGeneration")).isTrue();

                Path more = photos("v2-killed", 30, 100_000);
                long assetsBefore = server.assetCount();
                long postsBefore = immich.count("POST", "/api/assets");
                Process uploader = process(immich.url(), "from-folder", "--cache-dir", cache.toString(), "--concurrency", "1",
                        more.toString());
                try {
                    await("the uploader to pause", Duration.ofSeconds(60), () -> paused("metadataExtraction")
                            && immich.count("POST", "/api/assets") > postsBefore + 4);
                    uploader.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                } finally {
                    uploader.destroyForcibly();
                }
                Thread.sleep(1500);
                assertThat(paused("metadataExtraction")).as("Immich has no lease: the pause outlives the killed uploader").isTrue();
                assertThat(Files.list(cache.resolve("paused")).map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.endsWith(".queues"));

                assertThat(UploadServer.uploadTo(immich.url(), UploadServer.KEY, "from-folder", "--cache-dir", cache.toString(),
                        more.toString())).isZero();
                assertThat(server.assetCount() - assetsBefore).as("every file of the killed run exactly once").isEqualTo(30);
                assertThat(paused("metadataExtraction")).as("the next run resumed what the killed one paused").isFalse();
                assertThat(paused("thumbnailGeneration")).as("and only that").isTrue();
                assertThat(Files.list(cache.resolve("paused")).map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.endsWith(".queues"));
            }
        } finally {
            admin.setPaused("thumbnailGeneration", false);
        }
    }

    @Test
    void onAnImmich3ShapedServerTheV3QueueApiPausesAndResumesOnlyWhatItPaused() throws Exception {
        admin.setPaused("duplicateDetection", true);
        try (FaultProxy immich = new FaultProxy(server.url()).immichV3().throttle(200_000)) {
            Path photos = photos("v3", 6, 50_000);
            Path report = server.root.resolve("v3.json");
            CompletableFuture<Integer> run = inBackground(() -> UploadServer.uploadTo(immich.url(), UploadServer.KEY,
                    "from-folder", "--cache-dir", server.dir("v3-cache").toString(), "--concurrency", "1", "--report",
                    report.toString(), photos.toString()));
            await("the queues to be paused", Duration.ofSeconds(30), () -> paused("metadataExtraction"));
            assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
            assertThat(UploadServer.report(report).get("serverKind").asText()).isEqualTo("Immich");
            assertThat(immich.count("PUT", "/api/queues/metadataExtraction")).as("paused, then resumed").isEqualTo(2);
            assertThat(immich.count("PUT", "/api/queues/duplicateDetection")).isZero();
            assertThat(immich.count("PUT", "/api/jobs")).isZero();
            assertThat(paused("metadataExtraction")).isFalse();
            assertThat(paused("duplicateDetection")).isTrue();
        } finally {
            admin.setPaused("duplicateDetection", false);
        }
    }

    @Test
    void ctrlCStopsTheUploadAndResumesWhatItPausedOnImmich() throws Exception {
        Path cache = server.dir("ctrl-c-cache");
        try (FaultProxy immich = new FaultProxy(server.url()).immichV2().throttle(200_000)) {
            Path photos = photos("ctrl-c", 30, 100_000);
            Process uploader = process(immich.url(), "from-folder", "--cache-dir", cache.toString(), "--concurrency", "1",
                    photos.toString());
            try {
                await("the uploader to pause and start sending", Duration.ofSeconds(60), () -> paused("metadataExtraction")
                        && immich.count("POST", "/api/assets") > 3);
                new ProcessBuilder("kill", "-INT", String.valueOf(uploader.pid())).start().waitFor();
                assertThat(uploader.waitFor(30, TimeUnit.SECONDS)).as("Ctrl-C ends the run").isTrue();
            } finally {
                uploader.destroyForcibly();
            }
            assertThat(paused("metadataExtraction")).as("resumed on the way out").isFalse();
            assertThat(Files.list(cache.resolve("paused")).map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".queues"));
        }
    }

    @Test
    void withoutAnAdminKeyItSaysSoAndUploadsWithoutPausing() throws Exception {
        String key = server.userKey("someone@test.local");
        Path photos = photos("not-admin", 3, 5_000);
        Path report = server.root.resolve("not-admin.json");
        try (FaultProxy watch = new FaultProxy(server.url())) {
            assertThat(UploadServer.uploadTo(watch.url(), key, "from-folder", "--cache-dir", server.dir("na-cache").toString(),
                    "--report", report.toString(), photos.toString())).isZero();
            assertThat(watch.count("PUT", "/api/queues")).isZero();
            assertThat(watch.count("PUT", "/api/jobs")).isZero();
        }
        JsonNode r = UploadServer.report(report);
        assertThat(r.at("/counts/uploaded").asLong()).isEqualTo(3);
        assertThat(r.get("pause").asText()).contains("not an admin");
    }

    @Test
    void aDryRunContactsTheServerButPausesAndUploadsNothing() throws Exception {
        Path photos = photos("dry", 4, 5_000);
        Path report = server.root.resolve("dry.json");
        long before = server.assetCount();
        try (FaultProxy watch = new FaultProxy(server.url())) {
            assertThat(UploadServer.uploadTo(watch.url(), UploadServer.KEY, "from-folder", "--dry-run", "--album", "Dry",
                    "--cache-dir", server.dir("dry-cache").toString(), "--report", report.toString(), photos.toString())).isZero();
            assertThat(watch.count("POST", "/api/assets/bulk-upload-check")).as("it asks the server").isEqualTo(1);
            assertThat(watch.requests()).noneMatch(s -> !s.method().equals("GET") && !s.path().endsWith("bulk-upload-check"));
        }
        JsonNode r = UploadServer.report(report);
        assertThat(r.get("dryRun").asBoolean()).isTrue();
        assertThat(r.at("/counts/uploaded").asLong()).as("what it would upload").isEqualTo(4);
        assertThat(server.assetCount()).isEqualTo(before);
        assertThat(server.albums()).noneMatch(a -> a.startsWith("Dry:"));
    }

    /**
     * Runs an upload on a thread of its own. Not on the common fork-join pool: an upload blocks
     * its thread for its whole length, and the JDK's HTTP machinery needs that pool free.
     */
    static CompletableFuture<Integer> inBackground(java.util.function.Supplier<Integer> upload) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread.ofPlatform().name("test-upload").start(() -> {
            try {
                f.complete(upload.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** The real {@code shoebox upload} as a child process. */
    static Process process(String serverUrl, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "upload", args[0], "--server", serverUrl, "--api-key", UploadServer.KEY, "--no-ui"));
        command.addAll(List.of(args).subList(1, args.length));
        File log = Files.createTempFile(Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT",
                System.getProperty("java.io.tmpdir"))), "uploader-", ".log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }
}
