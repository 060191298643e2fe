package app.shoebox.jobs;

import java.time.Duration;
import java.util.Objects;

/**
 * What a handler decided about its job. Guarantee: the engine applies it fenced on the attempt and
 * the lease owner, so an outcome from a worker that lost its lease changes nothing.
 */
public sealed interface JobOutcome {

    /** The work is done. */
    record Complete() implements JobOutcome {
    }

    /** A transient failure: try again after the kind's backoff, while attempts remain. */
    record Retry(String reason) implements JobOutcome {
        public Retry {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A permanent failure (a corrupt file): never try again; the reason is kept on the job. */
    record Discard(String reason) implements JobOutcome {
        public Discard {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Run again after {@code delay} without using up an attempt. */
    record Snooze(Duration delay) implements JobOutcome {
        public Snooze {
            if (delay == null || delay.isNegative()) {
                throw new IllegalArgumentException("snooze delay must be zero or positive");
            }
        }
    }

    /** Stop for good without counting as a failure. */
    record Cancel(String reason) implements JobOutcome {
        public Cancel {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static JobOutcome complete() {
        return new Complete();
    }

    static JobOutcome retry(String reason) {
        return new Retry(reason);
    }

    static JobOutcome discard(String reason) {
        return new Discard(reason);
    }

    static JobOutcome snooze(Duration delay) {
        return new Snooze(delay);
    }

    static JobOutcome cancel(String reason) {
        return new Cancel(reason);
    }
}
