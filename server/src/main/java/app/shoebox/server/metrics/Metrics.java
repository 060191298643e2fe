package app.shoebox.server.metrics;

import app.shoebox.jobs.JobStats;
import app.shoebox.jobs.QueueAdmin;
import app.shoebox.jobs.QueueCounts;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics at {@code GET /metrics} (admin credential, e.g. {@code ?apiKey=}). Names and
 * labels are listed in docs/operating.md; deploy/grafana's dashboard reads them.
 *
 * <p>The fleet's job figures (jobs per queue and state, the oldest waiting job, outcomes per queue,
 * handler durations per kind) come from the database, where every node, worker processes included,
 * keeps them: one scrape of the server sees every worker, and no worker needs a port of its own.
 * They are read at most once per {@link #FLEET_MAX_AGE}, so frequent scrapes cost the database
 * three small queries. HTTP latency is a histogram per method, route template and status class
 * with {@link #HTTP_BUCKETS} fixed buckets, so the output stays a few hundred lines however long
 * the server runs (it was about 3,000 after a few minutes with a percentile histogram per status).
 */
public final class Metrics implements Api.Routes, HttpServer.RequestObserver {

    static final Duration FLEET_MAX_AGE = Duration.ofSeconds(5);

    /**
     * Upper bounds of the HTTP latency buckets: a page of the timeline should answer within 50-100 ms,
     * a search within a few hundred, an upload of a large video in seconds to minutes.
     */
    static final Duration[] HTTP_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(10), Duration.ofSeconds(60)};

    /** Extra figures a part of the server publishes (the load throttle): name, help and labelled values. */
    public record Gauge(String name, String help, Map<Labels, Double> values) {}

    private record Fleet(long takenAt, List<QueueCounts> counts, JobStats stats) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final QueueAdmin queues;
    private final Set<String> workedQueues;
    private final List<Supplier<List<Gauge>>> gauges = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Fleet fleet = new Fleet(Long.MIN_VALUE, List.of(), new JobStats(List.of(), List.of()));

    /**
     * @param workedQueues queues shown even before they have jobs (the pipeline's); any other queue
     *                     shows once it has jobs or settings
     */
    public Metrics(QueueAdmin queues, DataSource pool, Set<String> workedQueues) {
        this.queues = queues;
        this.workedQueues = Set.copyOf(workedQueues);
        if (pool instanceof HikariDataSource hikari) {
            hikari.setMetricRegistry(registry);
        }
        registry.getPrometheusRegistry().register(new FleetCollector());
    }

    /** Adds figures read at each scrape (they must be cheap: no database). */
    public void publish(Supplier<List<Gauge>> more) {
        gauges.add(more);
    }

    @Override
    public void observe(String method, String route, int status, long nanos) {
        Timer.builder("shoebox.http.requests").description("HTTP requests by method, route template and status class")
                .tag("method", method).tag("route", route).tag("status", (status / 100) + "xx")
                .serviceLevelObjectives(HTTP_BUCKETS)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void register(Api api) {
        api.rootGet("/metrics", Access.admin(Permission.SERVER_STATISTICS), (ctx, user) -> {
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
            ctx.result(registry.scrape());
        });
    }

    private Fleet fleet() {
        Fleet f = fleet;
        long now = System.nanoTime();
        if (f.takenAt() != Long.MIN_VALUE && now - f.takenAt() < FLEET_MAX_AGE.toNanos()) {
            return f;
        }
        synchronized (this) {
            if (fleet != f) {
                return fleet;
            }
            fleet = new Fleet(now, queues.counts(), queues.stats());
            return fleet;
        }
    }

    /** The job figures, from the database, built at each scrape from the cached {@link Fleet}. */
    private final class FleetCollector implements MultiCollector {

        @Override
        public MetricSnapshots collect() {
            Fleet f = fleet();
            Map<String, QueueCounts> byQueue = new TreeMap<>();
            f.counts().forEach(c -> byQueue.put(c.queue(), c));
            Set<String> shown = new TreeSet<>(workedQueues);
            shown.addAll(byQueue.keySet());

            List<MetricSnapshot> out = new ArrayList<>();
            GaugeSnapshot.Builder jobs = GaugeSnapshot.builder().name("shoebox_queue_jobs")
                    .help("Jobs per queue and state: waiting (could run now), active, delayed (retry or run later), "
                            + "paused (would run but the queue is paused), failed (failed, discarded or quarantined), completed "
                            + "(until pruned)");
            GaugeSnapshot.Builder oldest = GaugeSnapshot.builder().name("shoebox_queue_oldest_waiting_seconds")
                    .help("Age of the oldest job that could run now");
            GaugeSnapshot.Builder paused = GaugeSnapshot.builder().name("shoebox_queue_paused")
                    .help("1 while any pause or pause lease holds the queue");
            Map<String, ToDoubleFunction<QueueCounts>> states = new java.util.LinkedHashMap<>();
            states.put("waiting", QueueCounts::waiting);
            states.put("active", QueueCounts::active);
            states.put("delayed", QueueCounts::delayed);
            states.put("paused", QueueCounts::paused);
            states.put("failed", QueueCounts::failed);
            states.put("completed", QueueCounts::completed);
            for (String q : shown) {
                QueueCounts c = byQueue.get(q);
                states.forEach((state, count) -> jobs.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("queue", q, "state", state)).value(c == null ? 0 : count.applyAsDouble(c)).build()));
                oldest.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("queue", q))
                        .value(c == null ? 0 : c.oldestWaiting().toMillis() / 1000.0).build());
                paused.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("queue", q))
                        .value(c != null && c.isPaused() ? 1 : 0).build());
            }
            out.add(jobs.build());
            out.add(oldest.build());
            out.add(paused.build());

            // outcomes per queue, summed over kinds (a kind's own are in its duration histogram's count)
            Map<List<String>, Long> perQueue = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
            f.stats().outcomes().forEach(o -> perQueue.merge(List.of(o.queue(), o.outcome().label()), o.count(), Long::sum));
            CounterSnapshot.Builder outcomes = CounterSnapshot.builder().name("shoebox_jobs")
                    .help("Job outcomes per queue, every node of the fleet: completed, retried, failed, discarded, "
                            + "cancelled, snoozed, rescued (from a dead node), quarantined");
            perQueue.forEach((k, v) -> outcomes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("queue", k.get(0), "outcome", k.get(1))).value(v).build()));
            out.add(outcomes.build());

            HistogramSnapshot.Builder durations = HistogramSnapshot.builder().name("shoebox_job_duration_seconds")
                    .help("How long handlers ran, per job kind, every node of the fleet");
            for (JobStats.Durations d : f.stats().durations()) {
                double[] bounds = java.util.Arrays.copyOf(d.upperBounds(), d.upperBounds().length + 1);
                bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
                durations.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .labels(Labels.of("kind", d.kind()))
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, d.buckets()))
                        .sum(d.sumSeconds()).build());
            }
            out.add(durations.build());

            for (Supplier<List<Gauge>> source : gauges) {
                for (Gauge g : source.get()) {
                    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(g.name()).help(g.help());
                    g.values().forEach((labels, value) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(labels).value(value).build()));
                    out.add(b.build());
                }
            }
            return new MetricSnapshots(out);
        }
    }
}
