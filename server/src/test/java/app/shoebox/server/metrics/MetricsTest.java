package app.shoebox.server.metrics;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobSchema;
import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.server.pipeline.MediaPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("metrics");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Scrapes until {@code expected} shows (the fleet's figures are read at most every 5 s). */
    private static String awaitScrape(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String body = scrape();
        while (!body.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            body = scrape();
        }
        return body;
    }

    private static String scrape() {
        var r = server.get("/metrics?apiKey=" + ADMIN_KEY, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void prometheusSeesQueuesRequestsAndThePool() throws Exception {
        server.putJson("/api/jobs/smartSearch", ADMIN_KEY, Map.of("command", "pause"));
        server.get("/api/server/ping", null);

        var r = server.get("/metrics?apiKey=" + ADMIN_KEY, null);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        String body = awaitScrape("shoebox_queue_paused{queue=\"smartSearch\"}");
        assertThat(body).contains("shoebox_queue_jobs{queue=\"thumbnailGeneration\",state=\"waiting\"} 0.0");
        assertThat(body).as("a queue Shoebox does not work shows once it has a setting")
                .contains("shoebox_queue_paused{queue=\"smartSearch\"} 1.0");
        assertThat(body).contains("shoebox_queue_oldest_waiting_seconds{queue=\"metadataExtraction\"}");
        assertThat(body).containsPattern("shoebox_http_requests_seconds_count\\{method=\"GET\",route=\"/api/server/ping\",status=\"2xx\"} [1-9]");
        assertThat(body).contains("hikaricp_connections_active{pool=\"catalogue\"}")
                .contains("hikaricp_connections_idle{pool=\"catalogue\"}")
                .contains("hikaricp_connections_pending{pool=\"catalogue\"}");
        server.putJson("/api/jobs/smartSearch", ADMIN_KEY, Map.of("command", "resume"));
    }

    @Test
    void metricsNeedAnAdmin() {
        assertThat(server.get("/metrics", null).statusCode()).isEqualTo(401);
        String userKey = new TestCatalogue(server).newUser("metrics-user@test.local").apiKey();
        assertThat(server.get("/metrics", userKey).statusCode()).isEqualTo(403);
    }

    @Test
    void unknownPathsShareOneRouteLabel() {
        server.get("/api/no-such-route-" + System.nanoTime(), ADMIN_KEY);
        String body = server.get("/metrics", ADMIN_KEY).body();
        assertThat(body).contains("route=\"unmatched\"").doesNotContain("no-such-route-");
    }

    /**
     * Routes are templates, statuses are classes, buckets are a fixed few: many requests to many
     * assets with many statuses add a handful of lines per route, not hundreds.
     */
    @Test
    void theOutputStaysSmallHoweverManyRequests() {
        for (int i = 0; i < 60; i++) {
            server.get("/api/assets/" + java.util.UUID.randomUUID(), ADMIN_KEY);           // 400 or 404, one template
            server.get("/api/assets/not-a-uuid-" + i, ADMIN_KEY);
            server.get("/api/albums/" + java.util.UUID.randomUUID(), ADMIN_KEY);
            server.get("/api/server/ping", null);
            server.get("/api/users/me", i % 2 == 0 ? ADMIN_KEY : "wrong-key-" + i);      // 200 and 401
            server.get("/api/nothing/here/" + i, ADMIN_KEY);
        }
        String body = scrape();
        assertThat(body).doesNotContain("status=\"404\"").contains("status=\"4xx\"");
        Matcher m = Pattern.compile("(?m)^shoebox_http_requests_seconds_bucket\\{[^}]*route=\"/api/users/me\",status=\"4xx\",le=")
                .matcher(body);
        int buckets = 0;
        while (m.find()) {
            buckets++;
        }
        assertThat(buckets).as("buckets of one route and status class").isEqualTo(Metrics.HTTP_BUCKETS.length + 1);
        long lines = body.lines().filter(l -> !l.startsWith("#")).count();
        assertThat(lines).as("/metrics lines after 360 requests on 6 routes").isLessThan(500);
    }

    /**
     * A node in another process (here: another engine on the same database, sharing nothing with the
     * server but the database) works the jobs; the server, which runs none, shows their outcomes and
     * durations.
     */
    @Test
    void theWorkOfNodesElsewhereReachesTheServersMetrics() throws Exception {
        var db = server.server().database();
        JobClient jobs = JobClient.create(db.dataSource(), JobSchema.DEFAULT);
        MediaPipeline pipeline = new MediaPipeline(db.jdbi(), jobs, server.library(), Optional.empty());
        JobEngine worker = pipeline.register(JobEngine.builder().dataSource(db.dataSource()).nodeId("metrics-test-worker")
                .statsFlush(Duration.ofMillis(200)), MediaPipeline.Tools.detect(), 2).build().start();
        try {
            TestFiles.uploadNew(server, ADMIN_KEY, "metrics.jpg", app.shoebox.testing.TestUploads.noiseJpeg(64, 48, 7));
            String body = awaitScrape("shoebox_jobs_total{outcome=\"completed\",queue=\"duplicateDetection\"}");
            assertThat(body).contains("shoebox_jobs_total{outcome=\"completed\",queue=\"metadataExtraction\"} 1.0")
                    .contains("shoebox_jobs_total{outcome=\"completed\",queue=\"thumbnailGeneration\"} 1.0")
                    .contains("shoebox_jobs_total{outcome=\"completed\",queue=\"duplicateDetection\"} 1.0");
            assertThat(body).containsPattern("shoebox_job_duration_seconds_bucket\\{kind=\"AssetGenerateThumbnails\",le=\"\\+Inf\"} 1")
                    .containsPattern("shoebox_job_duration_seconds_count\\{kind=\"AssetExtractMetadata\"} 1")
                    .containsPattern("shoebox_job_duration_seconds_sum\\{kind=\"AssetExtractMetadata\"} 0\\.\\d+");
            assertThat(worker.metrics().completed()).isGreaterThanOrEqualTo(3);
        } finally {
            worker.stop(Duration.ofSeconds(10));
        }
    }
}
