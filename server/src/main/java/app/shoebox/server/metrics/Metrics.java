package app.shoebox.server.metrics;

import app.shoebox.jobs.QueueAdmin;
import app.shoebox.jobs.QueueCounts;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.HttpServer;
import app.shoebox.server.queues.QueueNames;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Prometheus metrics at {@code GET /metrics} (admin credential, e.g. {@code ?apiKey=}): jobs per
 * queue and state, the age of the oldest waiting job, paused queues, HTTP latency per route, and
 * the database pool. Queue counts are read at most once per {@link #COUNTS_MAX_AGE}, so frequent
 * scrapes cost the database one query.
 */
public final class Metrics implements Api.Routes, HttpServer.RequestObserver {

    static final Duration COUNTS_MAX_AGE = Duration.ofSeconds(5);

    private record Snapshot(long takenAt, Map<String, QueueCounts> byQueue) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final QueueAdmin queues;
    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE, Map.of());

    public Metrics(QueueAdmin queues, DataSource pool) {
        this.queues = queues;
        if (pool instanceof HikariDataSource hikari) {
            hikari.setMetricRegistry(registry);
        }
        for (String queue : QueueNames.ALL) {
            gauge(queue, "waiting", QueueCounts::waiting);
            gauge(queue, "active", QueueCounts::active);
            gauge(queue, "delayed", QueueCounts::delayed);
            gauge(queue, "paused", QueueCounts::paused);
            gauge(queue, "failed", QueueCounts::failed);
            gauge(queue, "completed", QueueCounts::completed);
            Gauge.builder("shoebox.queue.oldest.waiting", () -> value(queue, c -> c.oldestWaiting().toMillis() / 1000.0))
                    .description("Age of the oldest job that could run now").baseUnit("seconds")
                    .tag("queue", queue).register(registry);
            Gauge.builder("shoebox.queue.paused", () -> value(queue, c -> c.isPaused() ? 1 : 0))
                    .description("1 while any pause or pause lease holds the queue").tag("queue", queue).register(registry);
        }
    }

    private void gauge(String queue, String state, ToDoubleFunction<QueueCounts> count) {
        Gauge.builder("shoebox.queue.jobs", () -> value(queue, count))
                .description("Jobs per queue and state").tag("queue", queue).tag("state", state).register(registry);
    }

    private double value(String queue, ToDoubleFunction<QueueCounts> f) {
        QueueCounts c = counts().get(queue);
        return c == null ? 0 : f.applyAsDouble(c);
    }

    private Map<String, QueueCounts> counts() {
        Snapshot s = snapshot;
        long now = System.nanoTime();
        if (s.takenAt() != Long.MIN_VALUE && now - s.takenAt() < COUNTS_MAX_AGE.toNanos()) {
            return s.byQueue();
        }
        synchronized (this) {
            if (snapshot != s) {
                return snapshot.byQueue();
            }
            List<QueueCounts> fresh = queues.counts();
            Map<String, QueueCounts> byQueue = fresh.stream()
                    .collect(Collectors.toUnmodifiableMap(QueueCounts::queue, c -> c, (a, b) -> a));
            snapshot = new Snapshot(now, byQueue);
            return byQueue;
        }
    }

    @Override
    public void observe(String method, String route, int status, long nanos) {
        Timer.builder("shoebox.http.requests").description("HTTP requests by route and status")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void register(Api api) {
        api.rootGet("/metrics", Access.admin(Permission.SERVER_STATISTICS), (ctx, user) -> {
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
            ctx.result(registry.scrape());
        });
    }
}
