package app.shoebox.client.api;

/**
 * A request the server refused or could not be reached for, after any retries. {@code status} is
 * the HTTP status, or 0 when no answer came (connection refused or reset, idle timeout).
 * {@code serverMessage} is the {@code message} of the error body (Immich's error shape), or a
 * description of the network failure.
 */
public final class ApiException extends RuntimeException {

    private final String request;
    private final int status;
    private final String serverMessage;

    public ApiException(String request, int status, String serverMessage, Throwable cause) {
        super(request + (status == 0 ? " failed: " : " answered " + status + ": ") + serverMessage, cause);
        this.request = request;
        this.status = status;
        this.serverMessage = serverMessage;
    }

    public String request() {
        return request;
    }

    public int status() {
        return status;
    }

    public String serverMessage() {
        return serverMessage;
    }

    /** Whether a later try may succeed (the retries were used up, or the call was not retried). */
    public boolean isTransient() {
        return status == 0 || RetryPolicy.isTransient(status);
    }

    public boolean isNotFound() {
        return status == 404;
    }

    public boolean isForbidden() {
        return status == 401 || status == 403;
    }
}
