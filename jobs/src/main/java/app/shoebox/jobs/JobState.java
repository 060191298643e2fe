package app.shoebox.jobs;

import java.util.Locale;

/**
 * Where a job is in its life. {@code AVAILABLE} jobs wait (or are delayed until their run time);
 * {@code RUNNING} jobs hold a lease; the others are finished and are kept until pruned.
 */
public enum JobState {
    AVAILABLE, RUNNING, COMPLETED, FAILED, DISCARDED, CANCELLED, QUARANTINED;

    String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    static JobState fromSql(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** Finished and kept for inspection: can be retried or deleted. */
    public boolean finished() {
        return this != AVAILABLE && this != RUNNING;
    }
}
