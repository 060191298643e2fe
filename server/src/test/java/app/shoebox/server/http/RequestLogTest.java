package app.shoebox.server.http;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.testing.LogCapture;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One line per request, without secrets; uploads and file downloads at debug level only. */
class RequestLogTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("request_log");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void eachRequestIsOneLineWithMethodPathStatusTimeAndClient() {
        try (LogCapture log = LogCapture.of(RequestLog.class, Level.INFO)) {
            server.get("/api/albums?apiKey=" + ServerFixture.ADMIN_KEY, null);
            server.get("/api/no-such-route", ServerFixture.ADMIN_KEY);

            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(0)).matches("INFO GET /api/albums 200 \\d+ ms from 127\\.0\\.0\\.1");
            assertThat(log.lines().get(1)).matches("INFO GET /api/no-such-route 404 \\d+ ms from 127\\.0\\.0\\.1");
        }
    }

    @Test
    void noSecretReachesAnyLogAtAnyLevel() {
        String token;
        try (LogCapture log = LogCapture.all(Level.DEBUG)) {
            var login = server.postJson("/api/auth/login", null,
                    Map.of("email", ServerFixture.ADMIN_EMAIL, "password", ServerFixture.ADMIN_PASSWORD));
            token = ServerFixture.json(login).get("accessToken").asText();
            server.postJson("/api/auth/login", null, Map.of("email", ServerFixture.ADMIN_EMAIL, "password", "a wrong secret"));
            server.get("/api/users/me?apiKey=" + ServerFixture.ADMIN_KEY, null);
            server.get("/api/users/me", ServerFixture.ADMIN_KEY);
            server.send(server.request("/api/users/me", null).header("Cookie", "immich_access_token=" + token).GET().build());
            server.send(server.request("/api/users/me", null).header("Authorization", "Bearer " + token).GET().build());
            var created = ServerFixture.json(server.postJson("/api/api-keys", ServerFixture.ADMIN_KEY,
                    Map.of("name", "k", "permissions", java.util.List.of("all"))));
            server.get("/api/users/me", created.get("secret").asText());

            assertThat(log.lines()).isNotEmpty().noneMatch(l -> l.contains(ServerFixture.ADMIN_KEY) || l.contains(token)
                    || l.contains(ServerFixture.ADMIN_PASSWORD) || l.contains("a wrong secret")
                    || l.contains(created.get("secret").asText()));
        }
    }

    @Test
    void uploadsAndFileDownloadsAreDebugLines() {
        try (LogCapture log = LogCapture.of(RequestLog.class, Level.DEBUG)) {
            String id = TestFiles.uploadNew(server, ServerFixture.ADMIN_KEY, "log.jpg", TestFiles.jpeg(500));
            server.send(server.request("/api/assets/" + id + "/original", ServerFixture.ADMIN_KEY).GET().build());
            server.get("/api/assets/" + id, ServerFixture.ADMIN_KEY);

            assertThat(log.lines()).anyMatch(l -> l.matches("DEBUG POST /api/assets 201 .*"))
                    .anyMatch(l -> l.matches("DEBUG GET /api/assets/" + id + "/original 200 .*"))
                    .anyMatch(l -> l.matches("INFO GET /api/assets/" + id + " 200 .*"))
                    .noneMatch(l -> l.startsWith("INFO POST /api/assets ") || l.startsWith("INFO GET /api/assets/" + id + "/original"));
        }
    }

    @Test
    void requestsRefusedBeforeAnyRouteAreLoggedToo() {
        try (LogCapture log = LogCapture.of(RequestLog.class, Level.INFO)) {
            server.send(server.request("/api/albums", ServerFixture.ADMIN_KEY).header("X-HTTP-Method-Override", "DELETE")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(log.lines()).singleElement().asString().matches("INFO POST /api/albums 400 \\d+ ms from 127\\.0\\.0\\.1");
        }
    }
}
