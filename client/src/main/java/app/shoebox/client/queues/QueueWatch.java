package app.shoebox.client.queues;

import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.ApiException;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The server's background work as the user should see it: active and waiting jobs per queue,
 * read every few seconds, and after the upload, how long the queues will take to drain.
 */
public final class QueueWatch implements AutoCloseable {

    /** What the server is doing: per queue, and in all. {@code eta} once a drain rate is known. */
    public record Snapshot(List<ApiClient.QueueState> queues, long active, long waiting, long pending,
                           Optional<Duration> eta) {
        static Snapshot of(List<ApiClient.QueueState> qs, Optional<Duration> eta) {
            long active = 0;
            long waiting = 0;
            long pending = 0;
            for (ApiClient.QueueState q : qs) {
                active += q.active();
                waiting += q.waiting() + q.paused() + q.delayed();
                if (!q.isPaused()) {
                    pending += q.pending();
                }
            }
            return new Snapshot(qs, active, waiting, pending, eta);
        }

        /** Queues with work, {@code name active/waiting}, for a progress line. */
        public String busyQueues() {
            StringBuilder sb = new StringBuilder();
            for (ApiClient.QueueState q : queues) {
                long waiting = q.waiting() + q.paused() + q.delayed();
                if (q.active() + waiting > 0) {
                    sb.append(sb.isEmpty() ? "" : ", ").append(q.name()).append(' ').append(q.active()).append('/')
                            .append(waiting).append(q.isPaused() ? " (paused)" : "");
                }
            }
            return sb.isEmpty() ? "idle" : sb.toString();
        }
    }

    private final ApiClient api;
    private final Duration every;
    private final DrainRate drain = new DrainRate(Duration.ofSeconds(60));
    private volatile Snapshot latest;
    private volatile String unavailable;
    private final Thread poller;

    private QueueWatch(ApiClient api, Duration every) {
        this.api = api;
        this.every = every;
        this.poller = Thread.ofVirtual().name("queue-watch").unstarted(this::loop);
    }

    /** Starts watching when the key may read queues; empty (and why, to {@code log}) otherwise. */
    public static Optional<QueueWatch> start(ApiClient api, Duration every, Consumer<String> log) {
        if (!api.info().user().isAdmin()) {
            log.accept("the server's background jobs are not shown: the API key's user is not an admin");
            return Optional.empty();
        }
        QueueWatch w = new QueueWatch(api, every);
        try {
            w.poll();
        } catch (ApiException e) {
            log.accept("the server's background jobs are not shown: " + e.getMessage());
            return Optional.empty();
        }
        w.poller.start();
        return Optional.of(w);
    }

    public Optional<Snapshot> latest() {
        return Optional.ofNullable(latest);
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(every);
                poll();
                unavailable = null;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                unavailable = e.getMessage();
            }
        }
    }

    private synchronized void poll() {
        List<ApiClient.QueueState> qs = api.queues();
        drain.add(System.nanoTime(), Snapshot.of(qs, Optional.empty()).pending());
        latest = Snapshot.of(qs, drain.eta());
    }

    /**
     * {@code --wait-for-jobs}: blocks until no queue that is running has work left, handing every
     * reading to {@code progress}. Queues paused by someone else are not waited for.
     */
    public Snapshot awaitDrained(Consumer<Snapshot> progress) throws InterruptedException {
        while (true) {
            Snapshot s;
            try {
                synchronized (this) {
                    poll();
                }
                s = latest;
            } catch (ApiException e) {
                s = latest;
            }
            if (s != null) {
                progress.accept(s);
                if (s.pending() == 0) {
                    return s;
                }
            }
            Thread.sleep(every);
        }
    }

    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    @Override
    public void close() {
        poller.interrupt();
    }
}
