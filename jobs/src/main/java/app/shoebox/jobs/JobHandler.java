package app.shoebox.jobs;

/**
 * The work for one kind of job. Runs on a virtual thread holding no database connection unless it
 * asks for one through {@link JobContext#completeInTransaction}.
 *
 * <p>Guarantee: a thrown exception is never taken for success: it is recorded on the job (class,
 * message, stack head, node, time) and the job is retried per the kind's {@link RetryPolicy}.
 */
@FunctionalInterface
public interface JobHandler {
    JobOutcome handle(JobContext context) throws Exception;
}
