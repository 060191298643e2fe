package app.shoebox.server.metrics;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

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

    @Test
    void prometheusSeesQueuesRequestsAndThePool() {
        server.putJson("/api/jobs/smartSearch", ADMIN_KEY, Map.of("command", "pause"));
        server.get("/api/server/ping", null);

        var r = server.get("/metrics?apiKey=" + ADMIN_KEY, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        String body = r.body();
        assertThat(body).contains("shoebox_queue_jobs{queue=\"thumbnailGeneration\",state=\"waiting\"} 0.0");
        assertThat(body).contains("shoebox_queue_paused{queue=\"smartSearch\"} 1.0");
        assertThat(body).contains("shoebox_queue_oldest_waiting_seconds{queue=\"metadataExtraction\"}");
        assertThat(body).containsPattern("shoebox_http_requests_seconds_count\\{method=\"GET\",route=\"/api/server/ping\",status=\"200\"} [1-9]");
        assertThat(body).contains("hikaricp_connections_active");
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
}
