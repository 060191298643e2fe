package app.shoebox.cli.admin;

import app.shoebox.cli.InProcess;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.db.DatabaseUrl;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zero-configuration set-up: the catalogue in an embedded PostgreSQL inside the library folder,
 * kept across restarts, with users and keys made by {@code shoebox users create} and
 * {@code shoebox api-keys create} while the server runs.
 */
class EmbeddedLibraryTest {

    private static final String KEY = "embedded-library-test-key-0123";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theEmbeddedCatalogueSurvivesARestartAndTheAdminCommandsReachIt() throws Exception {
        Path library = Files.createTempDirectory(Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT",
                System.getProperty("java.io.tmpdir"))), "embedded-");
        ServerConfig config = ServerConfig.defaults(library).withBind("127.0.0.1", 0)
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of("owner@test.local"), Optional.of("password123"),
                        Optional.of(KEY)));
        String userKey;
        String dbUrl;
        try (ShoeboxServer server = ShoeboxServer.start(config)) {
            assertThat(server.firstStart()).isPresent();
            assertThat(library.resolve("postgres/PG_VERSION")).exists();

            InProcess.Result created = shoebox("users", "create", "--library", library.toString(), "--email", "ann@test.local",
                    "--name", "Ann", "--password", "ann's long password");
            assertThat(created.exit()).as(created.err()).isZero();
            Matcher key = Pattern.compile("API key: (\\S+)").matcher(created.out());
            assertThat(key.find()).as(created.out()).isTrue();
            userKey = key.group(1);
            assertThat(status(server, "/api/users/me", userKey)).isEqualTo(200);

            InProcess.Result limited = shoebox("api-keys", "create", "--library", library.toString(), "--user", "ann@test.local",
                    "--permission", "asset.read");
            assertThat(limited.exit()).as(limited.err()).isZero();
            String readOnly = limited.out().strip();
            assertThat(status(server, "/api/assets/statistics", readOnly)).as("asset.read does not give asset.statistics")
                    .isEqualTo(403);

            InProcess.Result unknown = shoebox("api-keys", "create", "--library", library.toString(), "--user", "ann@test.local",
                    "--permission", "asset.fly");
            assertThat(unknown.exit()).isNotZero();
            assertThat(unknown.err()).contains("asset.fly");

            InProcess.Result url = shoebox("db", "url", "--library", library.toString());
            assertThat(url.exit()).as(url.err()).isZero();
            dbUrl = url.out().strip();
            assertThat(dbUrl).matches("postgres://shoebox:[A-Za-z0-9_-]{32}@127\\.0\\.0\\.1:\\d+/postgres");
            assertThat(usersIn(dbUrl)).as("the printed URL reaches the catalogue while the server runs").isEqualTo(2);

            InProcess.Result reset = shoebox("users", "reset-password", "--library", library.toString(), "--email", "owner@test.local");
            assertThat(reset.exit()).as(reset.err()).isZero();
            Matcher newPassword = Pattern.compile("new password for owner@test.local: (\\S+)").matcher(reset.out());
            assertThat(newPassword.find()).as(reset.out()).isTrue();
            assertThat(login(server, "owner@test.local", newPassword.group(1))).isEqualTo(201);
            assertThat(login(server, "owner@test.local", "password123")).as("the old password is gone").isEqualTo(401);

            InProcess.Result second = shoebox("serve", "--library", library.toString(), "--port", "0", "--bind", "127.0.0.1");
            assertThat(second.exit()).as("a second server on the same library refuses to start").isNotZero();
            assertThat(second.err()).contains("another shoebox serves this library");
        }
        InProcess.Result stopped = shoebox("db", "url", "--library", library.toString());
        assertThat(stopped.out().strip()).as("the same URL while the server is stopped").isEqualTo(dbUrl);
        try (ShoeboxServer again = ShoeboxServer.start(config)) {
            assertThat(usersIn(dbUrl)).as("and it reaches the catalogue again after a restart").isEqualTo(2);
            assertThat(again.firstStart()).as("the admin is not created twice").isEmpty();
            assertThat(status(again, "/api/users/me", KEY)).isEqualTo(200);
            assertThat(status(again, "/api/users/me", userKey)).isEqualTo(200);
        }
    }

    private int status(ShoeboxServer server, String path, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("x-api-key", key).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int usersIn(String url) throws Exception {
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        try (Connection c = DriverManager.getConnection(parsed.jdbcUrl(), parsed.user().orElseThrow(), parsed.password().orElseThrow());
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM users")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private int login(ShoeboxServer server, String email, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/auth/login"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static InProcess.Result shoebox(String... args) {
        return InProcess.shoebox(args);
    }
}
