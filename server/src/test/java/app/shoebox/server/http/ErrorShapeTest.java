package app.shoebox.server.http;

import app.shoebox.testing.LogCapture;
import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import app.shoebox.server.auth.Permission;
import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors as Immich 3.1 answers them: {@code {"message"}} alone (plus zod's {@code errors} for a
 * failed validation), Immich's exact words where it has fixed ones, authentication before
 * validation, and a 500's correlation id in a header and the log, never the body.
 */
class ErrorShapeTest {

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser alice;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("error_shape");
        catalogue = new TestCatalogue(server);
        alice = catalogue.newUser("alice@example.com");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void authenticationErrorsUseImmichsWords() {
        assertImmichError(401, "Authentication required", server.get("/api/users/me", null));
        assertImmichError(401, "Invalid API key", server.get("/api/users/me", "not-a-key-at-all-0123456789"));
        var bearer = server.send(server.request("/api/users/me", null).header("Authorization", "Bearer nope").GET().build());
        assertImmichError(401, "Invalid user token", bearer);
        assertThat(json(bearer).size()).isEqualTo(1);
    }

    @Test
    void permissionAndAdminErrorsUseImmichsWords() {
        String uploadOnly = catalogue.key(alice.id(), List.of(Permission.ASSET_UPLOAD));
        assertImmichError(403, "Missing required permission: album.read", server.get("/api/albums", uploadOnly));
        assertImmichError(403, "Forbidden", server.get("/api/admin/users", alice.apiKey()));
    }

    @Test
    void aMalformedIdIsAValidationFailureWithZodsIssue() {
        var r = server.get("/api/albums/not-a-uuid", alice.apiKey());
        assertImmichError(400, "Validation failed", r);
        JsonNode issue = json(r).get("errors").get(0);
        assertThat(issue.get("code").asText()).isEqualTo("invalid_format");
        assertThat(issue.get("format").asText()).isEqualTo("uuid");
        assertThat(issue.get("origin").asText()).isEqualTo("string");
        assertThat(issue.get("path").toString()).isEqualTo("[\"id\"]");
        assertThat(issue.get("message").asText()).isEqualTo("Invalid UUID");
        assertThat(issue.get("pattern").asText()).startsWith("/^(").endsWith(")$/");
        // A version-1 UUID is not one Immich accepts either (its ids are version 4).
        assertImmichError(400, "Validation failed", server.get("/api/assets/6ba7b810-9dad-11d1-80b4-00c04fd430c8", alice.apiKey()));
    }

    @Test
    void bodyIdsAreLocatedByFieldAndIndex() {
        var r = server.send(server.request("/api/albums/assets", alice.apiKey()).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"albumIds\":[\"" + UUID.randomUUID() + "\",\"x\"],\"assetIds\":[]}")).build());
        assertImmichError(400, "Validation failed", r);
        assertThat(json(r).at("/errors/0/path").toString()).isEqualTo("[\"albumIds\",1]");
    }

    @Test
    void aValueOfTheWrongTypeIsZodsInvalidType() {
        var r = server.postJson("/api/albums", alice.apiKey(), Map.of("albumName", List.of("not", "a", "string")));
        assertImmichError(400, "Validation failed", r);
        JsonNode issue = json(r).at("/errors/0");
        assertThat(issue.get("code").asText()).isEqualTo("invalid_type");
        assertThat(issue.get("expected").asText()).isEqualTo("string");
        assertThat(issue.get("path").toString()).isEqualTo("[\"albumName\"]");
        assertThat(issue.get("message").asText()).isEqualTo("Invalid input: expected string, received array");
    }

    @Test
    void authenticationIsCheckedBeforeValidation() {
        assertImmichError(401, "Authentication required", server.get("/api/albums/not-a-uuid", null));
        assertImmichError(401, "Authentication required", server.get("/api/assets/not-a-uuid/thumbnail", null));
        assertImmichError(401, "Invalid API key", server.putJson("/api/tags/not-a-uuid", "wrong-key-0123456789abcdef", Map.of()));
    }

    @Test
    void anUnknownRouteIsA404InTheSameShape() {
        assertImmichError(404, "Cannot GET /api/no-such-thing", server.get("/api/no-such-thing", alice.apiKey()));
    }

    @Test
    void aServerFailureKeepsItsCorrelationIdOutOfTheBody() {
        var jdbi = server.server().database().jdbi();
        jdbi.useHandle(h -> h.execute("ALTER TABLE tags RENAME TO tags_away"));
        HttpResponse<String> r;
        try (LogCapture log = LogCapture.of(HttpServer.class, Level.ERROR)) {
            r = server.get("/api/tags", alice.apiKey());
            String id = r.headers().firstValue(HttpServer.CORRELATION_HEADER).orElseThrow();
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains(id));
        } finally {
            jdbi.useHandle(h -> h.execute("ALTER TABLE tags_away RENAME TO tags"));
        }
        assertImmichError(500, "Internal server error", r);
        assertThat(r.body()).doesNotContain("tags_away").doesNotContain("correlation");
    }
}
