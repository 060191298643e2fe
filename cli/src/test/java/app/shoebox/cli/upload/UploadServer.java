package app.shoebox.cli.upload;

import app.shoebox.cli.Main;
import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.Http;
import app.shoebox.client.api.ServerAddress;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.auth.ApiKeyService;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import app.shoebox.testing.TestPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real {@code shoebox serve} (in this JVM, through its public start API) on a database of its
 * own, with an admin key; and the uploader run against it through the real {@code shoebox}
 * command line, over real HTTP.
 */
final class UploadServer implements AutoCloseable {

    static final String KEY = "upload-test-admin-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShoeboxServer server;
    final Path root;

    private UploadServer(ShoeboxServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    static UploadServer start(String name) throws IOException {
        return start(name, false);
    }

    /** {@code jobs}: whether the server works its queues itself (metadata extraction, thumbnails). */
    static UploadServer start(String name, boolean jobs) throws IOException {
        TestPostgres pg = TestPostgres.get();
        String url = pg.newDatabase(name);
        Path root = Files.createTempDirectory(Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT",
                System.getProperty("java.io.tmpdir"))), "upload-" + name + "-");
        ServerConfig config = ServerConfig.defaults(root.resolve("library")).withBind("127.0.0.1", 0)
                .withDatabaseUrl(Optional.of(new DatabaseUrl(url, Optional.of(pg.user()), Optional.of(pg.password()))))
                .withStorageTemplate(Optional.empty()).withInProcessJobs(jobs)
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of("admin@test.local"), Optional.of("password123"),
                        Optional.of(KEY)));
        return new UploadServer(ShoeboxServer.start(config), root);
    }

    int port() {
        return server.port();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    Jdbi db() {
        return server.database().jdbi();
    }

    /** A client for assertions, with the admin key (or another). */
    ApiClient client(String key) {
        ApiClient c = ApiClient.open(ServerAddress.parse(url()), key, Http.Settings.defaults());
        c.connect();
        return c;
    }

    /** A user who is not an admin, with a key that may do everything a user may. */
    String userKey(String email) {
        User u = new UserService(db()).create(email, "Someone", "a long enough password", false);
        return new ApiKeyService(db()).create(u.id(), "test", List.of(Permission.ALL)).secret();
    }

    Path dir(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code shoebox upload <args>} in this JVM against this server; answers the exit code. */
    int upload(String... args) {
        return uploadTo(url(), KEY, args);
    }

    /** What a run answered and what it told the user (stdout and stderr). */
    record Run(int exit, String said) {
    }

    /** {@link #upload}, keeping what the run printed (tests in a JVM run one at a time). */
    Run uploadSaying(String... args) {
        return uploadToSaying(url(), KEY, args);
    }

    static Run uploadToSaying(String serverUrl, String key, String... args) {
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.PrintStream both = new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        int exit;
        try {
            exit = uploadTo(serverUrl, key, args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String text = said.toString(java.nio.charset.StandardCharsets.UTF_8);
        err.print(text);
        return new Run(exit, text);
    }

    static int uploadTo(String serverUrl, String key, String... args) {
        List<String> all = new ArrayList<>(List.of("upload"));
        all.add(args[0]);
        all.addAll(List.of("--server", serverUrl, "--api-key", key, "--no-ui"));
        all.addAll(List.of(args).subList(1, args.length));
        return Main.commandLine().execute(all.toArray(String[]::new));
    }

    static JsonNode report(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long assetCount() {
        return db().withHandle(h -> h.createQuery("SELECT count(*) FROM assets").mapTo(Long.class).one());
    }

    /** {@code album name:count}, sorted. */
    List<String> albums() {
        return db().withHandle(h -> h.createQuery("""
                SELECT al.album_name || ':' || count(aa.asset_id) FROM albums al LEFT JOIN album_assets aa ON aa.album_id = al.id
                GROUP BY al.album_name ORDER BY al.album_name""").mapTo(String.class).list());
    }

    @Override
    public void close() {
        server.close();
    }
}
