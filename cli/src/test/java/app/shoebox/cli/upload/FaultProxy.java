package app.shoebox.cli.upload;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP proxy in front of the real server that does what a user's network and an older
 * server do: answers 503 for a while, drops connections in the middle of a body, stalls, moves
 * bytes slowly, or answers like Immich 2.x (no pause leases, the v2 {@code /jobs} API). The
 * requests it saw are kept, so a test can count attempts.
 */
final class FaultProxy implements AutoCloseable {

    /** What to do with one request. */
    sealed interface Action {
        /** Forward it. */
        record Pass() implements Action {
        }

        /** Answer this status with an Immich error body (after reading the request body). */
        record Answer(int status, String message, String retryAfter) implements Action {
        }

        /** Forward the head and this many body bytes, then cut the connection. */
        record DropAfter(long bytes) implements Action {
        }

        /** Read nothing of the body for this long, then forward it. */
        record Stall(Duration time) implements Action {
        }

        /** Forward it, then hold the answer this long: a server queueing requests. */
        record AnswerLate(Duration time) implements Action {
        }
    }

    /** Decides per request; {@code attempt} counts requests with the same method and path. */
    @FunctionalInterface
    interface Rule {
        Action decide(String method, String path, int attempt);
    }

    /** Decides per request, seeing the request itself (its checksum header) as well. */
    @FunctionalInterface
    interface RequestRule {
        Action decide(Seen request, int attempt);
    }

    record Seen(String method, String path, String checksum) {
    }

    private static final Set<String> HOP = Set.of("connection", "content-length", "host", "expect", "upgrade", "keep-alive",
            "transfer-encoding", "te", "trailer", "proxy-connection");

    private final HttpServer server;
    private final HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final String target;
    private volatile RequestRule rule = (r, a) -> new Action.Pass();
    private volatile boolean immichV2;
    private volatile boolean immichV3;
    private volatile long bytesPerSecond;
    final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final java.util.Map<String, AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();

    FaultProxy(String target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FaultProxy rule(Rule r) {
        this.rule = (request, attempt) -> r.decide(request.method(), request.path(), attempt);
        return this;
    }

    FaultProxy rule(RequestRule r) {
        this.rule = r;
        return this;
    }

    /** Answers as Immich 2.7.5 would: its version and about, no pause leases, no v3 queue routes. */
    FaultProxy immichV2() {
        this.immichV2 = true;
        return this;
    }

    /** Answers as Immich 3.1 would: its about, no pause leases (the v3 queue routes go through). */
    FaultProxy immichV3() {
        this.immichV3 = true;
        return this;
    }

    /** Moves request bodies at most this fast (0: no limit). */
    FaultProxy throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    long count(String method, String pathPrefix) {
        return seen.stream().filter(s -> s.method().equals(method) && s.path().startsWith(pathPrefix)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        Seen request = new Seen(method, path, ex.getRequestHeaders().getFirst("x-immich-checksum"));
        seen.add(request);
        int attempt = attempts.computeIfAbsent(method + " " + path + "|" + request.checksum(),
                k -> new AtomicInteger()).incrementAndGet();
        // Every path answers and closes the exchange, except a drop: its exception makes the
        // server cut the connection with no answer.
        {
            if (immichV3 && answerAsImmichV3(ex, method, path) || immichV2 && answerAsImmichV2(ex, method, path)) {
                ex.close();
                return;
            }
            Action action = rule.decide(request, attempt);
            switch (action) {
                case Action.Answer a -> {
                    ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
                    if (a.retryAfter() != null) {
                        ex.getResponseHeaders().add("Retry-After", a.retryAfter());
                    }
                    json(ex, a.status(), "{\"message\":\"" + a.message() + "\"}");
                }
                case Action.DropAfter d -> {
                    ex.getRequestBody().readNBytes((int) Math.min(Integer.MAX_VALUE, d.bytes()));
                    // No answer: the connection goes down in the middle of the body.
                    throw new IOException("dropped by the test proxy");
                }
                case Action.Stall s -> {
                    sleep(s.time());
                    forward(ex, method, path, query, Duration.ZERO);
                }
                case Action.AnswerLate l -> forward(ex, method, path, query, l.time());
                case Action.Pass p -> forward(ex, method, path, query, Duration.ZERO);
            }
            ex.close();
        }
    }

    private boolean answerAsImmichV2(HttpExchange ex, String method, String path) throws IOException {
        if (path.equals("/api/server/version")) {
            json(ex, 200, "{\"major\":2,\"minor\":7,\"patch\":5}");
            return true;
        }
        if (path.equals("/api/server/about")) {
            json(ex, 200, "{\"version\":\"v2.7.5\",\"versionUrl\":\"\",\"licensed\":false,\"repository\":\"immich-app/immich\"}");
            return true;
        }
        if (path.startsWith("/api/queues")) {
            ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
            json(ex, 404, "{\"message\":\"Cannot " + method + " " + path + "\"}");
            return true;
        }
        return false;
    }

    private boolean answerAsImmichV3(HttpExchange ex, String method, String path) throws IOException {
        if (path.equals("/api/server/about")) {
            json(ex, 200, "{\"version\":\"v3.1.0\",\"versionUrl\":\"\",\"licensed\":false,\"repository\":\"immich-app/immich\"}");
            return true;
        }
        if (path.contains("/pause-lease")) {
            ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
            json(ex, 404, "{\"message\":\"Cannot " + method + " " + path + "\"}");
            return true;
        }
        return false;
    }

    private void forward(HttpExchange ex, String method, String path, String query, Duration late) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + path + (query == null ? "" : "?" + query)));
        ex.getRequestHeaders().forEach((k, vs) -> {
            if (!HOP.contains(k.toLowerCase(Locale.ROOT))) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        String length = ex.getRequestHeaders().getFirst("content-length");
        long n = length == null ? 0 : Long.parseLong(length);
        InputStream body = bytesPerSecond > 0 ? new Throttled(ex.getRequestBody(), bytesPerSecond) : ex.getRequestBody();
        HttpRequest.BodyPublisher publisher = n == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), n);
        HttpResponse<byte[]> r;
        try {
            r = upstream.send(b.method(method, publisher).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        r.headers().map().forEach((k, vs) -> {
            if (!HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.equals(":status")) {
                vs.forEach(v -> ex.getResponseHeaders().add(k, v));
            }
        });
        byte[] out = r.body();
        sleep(late);
        ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("content-type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An input stream that moves at most so many bytes a second. */
    private static final class Throttled extends InputStream {
        private final InputStream in;
        private final long rate;
        private final long start = System.nanoTime();
        private long read;

        Throttled(InputStream in, long rate) {
            this.in = in;
            this.rate = rate;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, (int) Math.min(len, Math.max(1, rate / 20)));
            if (n > 0) {
                read += n;
                long due = start + read * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleep(Duration.ofNanos(wait));
                }
            }
            return n;
        }
    }

    List<Seen> requests() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        server.stop(0);
        upstream.shutdownNow();
    }
}
