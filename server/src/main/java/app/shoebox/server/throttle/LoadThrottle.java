package app.shoebox.server.throttle;

import app.shoebox.jobs.QueueAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Lowers the background queues' concurrency while the API is busy and raises it again afterwards.
 *
 * <p>The serving process looks at its own API every {@link Settings#tick}: uploads whose body is
 * being received, the 95th percentile of reads over the last seconds ({@link ApiLoad}), requests
 * waiting for a database connection. While any says busy, the throttle steps down one level per
 * tick ({@link #LEVELS}: every node runs half, a quarter, then one job at a time); once all have
 * been calm for {@link Settings#calm}, it steps up one level per tick while they stay calm, and at
 * full speed it ends. The level is a row of the job schema ({@link QueueAdmin#throttle}), so every worker
 * process and every worker on another machine obeys it; it is renewed while it holds and ends by
 * itself {@link Settings#ttl} after this process stops renewing it (a crash does not leave the
 * queues slow).
 */
public final class LoadThrottle implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoadThrottle.class);

    /** Fractions of each node's limits, from none to the most throttled (0: one job at a time per node). */
    static final double[] LEVELS = {1.0, 0.5, 0.25, 0.0};

    /**
     * @param enabled      false: the queues never give way (the throttle is off)
     * @param readP95Limit reads slower than this at the 95th percentile make the API busy
     * @param tick         how often the API is looked at
     * @param calm         how long the API must be calm before the queues get levels back (then one per tick)
     * @param ttl          how long a level holds after its last renewal
     */
    public record Settings(boolean enabled, Duration readP95Limit, Duration tick, Duration calm, Duration ttl) {
        public static final Settings DEFAULT = new Settings(true, Duration.ofMillis(200), Duration.ofMillis(500),
                Duration.ofSeconds(3), Duration.ofSeconds(15));
        public static final Settings OFF = new Settings(false, DEFAULT.readP95Limit, DEFAULT.tick, DEFAULT.calm, DEFAULT.ttl);

        public Settings {
            if (readP95Limit.isNegative() || readP95Limit.isZero() || tick.isNegative() || tick.isZero()
                    || ttl.compareTo(tick.multipliedBy(4)) < 0) {
                throw new IllegalArgumentException("the load throttle needs a positive read limit and tick, and a ttl of at "
                        + "least four ticks");
            }
        }
    }

    /** What can make the API busy, as the metrics name it. */
    public enum Signal {
        UPLOADS, READS, POOL;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One signal that says busy, and how it says it. */
    record Busy(Signal signal, String why) {}

    /**
     * Where the throttle stands: its fraction (1 when off or calm), why it was last lowered, and the
     * signals that said busy at the last look.
     */
    public record State(double fraction, Optional<String> reason, java.util.Set<Signal> busy) {}

    private final Settings settings;
    private final ApiLoad load;
    private final IntSupplier poolWaiting;
    private final QueueAdmin queues;
    private final String holder;
    private final ScheduledExecutorService timer;
    private int level;
    private String reason = "";
    private long calmSince = System.nanoTime();
    private long renewedAt;
    private volatile State state = new State(1.0, Optional.empty(), java.util.Set.of());

    LoadThrottle(Settings settings, ApiLoad load, IntSupplier poolWaiting, QueueAdmin queues, String holder) {
        this.settings = settings;
        this.load = load;
        this.poolWaiting = poolWaiting;
        this.queues = queues;
        this.holder = holder;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-throttle");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts looking at the API (nothing happens when the settings say off). */
    public static LoadThrottle start(Settings settings, ApiLoad load, IntSupplier poolWaiting, QueueAdmin queues, String holder) {
        LoadThrottle t = new LoadThrottle(settings, load, poolWaiting, queues, holder);
        if (settings.enabled()) {
            t.timer.scheduleWithFixedDelay(t::tickSafely, settings.tick().toMillis(), settings.tick().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return t;
    }

    public State state() {
        return state;
    }

    public Settings settings() {
        return settings;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("the load throttle could not look at the API or write its level: {}", e.getMessage());
        }
    }

    /** What makes the API busy now; empty when it is calm. */
    List<Busy> busy() {
        List<Busy> why = new ArrayList<>();
        ApiLoad.Snapshot s = load.snapshot();
        if (s.uploadsInFlight() > 0) {
            why.add(new Busy(Signal.UPLOADS, s.uploadsInFlight() + (s.uploadsInFlight() == 1 ? " upload" : " uploads") + " in flight"));
        }
        if (s.reads() >= 5 && s.readP95().isPresent() && s.readP95().get().compareTo(settings.readP95Limit()) > 0) {
            why.add(new Busy(Signal.READS, "API reads p95 " + s.readP95().get().toMillis() + " ms over "
                    + settings.readP95Limit().toMillis() + " ms"));
        }
        int waiting = poolWaiting.getAsInt();
        if (waiting > 0) {
            why.add(new Busy(Signal.POOL, waiting + " waiting for a database connection"));
        }
        return why;
    }

    /** The throttle's figures for /metrics: whether it is on, its fraction, and which signals say busy. */
    public List<app.shoebox.server.metrics.Metrics.Gauge> gauges() {
        State s = state;
        java.util.Map<io.prometheus.metrics.model.snapshots.Labels, Double> signals = new java.util.LinkedHashMap<>();
        for (Signal signal : Signal.values()) {
            signals.put(io.prometheus.metrics.model.snapshots.Labels.of("signal", signal.label()), s.busy().contains(signal) ? 1.0 : 0.0);
        }
        var none = io.prometheus.metrics.model.snapshots.Labels.EMPTY;
        return List.of(
                new app.shoebox.server.metrics.Metrics.Gauge("shoebox_load_throttle_enabled",
                        "1 when background jobs give way to a busy API (serve --load-throttle on)",
                        java.util.Map.of(none, settings.enabled() ? 1.0 : 0.0)),
                new app.shoebox.server.metrics.Metrics.Gauge("shoebox_load_throttle_fraction",
                        "Share of each worker's concurrency the background queues may use now (1: not throttled)",
                        java.util.Map.of(none, s.fraction())),
                new app.shoebox.server.metrics.Metrics.Gauge("shoebox_load_throttle_busy",
                        "1 while this signal says the API is busy: uploads in flight, slow reads, requests waiting for the pool",
                        signals));
    }

    private synchronized void tick() {
        List<Busy> busy = busy();
        java.util.Set<Signal> signals = java.util.EnumSet.noneOf(Signal.class);
        busy.forEach(b -> signals.add(b.signal()));
        long now = System.nanoTime();
        int before = level;
        if (!busy.isEmpty()) {
            reason = String.join(", ", busy.stream().map(Busy::why).toList());
        }
        step(!busy.isEmpty(), now);
        if (level == 0) {
            state = new State(1.0, Optional.empty(), signals);
            if (before != 0) {
                release();
                log.info("background jobs back to full speed: the API has been calm for {}", calmPeriod());
            }
            return;
        }
        state = new State(LEVELS[level], Optional.of(reason), signals);
        if (level != before || now - renewedAt >= settings.ttl().toNanos() / 3) {
            queues.throttle(QueueAdmin.ALL_QUEUES, LEVELS[level], reason, holder, settings.ttl());
            renewedAt = now;
            String share = LEVELS[level] == 0 ? "one job per node" : (int) (LEVELS[level] * 100) + " %";
            if (level > before) {
                log.info("background jobs throttled to {} of their concurrency: {}", share, reason);
            } else if (level < before) {
                log.info("background jobs back up to {} of their concurrency: the API has been calm for {}", share, calmPeriod());
            }
        }
    }

    /**
     * The level after a look at {@code now}: one down while busy; once calm for the calm period, one
     * up per look for as long as it stays calm. {@code calmSince} moves only when something is
     * busy, so full speed is back the calm period plus two looks after the last busy one (stepping
     * up one level per calm period kept an import's jobs slow for 9 s after its uploads ended, 7 %
     * of a 150-photo import).
     */
    int step(boolean busy, long now) {
        if (busy) {
            calmSince = now;
            level = Math.min(level + 1, LEVELS.length - 1);
        } else if (level > 0 && now - calmSince >= settings.calm().toNanos()) {
            level--;
        }
        return level;
    }

    private String calmPeriod() {
        long ms = settings.calm().toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private void release() {
        queues.releaseThrottle(QueueAdmin.ALL_QUEUES, holder);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (settings.enabled()) {
            try {
                release();
            } catch (RuntimeException e) {
                log.warn("could not end the load throttle; it ends by itself within {} s: {}", settings.ttl().toSeconds(),
                        e.getMessage());
            }
        }
    }
}
