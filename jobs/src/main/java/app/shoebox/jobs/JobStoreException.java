package app.shoebox.jobs;

/**
 * The job store could not do what was asked: the database is unreachable, the node's pool stayed
 * busy past its bound, or a statement failed. The message says which operation failed; the cause
 * carries the database's own error.
 */
public class JobStoreException extends RuntimeException {
    public JobStoreException(String message, Throwable cause) {
        super(message + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    }
}
