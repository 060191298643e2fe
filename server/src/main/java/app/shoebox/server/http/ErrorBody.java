package app.shoebox.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * Immich 3's error shape: {@code {"message"}} alone, plus {@code errors} (zod's issues, see
 * {@link Validation}) when a request failed validation. The correlation id travels in the
 * {@value HttpServer#CORRELATION_HEADER} header, not in the body.
 */
public record ErrorBody(String message, @JsonInclude(JsonInclude.Include.NON_NULL) List<Map<String, Object>> errors) {

    public static ErrorBody of(String message) {
        return new ErrorBody(message, null);
    }
}
