package app.shoebox.jobs;

import java.util.List;
import java.util.Locale;

/**
 * What every node of the fleet did since the schema was made: outcomes per queue and kind, and how
 * long handlers ran per kind. Guarantee: every count only grows (a monotonic counter, whichever
 * node restarts); each node adds its own every few seconds, so a count lags by at most that much,
 * and a node killed with {@code kill -9} loses at most its last few seconds of counts, never a job.
 */
public record JobStats(List<OutcomeCount> outcomes, List<Durations> durations) {

    /** Upper bounds, in seconds, of the duration buckets: no-op jobs, thumbnails, video posters, long videos. */
    public static final double[] DURATION_BOUNDS = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    public JobStats {
        outcomes = List.copyOf(outcomes);
        durations = List.copyOf(durations);
    }

    /** What became of an attempt (or of a job, for the rescuer's counts). */
    public enum Outcome {
        /** The handler's work is committed. */
        COMPLETED,
        /** The attempt failed and the job waits for another. */
        RETRIED,
        /** The last allowed attempt failed. */
        FAILED,
        /** The handler said no attempt can succeed (a corrupt file). */
        DISCARDED,
        CANCELLED,
        /** Put off without using an attempt. */
        SNOOZED,
        /** Taken back from a node that stopped renewing its lease (it died). */
        RESCUED,
        /** Rescued once too often: it kept killing its workers. */
        QUARANTINED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Outcome of(JobState written) {
            return switch (written) {
                case AVAILABLE -> RETRIED;
                case FAILED -> FAILED;
                case DISCARDED -> DISCARDED;
                case CANCELLED -> CANCELLED;
                case COMPLETED -> COMPLETED;
                case QUARANTINED -> QUARANTINED;
                case RUNNING -> throw new IllegalArgumentException("running is no outcome");
            };
        }
    }

    public record OutcomeCount(String queue, String kind, Outcome outcome, long count) {}

    /**
     * A histogram of one kind's handler durations: {@code buckets[i]} attempts took at most
     * {@code upperBounds[i]} seconds and more than the bound before (not cumulative); the last bucket,
     * one longer than the bounds, holds the attempts above the last bound.
     */
    public record Durations(String kind, double[] upperBounds, long[] buckets, long count, double sumSeconds) {}
}
