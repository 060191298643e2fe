package app.shoebox.server.http;

/**
 * A failure to report to the client as Immich does: a status and a message that says what was
 * wrong with which request and what to do. Never carries a stack trace to the client.
 */
public final class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    /** Also the answer for another user's resource: existence is never leaked. */
    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }
}
