package app.shoebox.server.throttle;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.jobs.JobRequest;
import app.shoebox.jobs.JobSchema;
import app.shoebox.server.ServerFixture;
import app.shoebox.server.db.DatabaseUrl;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load throttle end to end: an upload in flight makes the serving process lower every node's
 * concurrency through the database, the queue responses and /metrics say so and why, and the
 * queues get their concurrency back once the API is calm; off, nothing gives way.
 */
class LoadThrottleTest {

    /**
     * Quick enough for a test: a look every 100 ms, a level back after 300 ms of calm; reads count as
     * slow only past a minute, so the upload is the one signal here however slow the machine is.
     */
    private static final LoadThrottle.Settings QUICK = new LoadThrottle.Settings(true, Duration.ofMinutes(1),
            Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(5));

    @Test
    void anUploadInFlightThrottlesAWorkerThatSharesOnlyTheDatabaseAndCalmGivesItBack() throws Exception {
        try (ServerFixture server = ServerFixture.start("load_throttle", c -> c.withLoadThrottle(QUICK))) {
            // a node of its own, as a worker process is: it knows the server only through the database
            AtomicInteger running = new AtomicInteger();
            CountDownLatch open = new CountDownLatch(1);
            JobClient client = JobClient.create(server.server().database().dataSource(), JobSchema.DEFAULT);
            // enough 100 ms jobs to last the whole test at four at a time
            client.insertMany(java.util.stream.IntStream.range(0, 5000)
                    .mapToObj(i -> JobRequest.builder("gate").queue("gate").build()).toList());
            DatabaseUrl url = server.server().config().databaseUrl().orElseThrow();
            try (JobEngine worker = JobEngine.builder().database(url.jdbcUrl(), url.user().orElseThrow(), url.password().orElseThrow())
                    .nodeId("worker-1").queue("gate", 4).handler("gate", ctx -> {
                        running.incrementAndGet();
                        try {
                            open.await(100, TimeUnit.MILLISECONDS);
                        } finally {
                            running.decrementAndGet();
                        }
                        return JobOutcome.complete();
                    }).build().start()) {
                await("four at once while the API is calm", () -> running.get() == 4);
                assertThat(queues(server).path("throttle").isMissingNode() || queues(server).path("throttle").isNull()).isTrue();

                try (Socket upload = startUpload(server)) {
                    await("the queues throttled to one job per node", () -> queues(server).path("throttle").path("fraction").asDouble(1) == 0.0);
                    JobNodeShare share = new JobNodeShare(running);
                    await("the worker down to one job at a time", () -> share.sampleIs(1));
                    JsonNode throttle = queues(server).path("throttle");
                    assertThat(throttle.path("reason").asText()).startsWith("1 upload in flight");
                    assertThat(throttle.path("holder").asText()).startsWith("serve ");
                    assertThat(throttle.path("expiresAt").asText()).isNotEmpty();
                    String metrics = metrics(server);
                    assertThat(gauge(metrics, "shoebox_load_throttle_enabled")).isEqualTo(1.0);
                    assertThat(gauge(metrics, "shoebox_load_throttle_fraction")).isEqualTo(0.0);
                    assertThat(gauge(metrics, "shoebox_load_throttle_busy\\{signal=\"uploads\"}")).isEqualTo(1.0);
                    assertThat(gauge(metrics, "shoebox_load_throttle_busy\\{signal=\"reads\"}")).isEqualTo(0.0);
                    // while it holds, it holds: a few seconds of the upload change nothing
                    Thread.sleep(1000);
                    assertThat(running.get()).isLessThanOrEqualTo(1);
                } // the client gives up: nothing is in flight any more

                await("the throttle gone once the API is calm", () -> queues(server).path("throttle").isMissingNode()
                        || queues(server).path("throttle").isNull());
                await("four at once again", () -> running.get() == 4);
                assertThat(gauge(metrics(server), "shoebox_load_throttle_fraction")).isEqualTo(1.0);
                open.countDown();
            }
        }
    }

    @Test
    void offNothingGivesWay() throws Exception {
        try (ServerFixture server = ServerFixture.start("load_throttle_off", c -> c.withLoadThrottle(LoadThrottle.Settings.OFF))) {
            try (Socket upload = startUpload(server)) {
                await("the upload in flight", () -> gauge(metrics(server), "shoebox_http_uploads_in_flight") == 1.0);
                Thread.sleep(1500);
                assertThat(queues(server).path("throttle").isMissingNode() || queues(server).path("throttle").isNull()).isTrue();
                String metrics = metrics(server);
                assertThat(gauge(metrics, "shoebox_load_throttle_enabled")).isEqualTo(0.0);
                assertThat(gauge(metrics, "shoebox_load_throttle_fraction")).isEqualTo(1.0);
            }
        }
    }

    /** Running counts sampled over a short while: true when none was above {@code most}. */
    private record JobNodeShare(AtomicInteger running) {
        boolean sampleIs(int most) {
            for (int i = 0; i < 20; i++) {
                if (running.get() > most) {
                    return false;
                }
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** An upload whose body stops after its first bytes: in flight until the socket closes. */
    static Socket startUpload(ServerFixture server) throws Exception {
        Socket socket = new Socket("127.0.0.1", server.server().port());
        String boundary = "----slow";
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + ADMIN_KEY
                + "\r\nContent-Type: multipart/form-data; boundary=" + boundary
                + "\r\nContent-Length: 10000000\r\n\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"a.jpg\"\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(new byte[64 * 1024]);
        out.flush();
        return socket;
    }

    /** The thumbnail queue's response: every queue shows the throttle of all queues. */
    private static JsonNode queues(ServerFixture server) {
        JsonNode all = ServerFixture.json(server.get("/api/queues", ADMIN_KEY));
        for (JsonNode q : all) {
            if (q.path("name").asText().equals("thumbnailGeneration")) {
                return q;
            }
        }
        throw new AssertionError("no thumbnailGeneration queue in " + all);
    }

    private static String metrics(ServerFixture server) {
        return server.get("/metrics?apiKey=" + ADMIN_KEY, null).body();
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)").matcher(metrics);
        assertThat(m.find()).as(name + " in " + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
