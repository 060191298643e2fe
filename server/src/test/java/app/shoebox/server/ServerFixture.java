package app.shoebox.server;

import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.testing.TestPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A real {@code shoebox serve} for HTTP-level tests: its own database on the shared embedded
 * PostgreSQL, its own library folder, port 0 on 127.0.0.1, and a known admin API key.
 */
public final class ServerFixture implements AutoCloseable {

    public static final String ADMIN_EMAIL = "admin@test.local";
    public static final String ADMIN_PASSWORD = "correct horse battery";
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShoeboxServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private ServerFixture(ShoeboxServer server) {
        this.server = server;
    }

    public static ServerFixture start(String name) {
        return start(name, config -> config);
    }

    /** Starts a server; {@code customize} may change the configuration (e.g. a small upload limit). */
    public static ServerFixture start(String name, java.util.function.UnaryOperator<ServerConfig> customize) {
        TestPostgres pg = TestPostgres.get();
        String url = pg.newDatabase(name);
        Path library;
        try {
            Path root = Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT", System.getProperty("java.io.tmpdir")));
            library = Files.createTempDirectory(Files.createDirectories(root), "library-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig config = ServerConfig.defaults(library)
                .withBind("127.0.0.1", 0)
                .withDatabaseUrl(Optional.of(new DatabaseUrl(url, Optional.of(pg.user()), Optional.of(pg.password()))))
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of(ADMIN_EMAIL), Optional.of(ADMIN_PASSWORD),
                        Optional.of(ADMIN_KEY)));
        return new ServerFixture(ShoeboxServer.start(customize.apply(config)));
    }

    /** Wraps a server a test started itself (its own database or library), to speak HTTP to it the same way. */
    public static ServerFixture of(ShoeboxServer server) {
        return new ServerFixture(server);
    }

    public ShoeboxServer server() {
        return server;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public Path library() {
        return server.config().library();
    }

    /** A request builder for {@code path} carrying {@code apiKey} (none when null). */
    public HttpRequest.Builder request(String path, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (apiKey != null) {
            b.header("x-api-key", apiKey);
        }
        return b;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String apiKey) {
        return send(request(path, apiKey).GET().build());
    }

    public HttpResponse<String> postJson(String path, String apiKey, Object body) {
        return send(request(path, apiKey).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(toJson(body))).build());
    }

    public HttpResponse<String> putJson(String path, String apiKey, Object body) {
        return send(request(path, apiKey).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(toJson(body))).build());
    }

    public HttpResponse<String> deleteJson(String path, String apiKey, Object body) {
        return send(request(path, apiKey).header("content-type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(toJson(body))).build());
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("response is not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    public static String toJson(Object body) {
        if (body instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
