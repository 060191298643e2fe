package app.shoebox.server.users;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

/** Users managed by an admin, a user's own profile and password, and the server's state for the login page. */
class UserAdminRoutesTest {

    static ServerFixture server;
    static TestCatalogue catalogue;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("user_admin_routes");
        catalogue = new TestCatalogue(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> login(String email, String password) {
        return server.postJson("/api/auth/login", null, Map.of("email", email, "password", password));
    }

    @Test
    void anAdminCreatesListsResetsAndRemovesAUser() {
        HttpResponse<String> created = server.postJson("/api/admin/users", ADMIN_KEY,
                Map.of("email", "carol@example.com", "name", "Carol", "password", "first password"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertValid("POST", "/admin/users", created);
        String id = json(created).get("id").asText();
        assertThat(login("carol@example.com", "first password").statusCode()).isEqualTo(201);

        HttpResponse<String> list = server.get("/api/admin/users", ADMIN_KEY);
        assertValid("GET", "/admin/users", list);
        assertThat(json(list).findValuesAsText("email")).contains("carol@example.com", ServerFixture.ADMIN_EMAIL);
        HttpResponse<String> one = server.get("/api/admin/users/" + id, ADMIN_KEY);
        assertValid("GET", "/admin/users/{id}", one);

        HttpResponse<String> reset = server.putJson("/api/admin/users/" + id, ADMIN_KEY,
                Map.of("password", "reset password", "shouldChangePassword", true));
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertValid("PUT", "/admin/users/{id}", reset);
        assertThat(json(reset).get("shouldChangePassword").asBoolean()).isTrue();
        assertThat(login("carol@example.com", "first password").statusCode()).isEqualTo(401);
        assertThat(json(login("carol@example.com", "reset password")).get("shouldChangePassword").asBoolean()).isTrue();

        HttpResponse<String> removed = server.deleteJson("/api/admin/users/" + id, ADMIN_KEY, Map.of());
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertValid("DELETE", "/admin/users/{id}", removed);
        assertThat(json(removed).get("status").asText()).isEqualTo("deleted");
        assertThat(login("carol@example.com", "reset password").statusCode()).isEqualTo(401);
        assertThat(json(server.get("/api/admin/users", ADMIN_KEY)).findValuesAsText("email")).doesNotContain("carol@example.com");
        assertThat(json(server.get("/api/admin/users?withDeleted=true", ADMIN_KEY)).findValuesAsText("email")).contains("carol@example.com");
    }

    @Test
    void aForcedDeleteRemovesTheUsersAssets() {
        TestUser dan = catalogue.newUser("dan@example.com");
        UUID asset = catalogue.asset(dan.id(), "dan.jpg");
        HttpResponse<String> r = server.deleteJson("/api/admin/users/" + dan.id(), ADMIN_KEY, Map.of("force", true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE id = '" + asset + "'")).isZero();
        assertThat(catalogue.count("SELECT count(*) FROM users WHERE id = '" + dan.id() + "'")).isZero();
        assertThat(server.get("/api/users/me", dan.apiKey()).statusCode()).isEqualTo(401);
    }

    @Test
    void onlyAdminsManageUsersAndNoAdminRemovesThemselves() {
        TestUser eve = catalogue.newUser("eve@example.com");
        assertThat(server.get("/api/admin/users", eve.apiKey()).statusCode()).isEqualTo(403);
        assertThat(server.postJson("/api/admin/users", eve.apiKey(), Map.of("email", "x@example.com", "name", "X", "password", "long enough"))
                .statusCode()).isEqualTo(403);
        UUID admin = catalogue.admin().id();
        assertThat(server.deleteJson("/api/admin/users/" + admin, ADMIN_KEY, Map.of()).statusCode()).isEqualTo(400);
        assertThat(server.putJson("/api/admin/users/" + admin, ADMIN_KEY, Map.of("isAdmin", false)).statusCode()).isEqualTo(400);
        assertThat(server.postJson("/api/admin/users", ADMIN_KEY, Map.of("email", "not-an-email", "name", "X", "password", "long enough"))
                .body()).contains("not-an-email");
        assertThat(server.postJson("/api/admin/users", ADMIN_KEY, Map.of("email", "short@example.com", "name", "X", "password", "short"))
                .statusCode()).isEqualTo(400);
        assertThat(server.postJson("/api/admin/users", ADMIN_KEY, Map.of("email", ServerFixture.ADMIN_EMAIL, "name", "X", "password", "long enough"))
                .body()).contains("User exists");
        assertImmichError(400, "User not found", server.get("/api/admin/users/" + UUID.randomUUID(), ADMIN_KEY));
    }

    @Test
    void aUserChangesTheirNameAndPassword() {
        catalogue.newUser("fay@example.com");
        String token = json(login("fay@example.com", "password-fay@example.com")).get("accessToken").asText();
        String other = json(login("fay@example.com", "password-fay@example.com")).get("accessToken").asText();
        HttpResponse<String> me = server.send(server.request("/api/users/me", null).header("Authorization", "Bearer " + token)
                .header("content-type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"Fay F.\"}")).build());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertValid("PUT", "/users/me", me);
        assertThat(json(me).get("name").asText()).isEqualTo("Fay F.");

        HttpResponse<String> wrong = bearerPost(token, "/api/auth/change-password",
                Map.of("password", "not it", "newPassword", "a new password"));
        assertThat(wrong.statusCode()).isEqualTo(400);
        HttpResponse<String> changed = bearerPost(token, "/api/auth/change-password",
                Map.of("password", "password-fay@example.com", "newPassword", "a new password", "invalidateSessions", true));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertValid("POST", "/auth/change-password", changed);
        assertThat(login("fay@example.com", "a new password").statusCode()).isEqualTo(201);
        // The other session ended; the one that changed the password goes on.
        assertThat(server.send(server.request("/api/users/me", null).header("Authorization", "Bearer " + other).GET().build())
                .statusCode()).isEqualTo(401);
        assertThat(server.send(server.request("/api/users/me", null).header("Authorization", "Bearer " + token).GET().build())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void serverConfigAndStatistics() {
        HttpResponse<String> config = server.get("/api/server/config", null);
        assertThat(config.statusCode()).isEqualTo(200);
        assertValid("GET", "/server/config", config);
        assertThat(json(config).get("isInitialized").asBoolean()).isTrue();

        TestUser gus = catalogue.newUser("gus@example.com");
        catalogue.asset(gus.id(), "gus.jpg");
        HttpResponse<String> stats = server.get("/api/server/statistics", ADMIN_KEY);
        assertThat(stats.statusCode()).isEqualTo(200);
        assertValid("GET", "/server/statistics", stats);
        JsonNode gusUsage = null;
        for (JsonNode u : json(stats).get("usageByUser")) {
            if (u.get("userId").asText().equals(gus.id().toString())) {
                gusUsage = u;
            }
        }
        assertThat(gusUsage).isNotNull();
        assertThat(gusUsage.get("photos").asInt()).isEqualTo(1);
        assertThat(gusUsage.get("usage").asLong()).isEqualTo(1234);
        assertThat(server.get("/api/server/statistics", gus.apiKey()).statusCode()).isEqualTo(403);
    }

    @Test
    void adminSignUpOnlyOnAServerWithoutUsers() {
        assertThat(server.postJson("/api/auth/admin-sign-up", null,
                Map.of("email", "late@example.com", "name", "Late", "password", "long enough")).statusCode()).isEqualTo(400);
        try (ServerFixture empty = ServerFixture.start("admin_sign_up")) {
            empty.server().database().jdbi().useHandle(h -> h.execute("DELETE FROM users"));
            assertThat(json(empty.get("/api/server/config", null)).get("isInitialized").asBoolean()).isFalse();
            HttpResponse<String> r = empty.postJson("/api/auth/admin-sign-up", null,
                    Map.of("email", "first@example.com", "name", "First", "password", "long enough"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertValid("POST", "/auth/admin-sign-up", r);
            assertThat(json(r).get("isAdmin").asBoolean()).isTrue();
            assertThat(empty.postJson("/api/auth/login", null, Map.of("email", "first@example.com", "password", "long enough"))
                    .statusCode()).isEqualTo(201);
            assertThat(empty.postJson("/api/auth/admin-sign-up", null,
                    Map.of("email", "second@example.com", "name", "Second", "password", "long enough")).statusCode()).isEqualTo(400);
        }
    }

    private static HttpResponse<String> bearerPost(String token, String path, Object body) {
        return server.send(server.request(path, null).header("Authorization", "Bearer " + token)
                .header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(ServerFixture.toJson(body))).build());
    }
}
