package app.shoebox.server.http;

import io.javalin.http.HttpStatus;

/** Immich's error shape: {@code {"message", "error", "statusCode", "correlationId"}}. */
public record ErrorBody(String message, String error, int statusCode, String correlationId) {

    public static ErrorBody of(int status, String message, String correlationId) {
        HttpStatus known = HttpStatus.forStatus(status);
        String error = known == HttpStatus.UNKNOWN ? "Error" : known.getMessage();
        return new ErrorBody(message, error, status, correlationId);
    }
}
