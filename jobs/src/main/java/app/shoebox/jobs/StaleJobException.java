package app.shoebox.jobs;

/**
 * A worker tried to change a job it no longer owns: the job was rescued, cancelled or claimed again
 * since this attempt started. The change (and, for {@link JobContext#completeInTransaction}, the
 * handler's own writes) was rolled back.
 */
public final class StaleJobException extends RuntimeException {
    private final long jobId;
    private final int attempt;

    public StaleJobException(long jobId, int attempt, String nodeId) {
        super("job " + jobId + " attempt " + attempt + " is no longer held by node " + nodeId
                + "; its result was rolled back (the job was rescued, cancelled or retried elsewhere)");
        this.jobId = jobId;
        this.attempt = attempt;
    }

    public long jobId() {
        return jobId;
    }

    public int attempt() {
        return attempt;
    }
}
