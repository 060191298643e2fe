package app.shoebox.server.contract;

import app.shoebox.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

/** Server information, the current user, the current key and login answer as the spec says. */
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
        assertValid("GET", "/server/ping", server.get("/api/server/ping", null));
        assertValid("GET", "/server/version", server.get("/api/server/version", null));
        assertValid("GET", "/server/about", server.get("/api/server/about", ServerFixture.ADMIN_KEY));
        assertValid("GET", "/server/features", server.get("/api/server/features", null));
        assertValid("GET", "/server/media-types", server.get("/api/server/media-types", null));
    }

    @Test
    void currentUserAndKey() {
        assertValid("GET", "/users/me", server.get("/api/users/me", ServerFixture.ADMIN_KEY));
        assertValid("GET", "/api-keys/me", server.get("/api/api-keys/me", ServerFixture.ADMIN_KEY));
    }

    @Test
    void login() {
        var r = server.postJson("/api/auth/login", null,
                Map.of("email", ServerFixture.ADMIN_EMAIL, "password", ServerFixture.ADMIN_PASSWORD));
        assertThat(r.statusCode()).isEqualTo(201);
        assertValid("POST", "/auth/login", r);
    }
}
