package app.shoebox.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the maintenance services' {@code runOnce} on one platform thread. The loop only schedules:
 * the work lives in each service, so tests call {@code runOnce} directly.
 */
final class Maintenance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jobs-maintenance");
        t.setDaemon(true);
        return t;
    });

    void every(String name, Duration interval, Supplier<?> runOnce) {
        long ms = interval.toMillis();
        // a random first delay keeps nodes started together from running the same sweep in step
        long first = ThreadLocalRandom.current().nextLong(Math.max(1, ms / 2));
        executor.scheduleWithFixedDelay(() -> {
            try {
                Object result = runOnce.get();
                log.debug("{}: {}", name, result);
            } catch (RuntimeException e) {
                log.warn("{} failed; it runs again in {} ms: {}", name, ms, e.getMessage());
            }
        }, first, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
