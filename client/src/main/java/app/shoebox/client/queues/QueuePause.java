package app.shoebox.client.queues;

import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.ApiException;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The server's heavy queues held paused for the length of an upload, and how they are given back.
 * {@link #close()} ends the pause and is safe to call more than once, from any exit path.
 */
public sealed interface QueuePause extends AutoCloseable permits QueuePause.None, QueuePause.Leases, QueuePause.Recorded {

    /** What was paused and how, for the log. */
    String describe();

    /** The queues this run holds paused (empty when it holds none). */
    List<String> queues();

    @Override
    void close();

    /** Nothing paused, and why. */
    record None(String why) implements QueuePause {
        @Override
        public String describe() {
            return "not pausing the server's queues: " + why;
        }

        @Override
        public List<String> queues() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    /**
     * Shoebox: a pause lease on each queue, renewed every third of its time to live. A killed
     * uploader stops renewing and the pause ends by itself; a normal end releases it at once.
     */
    final class Leases implements QueuePause {
        private final ApiClient api;
        private final List<String> queues;
        private final String holder;
        private final int ttlSeconds;
        private final ScheduledExecutorService renewer;
        private final Consumer<String> log;
        private final AtomicBoolean closed = new AtomicBoolean();

        Leases(ApiClient api, List<String> queues, String holder, int ttlSeconds, ScheduledExecutorService renewer, Consumer<String> log) {
            this.api = api;
            this.queues = List.copyOf(queues);
            this.holder = holder;
            this.ttlSeconds = ttlSeconds;
            this.renewer = renewer;
            this.log = log;
            long period = Math.max(1000L, ttlSeconds * 1000L / 3);
            renewer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            QueuePauser.eachAtOnce(queues, q -> {
                if (closed.get()) {
                    return;
                }
                try {
                    api.takeLease(q, holder, ttlSeconds);
                } catch (ApiException e) {
                    log.accept("could not renew the pause of " + q + ": " + e.getMessage());
                } catch (RuntimeException e) {
                    log.accept("could not renew the pause of " + q + ": " + e);
                }
            });
        }

        @Override
        public String describe() {
            return "paused " + String.join(", ", queues) + " with a lease held by " + holder + " (" + ttlSeconds
                    + " s, renewed while the upload runs; it ends by itself if the upload is killed)";
        }

        @Override
        public List<String> queues() {
            return queues;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            renewer.shutdownNow();
            QueuePauser.eachAtOnce(queues, q -> {
                try {
                    api.releaseLease(q, holder);
                } catch (RuntimeException e) {
                    log.accept("could not release the pause of " + q + " (it ends by itself within " + ttlSeconds + " s): "
                            + e.getMessage());
                }
            });
        }
    }

    /**
     * Immich: a plain pause of the queues that were running, written down on disk before the first
     * pause ({@link PauseRecord}) so that only those are resumed: at the end, on an error, on
     * Ctrl-C, or by the next run when this one was killed.
     */
    final class Recorded implements QueuePause {
        private final ApiClient api;
        private final PauseRecord record;
        private final List<String> queues;
        private final Consumer<String> log;
        private final AtomicBoolean closed = new AtomicBoolean();

        Recorded(ApiClient api, PauseRecord record, List<String> queues, Consumer<String> log) {
            this.api = api;
            this.record = record;
            this.queues = List.copyOf(queues);
            this.log = log;
        }

        @Override
        public String describe() {
            return queues.isEmpty() ? "no heavy queue was running: nothing to pause"
                    : "paused " + String.join(", ", queues) + " (written down in " + record.file()
                    + " so that only these are resumed, even after a crash)";
        }

        @Override
        public List<String> queues() {
            return queues;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            boolean all = true;
            for (String q : queues) {
                try {
                    api.setPaused(q, false);
                } catch (RuntimeException e) {
                    all = false;
                    log.accept("could not resume " + q + ": " + e.getMessage() + " (the next upload resumes it)");
                }
            }
            if (all) {
                record.delete();
            }
            record.unlock();
        }
    }
}
