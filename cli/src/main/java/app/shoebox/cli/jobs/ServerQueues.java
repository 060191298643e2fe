package app.shoebox.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The queues through a server's API ({@code /api/queues} and Shoebox's extensions in
 * docs/api-extensions.md), with an admin's API key: from any machine that reaches the server.
 */
final class ServerQueues implements Queues {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI api;
    private final String apiKey;

    ServerQueues(String server, String apiKey) {
        String base = server.strip().replaceAll("/+$", "");
        if (!base.matches("https?://.+")) {
            throw new IllegalArgumentException("--server '" + server + "' is not an http:// or https:// address "
                    + "(e.g. http://photos.local:2283)");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("--server needs an admin's --api-key (or env SHOEBOX_API_KEY)");
        }
        this.api = URI.create(base.endsWith("/api") ? base : base + "/api");
        this.apiKey = apiKey.strip();
    }

    @Override
    public List<View> list() {
        List<View> out = new ArrayList<>();
        for (JsonNode q : call("GET", "/queues", null)) {
            JsonNode s = q.path("statistics");
            List<String> by = new ArrayList<>();
            for (JsonNode p : q.path("pauses")) {
                by.add((p.path("queue").asText().equals("all") ? "all queues: " : "") + p.path("holder").asText()
                        + (p.path("expiresAt").isTextual() ? " until " + p.path("expiresAt").asText() : ""));
            }
            JsonNode t = q.path("throttle");
            out.add(new View(q.path("name").asText(), q.path("isPaused").asBoolean(), by, s.path("waiting").asLong(),
                    s.path("active").asLong(), s.path("delayed").asLong(), s.path("paused").asLong(), s.path("failed").asLong(),
                    s.path("completed").asLong(), q.path("concurrency").isNumber() ? Optional.of(q.path("concurrency").asInt())
                    : Optional.empty(), Duration.ofSeconds(q.path("oldestWaitingSeconds").asLong()),
                    t.isObject() ? Optional.of(t.path("reason").asText() + " (" + LibraryQueues.share(t.path("fraction").asDouble()) + ")")
                            : Optional.empty()));
        }
        return out;
    }

    @Override
    public void pause(String queue, Optional<Duration> ttl) {
        if (ttl.isPresent()) {
            call("PUT", "/queues/" + queue + "/pause-lease", Map.of("holder", HOLDER, "ttlSeconds", ttl.get().toSeconds()));
        } else {
            call("PUT", "/queues/" + queue, Map.of("isPaused", true));
        }
    }

    @Override
    public void resume(String queue) {
        call("PUT", "/queues/" + queue, Map.of("isPaused", false));
        try {
            call("DELETE", "/queues/" + queue + "/pause-lease/" + URLEncoder.encode(HOLDER, StandardCharsets.UTF_8)
                    .replace("+", "%20"), null);
        } catch (NotFound none) {
            // this command held no lease on it
        }
    }

    @Override
    public long retryFailed(String queue) {
        return call("POST", "/queues/" + queue + "/retry-failed", Map.of()).path("count").asLong();
    }

    @Override
    public void concurrency(String queue, int concurrency) {
        call("PUT", "/queues/" + queue + "/concurrency", Map.of("concurrency", concurrency));
    }

    @Override
    public Optional<Long> start(String queue, boolean all) {
        call("PUT", "/jobs/" + queue, Map.of("command", "start", "force", all));
        return Optional.empty();
    }

    @Override
    public String where() {
        return api.toString();
    }

    @Override
    public void close() {
        http.close();
    }

    private static final class NotFound extends IllegalStateException {
        NotFound(String message) {
            super(message);
        }
    }

    private JsonNode call(String method, String path, Object body) {
        String what = method + " " + api + path;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofMinutes(5))
                    .header("x-api-key", apiKey).header("accept", "application/json");
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("content-type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                String message = r.body();
                try {
                    message = JSON.readTree(r.body()).path("message").asText(r.body());
                } catch (IOException notJson) {
                    // the body as it came
                }
                String hint = switch (r.statusCode()) {
                    case 401 -> " (check --api-key)";
                    case 403 -> " (the key must be an admin's, with the queue permissions)";
                    default -> "";
                };
                if (r.statusCode() == 404) {
                    throw new NotFound(what + ": " + message);
                }
                throw new IllegalStateException(what + " answered " + r.statusCode() + ": " + message + hint);
            }
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (ConnectException e) {
            throw new IllegalStateException("cannot reach " + api + " (" + e.getClass().getSimpleName()
                    + "); check --server and that the server runs");
        } catch (IOException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }
}
