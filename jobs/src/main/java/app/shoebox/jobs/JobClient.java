package app.shoebox.jobs;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What callers may do with jobs: enqueue, inspect, cancel, retry, delete.
 *
 * <p>Guarantees: {@link #insert(Connection, JobRequest)} writes in the caller's transaction, so the
 * job exists exactly when the caller's own rows commit; a unique key already held by a pending job
 * yields that job instead of a second one; cancel, retry and delete never touch a job another node
 * is changing in a way that would be overwritten (they are conditional on the job's state).
 */
public interface JobClient {

    /** A client on a data source whose job schema is already migrated (by a {@link JobEngine} or {@link JobSchema#migrate}). */
    static JobClient create(DataSource dataSource, JobSchema schema) {
        return new DefaultJobClient(new JobStore(schema), dataSource);
    }

    /** Inserts in the caller's transaction; nothing is committed here. */
    InsertResult insert(Connection transaction, JobRequest request);

    /** Inserts and commits on a connection of the client's own. */
    InsertResult insert(JobRequest request);

    /**
     * Bulk insert in the caller's transaction (COPY when no request has a unique key, one multi-row
     * statement otherwise). Returns the number of jobs inserted (duplicates are skipped).
     */
    long insertMany(Connection transaction, List<JobRequest> requests);

    /** Bulk insert, committed on the client's own connection. */
    long insertMany(List<JobRequest> requests);

    CancelResult cancel(long id);

    /** Puts a finished (failed, discarded, cancelled, quarantined, completed) job back to waiting, attempts reset. */
    boolean retry(long id);

    /** Deletes a job that is not running. */
    boolean delete(long id);

    /**
     * Deletes every job of {@code queue} in {@code states} (running jobs are never deleted), in
     * batches so no statement holds many locks. Returns how many went.
     */
    long deleteAll(String queue, Set<JobState> states);

    Optional<JobView> get(long id);

    /**
     * Jobs of a queue in a state, newest first, at most {@code limit}; {@code cursor} is the
     * previous page's {@link JobPage#nextCursor()}.
     */
    JobPage list(String queue, JobState state, int limit, OptionalLong cursor);
}
