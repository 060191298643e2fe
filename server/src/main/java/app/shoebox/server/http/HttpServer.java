package app.shoebox.server.http;

import app.shoebox.server.auth.Authenticator;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.validation.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

/**
 * The HTTP server: Javalin on Jetty with virtual threads. Every failure leaves as JSON in Immich's
 * error shape; unexpected ones are logged with a correlation id that the client also gets.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    /** Listening address and request limits. */
    public record Settings(String bindAddress, int port, long maxRequestBytes) {}

    private final Javalin app;

    /** Told of every answered request, for latency metrics: the route template, not the raw path. */
    @FunctionalInterface
    public interface RequestObserver {
        void observe(String method, String route, int status, long nanos);
    }

    private static final String STARTED = "shoebox.started";

    public HttpServer(Settings settings, ObjectMapper mapper, Authenticator authenticator, List<Api.Routes> features,
                      RequestObserver observer) {
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.jsonMapper(new JavalinJackson(mapper, true));
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.http.defaultContentType = "application/json";
            config.router.ignoreTrailingSlashes = true;
            config.jetty.host = settings.bindAddress();
            config.jetty.port = settings.port();

            config.routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
            config.routes.after(ctx -> {
                Long started = ctx.attribute(STARTED);
                if (started != null) {
                    var endpoint = ctx.endpoints().lastHttpEndpoint();
                    // Unmatched paths share one label, so a scanner cannot blow up the metric's cardinality.
                    String route = endpoint == null ? "unmatched" : endpoint.path;
                    observer.observe(ctx.method().name(), route, ctx.statusCode(), System.nanoTime() - started);
                }
            });
            Api api = new Api(config.routes, authenticator);
            features.forEach(f -> f.register(api));

            config.routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(), describe(e, ctx)));
            config.routes.exception(ValidationException.class, (e, ctx) -> respond(ctx, 400, "Invalid request: " + e.getErrors()));
            config.routes.exception(JacksonException.class, (e, ctx) -> respond(ctx, 400,
                    "Request body of " + ctx.method() + " " + ctx.path() + " is not valid JSON for this endpoint: "
                            + e.getOriginalMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                String id = UUID.randomUUID().toString();
                log.error("{} {} failed (correlation id {})", ctx.method(), ctx.path(), id, e);
                respond(ctx, 500, "Internal server error; the server log has details under correlation id " + id, id);
            });
            // Unknown routes and errors raised outside a handler (no body yet) still answer in JSON.
            config.routes.error(404, "*", ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    respond(ctx, 404, "Cannot " + ctx.method() + " " + ctx.path());
                }
            });
            config.routes.error(413, "*", ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    respond(ctx, 413, "Request body too large for " + ctx.method() + " " + ctx.path());
                }
            });
        });
    }

    private static String describe(HttpResponseException e, Context ctx) {
        return switch (e.getStatus()) {
            case 404 -> "Cannot " + ctx.method() + " " + ctx.path();
            case 413 -> "Request body too large for " + ctx.method() + " " + ctx.path();
            default -> e.getMessage();
        };
    }

    static void respond(Context ctx, int status, String message) {
        respond(ctx, status, message, UUID.randomUUID().toString());
    }

    static void respond(Context ctx, int status, String message, String correlationId) {
        ctx.status(status).json(ErrorBody.of(status, message, correlationId));
    }

    public HttpServer start() {
        app.start();
        return this;
    }

    /** The bound port (useful with port 0 in tests). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    Javalin javalin() {
        return app;
    }

}
