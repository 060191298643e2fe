package app.shoebox.server.http;

import app.shoebox.server.auth.Permission;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A failure to report to the client as Immich does: a status and a message, with the field errors
 * of a failed validation. Where Immich has a fixed message (authentication, permissions, access,
 * validation) the message is Immich's word for word; elsewhere it says what was wrong with which
 * request and what to do. Never carries a stack trace to the client.
 */
public final class ApiException extends RuntimeException {

    /** Immich's message for a request that failed validation; the details are in {@link #errors()}. */
    public static final String VALIDATION_FAILED = "Validation failed";

    private final int status;
    private final List<Map<String, Object>> errors;

    public ApiException(int status, String message) {
        this(status, message, null);
    }

    private ApiException(int status, String message, List<Map<String, Object>> errors) {
        super(message, null, false, false);
        this.status = status;
        this.errors = errors;
    }

    public int status() {
        return status;
    }

    /** zod's issues when this is a failed validation. */
    public Optional<List<Map<String, Object>>> errors() {
        return Optional.ofNullable(errors);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    /** Immich's 400 for input that breaks its DTO schema: {@code "Validation failed"} with zod's issues. */
    public static ApiException validation(List<Map<String, Object>> issues) {
        return new ApiException(400, VALIDATION_FAILED, List.copyOf(issues));
    }

    /**
     * Immich's answer when an id names nothing the caller may act on with {@code permission}: a
     * 400, whether the resource is missing or someone else's, so existence is never leaked.
     */
    public static ApiException noAccess(Permission permission) {
        return new ApiException(400, "Not found or no " + permission.wireName() + " access");
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    /** A 404: an unknown route, or the few resources Immich reports as not found (a file not there yet). */
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
