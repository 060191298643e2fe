package app.shoebox.jobs;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a handler knows about the attempt it runs, and how it commits its own writes with the job.
 *
 * <p>Guarantee: {@link #completeInTransaction} commits the handler's writes and the job's completion
 * atomically, fenced on this attempt and this node's lease; if the job was rescued or cancelled in
 * the meantime, everything is rolled back and {@link StaleJobException} is thrown.
 */
public interface JobContext {
    long id();

    String kind();

    String queue();

    /** The job's arguments as JSON text. */
    String args();

    /** 1 for the first attempt. */
    int attempt();

    /**
     * How many attempts this job gets (its own limit, else its kind's policy): a {@code Retry} or a
     * thrown exception on attempt {@code maxAttempts()} fails the job for good.
     */
    int maxAttempts();

    /** True once someone asked to cancel this job (the handler's thread is also interrupted). */
    boolean cancelRequested();

    /** Runs {@code work} in a transaction that also completes this job; commits both or neither. */
    void completeInTransaction(TransactionalWork work) throws SQLException;

    /** Writes a handler does in the transaction that completes its job. */
    @FunctionalInterface
    interface TransactionalWork {
        void run(Connection connection) throws SQLException;
    }
}
