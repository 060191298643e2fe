package app.shoebox.jobs;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Times the engine's claim statement without taking any job: each probe runs the real claim in a
 * transaction that is rolled back. Guarantee: the queue is left exactly as it was. For benchmarks
 * and for checking the claim stays fast as a backlog grows.
 */
public final class ClaimProbe {
    private final JobStore store;
    private final DataSource dataSource;

    public ClaimProbe(DataSource dataSource, JobSchema schema) {
        this.store = new JobStore(schema);
        this.dataSource = dataSource;
    }

    /** Runs the claim of up to {@code batch} jobs of {@code queue}; returns its time in nanoseconds. */
    public long timeClaimNanos(String queue, int batch) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long start = System.nanoTime();
                int claimed = store.claim(c, "claim-probe", queue, batch).size();
                long took = System.nanoTime() - start;
                if (claimed == 0) {
                    throw new IllegalStateException("queue " + queue + " had no job to claim; the probe measures nothing");
                }
                return took;
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new JobStoreException("could not probe the claim of queue " + queue, e);
        }
    }
}
