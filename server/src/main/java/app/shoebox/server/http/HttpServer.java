package app.shoebox.server.http;

import app.shoebox.server.auth.Authenticator;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.validation.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;

import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The HTTP server: Javalin on Jetty with virtual threads. Every failure leaves as JSON in Immich's
 * error shape ({@link ErrorBody}) with a correlation id in the {@value #CORRELATION_HEADER} header;
 * unexpected ones are logged under that id and answered with Immich's bare "Internal server error".
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    /**
     * Listening address, the upload limit (the only route allowed a body that large) and the
     * reverse proxies whose {@code X-Forwarded-For} names the client.
     */
    public record Settings(String bindAddress, int port, long maxUploadBytes, TrustedProxies trustedProxies) {}

    /** Headers with which some frameworks let a POST act as another method; Shoebox honours none. */
    static final List<String> METHOD_OVERRIDES = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    /**
     * PostgreSQL's errors about a value it cannot hold (SQLSTATE class 22, data exception, and
     * 54000, e.g. an index row too large): when one reaches here, a request carried a value no
     * validation caught, so it is the client's 400, not a server failure.
     */
    private static final java.util.Set<String> VALUE_ERRORS = java.util.Set.of("22001", "22003", "22007", "22008", "22021",
            "22023", "22P05", "54000");

    /** The response header that carries a failure's correlation id, as Immich sends it. */
    public static final String CORRELATION_HEADER = "x-immich-cid";

    private final Javalin app;
    private Api api;

    /**
     * Told of every request: when it starts and ends (a servlet filter, so an aborted upload ends
     * too) with its raw path, and once answered with its route template, for latency metrics.
     */
    @FunctionalInterface
    public interface RequestObserver {
        void observe(String method, String route, int status, long nanos);

        default void started(String method, String path) {
        }

        default void finished(String method, String path) {
        }

        /** Tells {@code first}, then {@code second}. */
        static RequestObserver both(RequestObserver first, RequestObserver second) {
            return new RequestObserver() {
                @Override
                public void observe(String method, String route, int status, long nanos) {
                    first.observe(method, route, status, nanos);
                    second.observe(method, route, status, nanos);
                }

                @Override
                public void started(String method, String path) {
                    first.started(method, path);
                    second.started(method, path);
                }

                @Override
                public void finished(String method, String path) {
                    first.finished(method, path);
                    second.finished(method, path);
                }
            };
        }
    }

    private static final String STARTED = "shoebox.started";

    public HttpServer(Settings settings, ObjectMapper mapper, Authenticator authenticator, List<Api.Routes> features,
                      RequestObserver observer) {
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.jsonMapper(new JavalinJackson(mapper, true));
            // Javalin's own bound on ctx.body(); BodyLimit sets each route's, the upload streams its body.
            config.http.maxRequestSize = BodyLimit.JSON_BYTES;
            config.jetty.modifyServletContextHandler(handler -> {
                handler.addFilter(new FilterHolder(inFlight(observer)), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(BodyLimit.filter(BodyLimit.JSON_BYTES)), "/*", EnumSet.of(DispatcherType.REQUEST));
            });
            config.http.defaultContentType = "application/json";
            config.router.ignoreTrailingSlashes = true;
            config.jetty.host = settings.bindAddress();
            config.jetty.port = settings.port();

            config.routes.before(ctx -> {
                ctx.attribute(STARTED, System.nanoTime());
                settings.trustedProxies().remember(ctx);
                // Nothing Shoebox sends is to be read as anything but its declared type.
                ctx.header("X-Content-Type-Options", "nosniff");
                refuseMethodOverride(ctx);
            });
            config.routes.after(ctx -> {
                Long started = ctx.attribute(STARTED);
                if (started != null) {
                    long nanos = System.nanoTime() - started;
                    var endpoint = ctx.endpoints().lastHttpEndpoint();
                    // Unmatched paths share one label, so a scanner cannot blow up the metric's cardinality.
                    String route = endpoint == null ? "unmatched" : endpoint.path;
                    observer.observe(ctx.req().getMethod(), route, ctx.statusCode(), nanos);
                    RequestLog.answered(ctx, nanos);
                }
            });
            Api api = new Api(config.routes, authenticator, settings.maxUploadBytes());
            features.forEach(f -> f.register(api));
            this.api = api;

            config.routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(),
                    new ErrorBody(e.getMessage(), e.errors().orElse(null))));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(), describe(e, ctx)));
            config.routes.exception(ValidationException.class, (e, ctx) -> respond(ctx, 400, "Invalid request: " + e.getErrors()));
            config.routes.exception(MismatchedInputException.class, (e, ctx) -> respond(ctx, 400,
                    new ErrorBody(ApiException.VALIDATION_FAILED, List.of(mismatch(e)))));
            config.routes.exception(JacksonException.class, (e, ctx) -> respond(ctx, 400,
                    "Request body of " + ctx.method() + " " + ctx.path() + " is not valid JSON for this endpoint: "
                            + e.getOriginalMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                String id = correlationId(ctx);
                Optional<SQLException> value = valueError(e);
                if (value.isPresent()) {
                    log.warn("{} {} carried a value the database refused (correlation id {}): {}", ctx.req().getMethod(),
                            ctx.path(), id, value.get().getMessage());
                    respond(ctx, 400, ctx.req().getMethod() + " " + ctx.path() + ": a value in the request cannot be stored ("
                            + firstLine(value.get().getMessage()) + "); check text lengths, dates (years 1 to 9999) and numbers");
                    return;
                }
                log.error("{} {} failed (correlation id {})", ctx.method(), ctx.path(), id, e);
                respond(ctx, 500, "Internal server error");
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

    /** Brackets every request with {@link RequestObserver#started} and {@link RequestObserver#finished}, whatever happens in it. */
    private static jakarta.servlet.Filter inFlight(RequestObserver observer) {
        return (req, res, chain) -> {
            if (!(req instanceof jakarta.servlet.http.HttpServletRequest http)) {
                chain.doFilter(req, res);
                return;
            }
            String method = http.getMethod();
            String path = http.getRequestURI();
            observer.started(method, path);
            try {
                chain.doFilter(req, res);
            } finally {
                observer.finished(method, path);
            }
        };
    }

    private static void refuseMethodOverride(Context ctx) {
        for (String header : METHOD_OVERRIDES) {
            if (ctx.req().getHeader(header) != null) {
                throw ApiException.badRequest(ctx.req().getMethod() + " " + ctx.path() + " carries " + header
                        + ", which Shoebox does not honour; send the request with its real method instead");
            }
        }
    }

    private static Optional<SQLException> valueError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && VALUE_ERRORS.contains(s.getSQLState())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String describe(HttpResponseException e, Context ctx) {
        return switch (e.getStatus()) {
            case 404 -> "Cannot " + ctx.method() + " " + ctx.path();
            case 413 -> "Request body too large for " + ctx.method() + " " + ctx.path();
            default -> e.getMessage();
        };
    }

    static void respond(Context ctx, int status, String message) {
        respond(ctx, status, ErrorBody.of(message));
    }

    static void respond(Context ctx, int status, ErrorBody body) {
        ctx.header(CORRELATION_HEADER, correlationId(ctx));
        ctx.status(status).json(body);
    }

    private static final String CORRELATION = "shoebox.correlationId";

    /** This request's correlation id, made on first use. */
    static String correlationId(Context ctx) {
        String id = ctx.attribute(CORRELATION);
        if (id == null) {
            id = UUID.randomUUID().toString();
            ctx.attribute(CORRELATION, id);
        }
        return id;
    }

    /**
     * A JSON value of the wrong type for its field, as zod reports it: {@code invalid_type} at the
     * field's path, expecting what the DTO declares.
     */
    private static java.util.Map<String, Object> mismatch(MismatchedInputException e) {
        List<Object> path = e.getPath().stream()
                .<Object>map(r -> r.getFieldName() != null ? r.getFieldName() : r.getIndex()).toList();
        Class<?> target = e.getTargetType();
        String expected = target == null ? "object"
                : target == String.class || target == UUID.class || target.isEnum() ? "string"
                : target == Boolean.class || target == boolean.class ? "boolean"
                : Number.class.isAssignableFrom(target) || (target.isPrimitive() && target != boolean.class) ? "number"
                : java.util.Collection.class.isAssignableFrom(target) || target.isArray() ? "array" : "object";
        java.util.Map<String, Object> issue = Validation.invalidType(expected, null, path.toArray());
        issue.put("message", "Invalid input: expected " + expected + ", received " + received(e));
        return issue;
    }

    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("JsonToken\\.([A-Z_]+)");

    /** The JSON type that came instead, from the token Jackson names in its message. */
    private static String received(MismatchedInputException e) {
        java.util.regex.Matcher m = TOKEN.matcher(String.valueOf(e.getOriginalMessage()));
        if (!m.find()) {
            return "undefined";
        }
        return switch (m.group(1)) {
            case "START_ARRAY", "END_ARRAY" -> "array";
            case "START_OBJECT", "END_OBJECT", "FIELD_NAME" -> "object";
            case "VALUE_STRING" -> "string";
            case "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT" -> "number";
            case "VALUE_TRUE", "VALUE_FALSE" -> "boolean";
            case "VALUE_NULL" -> "null";
            default -> "undefined";
        };
    }

    public HttpServer start() {
        app.start();
        return this;
    }

    /**
     * Every route the server answers, read from Javalin's own router (so a route registered around
     * {@link Api} is listed too, as open), each with the access rule {@link Api} registered it with.
     * The route audit test walks this table.
     */
    public List<Api.Route> routes() {
        var router = app.unsafe.internalRouter;
        Stream<Api.Route> http = router.allHttpHandlers().stream().map(e -> e.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> new Api.Route(e.method.name(), e.path, api.accessOf(e.method.name(), e.path)));
        Stream<Api.Route> sockets = router.allWsHandlers().stream()
                .map(e -> new Api.Route("WEBSOCKET", e.getPath(), Optional.empty()));
        return Stream.concat(http, sockets).distinct().toList();
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
