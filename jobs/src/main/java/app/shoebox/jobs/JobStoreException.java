package app.shoebox.jobs;

import java.sql.SQLException;
import java.util.Optional;

/**
 * The job store could not do what was asked: the database is unreachable, the node's pool stayed
 * busy past its bound, or a statement failed. The message says which operation failed; the cause
 * carries the database's own error.
 */
public class JobStoreException extends RuntimeException {
    public JobStoreException(String message, Throwable cause) {
        super(message + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    }

    /** The SQLSTATE of the database error behind this failure, when there was one. */
    public Optional<String> sqlState() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return Optional.of(s.getSQLState());
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the database refused the data itself (SQLSTATE class 22: a NUL in text, a value out
     * of range): writing the same data again fails the same way, so it must not be retried as is.
     */
    public boolean badData() {
        return badDataSqlState(this).isPresent();
    }

    /**
     * The SQLSTATE when {@code failure}, or one of its causes, is the database refusing data as
     * bad (class 22); for callers with failures of their own to judge by the same rule.
     */
    public static Optional<String> badDataSqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("22")) {
                return Optional.of(s.getSQLState());
            }
        }
        return Optional.empty();
    }
}
