package app.shoebox.cli.admin;

import app.shoebox.cli.Main;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try (ShoeboxServer server = ShoeboxServer.start(config)) {
            assertThat(server.firstStart()).isPresent();
            assertThat(library.resolve("postgres/PG_VERSION")).exists();

            Result created = shoebox("users", "create", "--library", library.toString(), "--email", "ann@test.local",
                    "--name", "Ann", "--password", "ann's long password");
            assertThat(created.exit()).as(created.err()).isZero();
            Matcher key = Pattern.compile("API key: (\\S+)").matcher(created.out());
            assertThat(key.find()).as(created.out()).isTrue();
            userKey = key.group(1);
            assertThat(status(server, "/api/users/me", userKey)).isEqualTo(200);

            Result limited = shoebox("api-keys", "create", "--library", library.toString(), "--user", "ann@test.local",
                    "--permission", "asset.read");
            assertThat(limited.exit()).as(limited.err()).isZero();
            String readOnly = limited.out().strip();
            assertThat(status(server, "/api/assets/statistics", readOnly)).as("asset.read does not give asset.statistics")
                    .isEqualTo(403);

            Result unknown = shoebox("api-keys", "create", "--library", library.toString(), "--user", "ann@test.local",
                    "--permission", "asset.fly");
            assertThat(unknown.exit()).isNotZero();
            assertThat(unknown.err()).contains("asset.fly");

            Result second = shoebox("serve", "--library", library.toString(), "--port", "0", "--bind", "127.0.0.1");
            assertThat(second.exit()).as("a second server on the same library refuses to start").isNotZero();
            assertThat(second.err()).contains("another shoebox serves this library");
        }
        try (ShoeboxServer again = ShoeboxServer.start(config)) {
            assertThat(again.firstStart()).as("the admin is not created twice").isEmpty();
            assertThat(status(again, "/api/users/me", KEY)).isEqualTo(200);
            assertThat(status(again, "/api/users/me", userKey)).isEqualTo(200);
        }
    }

    private int status(ShoeboxServer server, String path, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("x-api-key", key).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private record Result(int exit, String out, String err) {}

    private static Result shoebox(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.commandLine().execute(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
