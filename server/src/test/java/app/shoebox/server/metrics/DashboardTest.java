package app.shoebox.server.metrics;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.server.auth.Permission;
import app.shoebox.testing.TestUploads;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the Prometheus example in deploy/ work against a running server: every
 * metric a panel queries is on its /metrics, and the scrape configuration's way of authenticating
 * is one the server accepts, with a key that may do nothing else.
 */
class DashboardTest {

    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    /** An identifier in PromQL that is not a function call: with labels, ranges and strings taken out, a metric. */
    private static final Pattern METRIC = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\\s*\\(|[\\w:])");
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless");

    static ServerFixture server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start("dashboard", cfg -> cfg.withInProcessJobs(true));
        // a photo through the whole pipeline, so every kind of job has an outcome and a duration
        TestFiles.uploadNew(server, ADMIN_KEY, "dashboard.jpg", TestUploads.noiseJpeg(320, 240, 11));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!scrape().contains("shoebox_jobs_total{outcome=\"completed\",queue=\"duplicateDetection\"}")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the upload's jobs did not finish:\n" + scrape());
            }
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String scrape() {
        return server.get("/metrics?apiKey=" + ADMIN_KEY, null).body();
    }

    static Set<String> queriedMetrics(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(expr).as("panel '" + panel.path("title").asText() + "' has a query").isNotBlank();
                // label matchers and values are not metric names
                String withoutLabels = expr.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\{[^}]*}", " ")
                        .replaceAll("\\[[^]]*]", " ").replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
                Matcher m = METRIC.matcher(withoutLabels);
                while (m.find()) {
                    if (!PROMQL_WORDS.contains(m.group(1))) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }

    @Test
    void everyMetricTheDashboardQueriesIsOnTheServersMetrics() throws Exception {
        JsonNode dashboard = ServerFixture.json(Files.readString(DEPLOY.resolve("grafana").resolve("shoebox.json")));
        assertThat(dashboard.path("panels").size()).isGreaterThan(8);
        Set<String> queried = queriedMetrics(dashboard);
        assertThat(queried).as("what the dashboard covers").contains("shoebox_queue_jobs", "shoebox_queue_oldest_waiting_seconds",
                "shoebox_jobs_total", "shoebox_job_duration_seconds_bucket", "shoebox_http_requests_seconds_bucket",
                "hikaricp_connections_active", "hikaricp_connections_idle", "hikaricp_connections_pending");
        server.get("/api/server/ping", null);
        String metrics = scrape();
        List<String> missing = queried.stream()
                .filter(name -> !Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(metrics).find())
                .toList();
        assertThat(missing).as("metrics the dashboard queries that /metrics does not have").isEmpty();
    }

    @Test
    void theMetricNameFinderFindsNamesAndSkipsLabelsAndFunctions() {
        JsonNode d = ServerFixture.json("""
                {"panels": [{"targets": [{"expr": "histogram_quantile(0.95, sum by (route, le) (rate(a_bucket{route!=\\"x_y\\"}[5m])))"},
                                         {"expr": "b_total / c > 0 and on (x) d"}]}]}""");
        assertThat(queriedMetrics(d)).containsExactlyInAnyOrder("a_bucket", "b_total", "c", "d");
    }

    @Test
    void thePrometheusExampleAuthenticatesTheWayTheServerAccepts() throws Exception {
        String config = Files.readString(DEPLOY.resolve("prometheus").resolve("prometheus.yml"));
        Matcher path = Pattern.compile("(?m)^\\s*metrics_path:\\s*(\\S+)").matcher(config);
        Matcher param = Pattern.compile("(?m)^\\s*params:\\s*\\n\\s*(\\w+):").matcher(config);
        assertThat(path.find()).isTrue();
        assertThat(param.find()).isTrue();
        TestCatalogue catalogue = new TestCatalogue(server);
        // the key the example's comment says to make: the admin's, with server.statistics only
        String key = catalogue.key(catalogue.admin().id(), List.of(Permission.SERVER_STATISTICS));
        var r = server.get(path.group(1) + "?" + param.group(1) + "=" + key, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("shoebox_queue_jobs{");
        assertThat(server.get("/api/users/me", key).statusCode()).as("and nothing else").isEqualTo(403);
    }
}
