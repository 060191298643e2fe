package app.shoebox.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServerStartTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("server_start");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void discoveryNeedsNoCredential() {
        var r = server.get("/.well-known/immich", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ServerFixture.json(r).at("/api/endpoint").asText()).isEqualTo("/api");
    }

    @Test
    void firstStartAdminKeyFromTheEnvironmentWorks() {
        var r = server.get("/api/users/me", ServerFixture.ADMIN_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ServerFixture.json(r).get("email").asText()).isEqualTo(ServerFixture.ADMIN_EMAIL);
        assertThat(ServerFixture.json(r).get("isAdmin").asBoolean()).isTrue();
    }

    @Test
    void passwordLoginGivesASessionToken() {
        var r = server.postJson("/api/auth/login", null,
                Map.of("email", ServerFixture.ADMIN_EMAIL, "password", ServerFixture.ADMIN_PASSWORD));
        assertThat(r.statusCode()).isEqualTo(201);
        String token = ServerFixture.json(r).get("accessToken").asText();
        var me = server.send(server.request("/api/users/me", null).header("Authorization", "Bearer " + token).GET().build());
        assertThat(me.statusCode()).isEqualTo(200);

        var wrong = server.postJson("/api/auth/login", null,
                Map.of("email", ServerFixture.ADMIN_EMAIL, "password", "not the password"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(ServerFixture.json(wrong).get("message").asText()).isEqualTo("Incorrect email or password");
    }

    @Test
    void unknownRouteIsJson404() {
        var r = server.get("/api/no-such-thing", ServerFixture.ADMIN_KEY);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(ServerFixture.json(r).get("message").asText()).contains("/api/no-such-thing");
    }

    @Test
    void noKeyAndWrongKeyAre401() {
        assertThat(server.get("/api/users/me", null).statusCode()).isEqualTo(401);
        assertThat(server.get("/api/users/me", "wrong-key-wrong-key").statusCode()).isEqualTo(401);
    }
}
