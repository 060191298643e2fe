package app.shoebox.server.contract;

import app.shoebox.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static app.shoebox.server.contract.OpenApiContract.assertValidV2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Server information, the current user, the current key, login and errors answer as the spec (and Immich) say. */
class ServerContractTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("server_contract");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void serverInformation() {
        valid("GET", "/server/ping", server.get("/api/server/ping", null));
        valid("GET", "/server/version", server.get("/api/server/version", null));
        valid("GET", "/server/about", server.get("/api/server/about", ServerFixture.ADMIN_KEY));
        valid("GET", "/server/features", server.get("/api/server/features", null));
        valid("GET", "/server/media-types", server.get("/api/server/media-types", null));
    }

    @Test
    void currentUserAndKey() {
        valid("GET", "/users/me", server.get("/api/users/me", ServerFixture.ADMIN_KEY));
        valid("GET", "/api-keys/me", server.get("/api/api-keys/me", ServerFixture.ADMIN_KEY));
    }

    @Test
    void login() {
        var r = server.postJson("/api/auth/login", null,
                Map.of("email", ServerFixture.ADMIN_EMAIL, "password", ServerFixture.ADMIN_PASSWORD));
        assertThat(r.statusCode()).isEqualTo(201);
        valid("POST", "/auth/login", r);
    }

    @Test
    void errorsHaveImmichsShape() {
        assertImmichError(401, server.get("/api/users/me", null));
        assertImmichError(404, server.get("/api/no-such-route", ServerFixture.ADMIN_KEY));
        var ping = server.get("/api/server/ping", null);
        assertThatThrownBy(() -> assertImmichError(404, ping))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("status is 200")
                .hasMessageContaining("$.message");
    }

    /** Both majors: clients of either read these answers. */
    private static void valid(String method, String template, HttpResponse<String> r) {
        assertValid(method, template, r);
        assertValidV2(method, template, r);
    }
}
