package app.shoebox.client.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The transport under {@link ApiClient}: one {@link HttpClient} (HTTP/1.1, connections kept alive),
 * the API key on every request, retries of transient failures only ({@link RetryPolicy}), and an
 * idle timeout instead of a whole-request timeout: an attempt is abandoned when no byte has moved
 * for {@code idleTimeout}, however long a multi-gigabyte upload takes while it keeps moving.
 */
public final class Http implements AutoCloseable {

    /** What the transport sees, for the concurrency limiter and the log. */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        /** The server said it is overloaded (429 or 503). */
        default void overloaded(String request, int status) {
        }

        default void retrying(String request, int failedAttempt, String reason, Duration delay) {
        }
    }

    public record Settings(Duration idleTimeout, RetryPolicy retry) {
        public Settings {
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("the idle timeout must be positive, got " + idleTimeout);
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(120), RetryPolicy.defaults());
        }
    }

    /** A request body, made afresh for each attempt (an upload re-opens its file). */
    @FunctionalInterface
    public interface Body {
        HttpRequest.BodyPublisher publisher(Exchange exchange) throws IOException;

        static Body none() {
            return x -> HttpRequest.BodyPublishers.noBody();
        }

        static Body json(byte[] bytes) {
            return x -> HttpRequest.BodyPublishers.ofByteArray(bytes);
        }
    }

    /**
     * An answer. {@code serverNanos} is the time between the last byte of the body and the answer
     * (0 when unknown): the server's own time for the request, whatever the size of the file.
     */
    public record Response(int status, HttpHeaders headers, byte[] body, long serverNanos) {
    }

    private final ServerAddress address;
    private final String apiKey;
    private final Settings settings;
    private volatile Observer observer;
    private final HttpClient client;
    private final ObjectMapper mapper;
    private final Set<Exchange> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watch;

    public Http(ServerAddress address, String apiKey, Settings settings, ObjectMapper mapper) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("no API key given: pass --api-key KEY (or set SHOEBOX_API_KEY or IMMICH_API_KEY)");
        }
        this.address = address;
        this.apiKey = apiKey.strip();
        this.settings = settings;
        this.observer = Observer.NONE;
        this.mapper = mapper;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.idleTimeout()).followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        this.watch = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("http-idle-watch").unstarted(r));
        long period = Math.max(50, Math.min(1000, settings.idleTimeout().toMillis() / 4));
        watch.scheduleAtFixedRate(this::expireIdle, period, period, TimeUnit.MILLISECONDS);
    }

    public void observe(Observer o) {
        this.observer = o;
    }

    public ServerAddress address() {
        return address;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Sends a request, retrying transient failures when {@code retry} is set; answers a status
     * below 400, or throws {@link ApiException} (the server refused, or could not be reached) or
     * {@link SourceReadException} (the body's file could not be read).
     */
    public Response send(String method, String path, Body body, Map<String, String> headers, boolean retry) {
        return send(method, path, body, headers, retry ? settings.retry() : RetryPolicy.none());
    }

    /** As {@link #send(String, String, Body, Map, boolean)}, with a retry policy of its own. */
    public Response send(String method, String path, Body body, Map<String, String> headers, RetryPolicy policy) {
        String what = method + " " + path;
        for (int attempt = 1; ; attempt++) {
            Duration delay;
            String reason;
            try {
                Response r = once(method, path, body, headers);
                if (r.status() < 400) {
                    return r;
                }
                if (r.status() == 429 || r.status() == 503) {
                    observer.overloaded(what, r.status());
                }
                String message = errorMessage(r.body());
                if (!RetryPolicy.isTransient(r.status()) || attempt >= policy.maxAttempts()) {
                    throw new ApiException(what, r.status(), message, null);
                }
                delay = policy.delay(attempt, retryAfter(r.headers()));
                reason = r.status() + " " + message;
            } catch (IOException e) {
                if (attempt >= policy.maxAttempts()) {
                    throw new ApiException(what, 0, describe(e), e);
                }
                delay = policy.delay(attempt, Optional.empty());
                reason = describe(e);
            }
            observer.retrying(what, attempt, reason, delay);
            sleep(delay);
        }
    }

    /** A JSON request; the answer parsed (an empty body reads as a missing node). */
    public JsonNode json(String method, String path, Object body, boolean retry) {
        return json(method, path, body, retry ? settings.retry() : RetryPolicy.none());
    }

    public JsonNode json(String method, String path, Object body, RetryPolicy policy) {
        Body b;
        try {
            b = body == null ? Body.none() : Body.json(mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the body of " + method + " " + path + ": " + e.getMessage(), e);
        }
        Response r = send(method, path, b, body == null ? Map.of() : Map.of("content-type", "application/json"), policy);
        return parse(method + " " + path, r);
    }

    public JsonNode parse(String what, Response r) {
        if (r.body().length == 0) {
            return mapper.missingNode();
        }
        try {
            return mapper.readTree(r.body());
        } catch (IOException e) {
            throw new ApiException(what, r.status(), "the answer is not JSON: " + snippet(r.body()), e);
        }
    }

    private Response once(String method, String path, Body body, Map<String, String> headers) throws IOException {
        Exchange exchange = new Exchange();
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body.publisher(exchange);
        } catch (IOException e) {
            throw new SourceReadException(e.getMessage(), e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(address.resolve(path)).method(method, publisher)
                .header("x-api-key", apiKey).header("accept", "application/json");
        headers.forEach(b::header);
        active.add(exchange);
        try {
            CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            exchange.attach(future);
            HttpResponse<byte[]> response = future.get();
            long answered = System.nanoTime();
            long bodyDone = exchange.bodyDoneNanos();
            return new Response(response.statusCode(), response.headers(), response.body(),
                    bodyDone == 0 ? 0 : Math.max(0, answered - bodyDone));
        } catch (CancellationException e) {
            throw sourceOr(exchange, idle());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            IOException io = cause instanceof IOException x ? x : new IOException(String.valueOf(cause), cause);
            throw sourceOr(exchange, exchange.timedOut() ? idle() : io);
        } catch (InterruptedException e) {
            exchange.expire();
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for " + method + " " + path);
        } finally {
            active.remove(exchange);
            exchange.closeResources();
        }
    }

    private IdleTimeoutException idle() {
        return new IdleTimeoutException("no byte moved for " + settings.idleTimeout().toSeconds() + " s (idle timeout)");
    }

    private static IOException sourceOr(Exchange exchange, IOException network) {
        IOException source = exchange.sourceFailure();
        if (source != null) {
            throw new SourceReadException(source.getMessage(), source);
        }
        return network;
    }

    private void expireIdle() {
        long limit = settings.idleTimeout().toNanos();
        long now = System.nanoTime();
        for (Exchange e : active) {
            if (now - e.lastActivity() > limit + e.drainAllowanceNanos()) {
                try {
                    e.expire();
                } catch (RuntimeException | Error x) {
                    // A periodic task that throws is never run again: the watch must outlive any one exchange.
                }
            }
        }
    }

    /** An attempt that moved no byte for the idle timeout. */
    public static final class IdleTimeoutException extends IOException {
        IdleTimeoutException(String message) {
            super(message);
        }
    }

    /** The {@code message} of an Immich-shaped error body (a string, or v2's list of strings). */
    String errorMessage(byte[] body) {
        try {
            JsonNode n = mapper.readTree(body);
            JsonNode m = n == null ? null : n.get("message");
            if (m != null && m.isTextual()) {
                return m.asText();
            }
            if (m != null && m.isArray()) {
                StringBuilder sb = new StringBuilder();
                m.forEach(x -> sb.append(sb.isEmpty() ? "" : "; ").append(x.asText()));
                return sb.toString();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the raw text
        }
        String raw = snippet(body);
        return raw.isBlank() ? "(no message)" : raw;
    }

    private static String snippet(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
        return s.replaceAll("\\s+", " ");
    }

    static Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> v = headers.firstValue("retry-after").map(String::strip);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.get()))));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(Instant.now(), at.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException ignored) {
                return Optional.empty();
            }
        }
    }

    private static String describe(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "could not connect in time";
        }
        if (e instanceof ConnectException) {
            return "connection refused (is the server running and the URL right?)";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting to retry");
        }
    }

    @Override
    public void close() {
        watch.shutdownNow();
        client.shutdownNow();
    }
}
