package app.shoebox.jobs;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A job to enqueue: what kind of work, on which queue, with which arguments.
 *
 * <p>Guarantee: a request is validated when built, so an insert never fails on a malformed request
 * after the caller's transaction has done other work. {@code args} must be a JSON document (the
 * database checks its syntax). Higher {@code priority} runs first within a queue. A {@code uniqueKey}
 * allows one waiting or running job per (kind, key). {@code runAt} delays the job; {@code maxAttempts}
 * overrides the kind's {@link RetryPolicy}.
 */
public record JobRequest(String kind, String queue, String args, int priority,
                         Optional<String> uniqueKey, Optional<Instant> runAt, OptionalInt maxAttempts) {

    public static final String DEFAULT_QUEUE = "default";

    public JobRequest {
        requireName("kind", kind);
        requireName("queue", queue);
        Objects.requireNonNull(args, "args");
        if (args.isBlank()) {
            throw new IllegalArgumentException("job args must be a JSON document, e.g. {} (kind " + kind + ")");
        }
        if (priority < Short.MIN_VALUE || priority > Short.MAX_VALUE) {
            throw new IllegalArgumentException("job priority " + priority + " is outside -32768..32767 (kind " + kind + ")");
        }
        Objects.requireNonNull(uniqueKey, "uniqueKey");
        Objects.requireNonNull(runAt, "runAt");
        Objects.requireNonNull(maxAttempts, "maxAttempts");
        uniqueKey.ifPresent(k -> {
            if (k.isEmpty()) {
                throw new IllegalArgumentException("job unique key must not be empty (kind " + kind + ")");
            }
        });
        if (maxAttempts.isPresent() && maxAttempts.getAsInt() < 1) {
            throw new IllegalArgumentException("job max attempts must be at least 1 (kind " + kind + ")");
        }
    }

    /** A job of this kind on the default queue with these JSON args. */
    public static JobRequest of(String kind, String args) {
        return builder(kind).args(args).build();
    }

    public static Builder builder(String kind) {
        return new Builder(kind);
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isBlank() || value.length() > 100 || value.equals(QueueAdmin.ALL_QUEUES)) {
            throw new IllegalArgumentException("job " + what + " '" + value + "' is not usable: give 1 to 100 characters, not '*'");
        }
    }

    /** Fills the optional parts of a {@link JobRequest}. */
    public static final class Builder {
        private final String kind;
        private String queue = DEFAULT_QUEUE;
        private String args = "{}";
        private int priority;
        private Optional<String> uniqueKey = Optional.empty();
        private Optional<Instant> runAt = Optional.empty();
        private OptionalInt maxAttempts = OptionalInt.empty();

        private Builder(String kind) {
            this.kind = kind;
        }

        public Builder queue(String queue) {
            this.queue = queue;
            return this;
        }

        public Builder args(String json) {
            this.args = json;
            return this;
        }

        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public Builder uniqueKey(String key) {
            this.uniqueKey = Optional.of(key);
            return this;
        }

        public Builder runAt(Instant at) {
            this.runAt = Optional.of(at);
            return this;
        }

        public Builder maxAttempts(int attempts) {
            this.maxAttempts = OptionalInt.of(attempts);
            return this;
        }

        public JobRequest build() {
            return new JobRequest(kind, queue, args, priority, uniqueKey, runAt, maxAttempts);
        }
    }
}
