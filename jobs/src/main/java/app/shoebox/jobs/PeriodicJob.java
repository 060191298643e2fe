package app.shoebox.jobs;

import java.time.Duration;
import java.util.Objects;

/**
 * A job enqueued every {@code interval} by the elected leader node. Guarantee: at most one job per
 * period slot is enqueued however many nodes run (a unique key per slot backs the leader election).
 */
public record PeriodicJob(String name, Duration interval, JobRequest template) {
    public PeriodicJob {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("periodic job needs a name");
        }
        if (interval == null || interval.toMillis() < 1) {
            throw new IllegalArgumentException("periodic job '" + name + "' needs a positive interval");
        }
        Objects.requireNonNull(template, "template");
    }
}
