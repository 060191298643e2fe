package app.shoebox.cli.admin;

import app.shoebox.cli.InProcess;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.testing.TestFolders;
import app.shoebox.testing.TestUploads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code shoebox users}, {@code shoebox api-keys} and {@code shoebox jobs} beside a running server
 * on an embedded library: through the catalogue, and (jobs) through the server's API.
 */
class AdminCommandsTest {

    private static final String KEY = "admin-commands-test-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path library;
    private static ShoeboxServer server;

    @BeforeAll
    static void start() {
        library = TestFolders.create("admin-commands-").resolve("library");
        // The load throttle off: the test's own uploads would otherwise throttle the queues for a few
        // seconds, and `jobs` would say so where the test reads "idle"; the throttle's display is
        // tested below with a row written as a busy server writes it.
        server = ShoeboxServer.start(ServerConfig.defaults(library).withBind("127.0.0.1", 0)
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of("root@test.local"), Optional.of("root's password"),
                        Optional.of(KEY)))
                .withLoadThrottle(app.shoebox.server.throttle.LoadThrottle.Settings.OFF));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static InProcess.Result ok(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--server")) {
            all.addAll(List.of("--library", library.toString()));
        }
        InProcess.Result r = InProcess.shoebox(all.toArray(String[]::new));
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
        return r;
    }

    private static InProcess.Result fails(String... args) {
        InProcess.Result r = InProcess.shoebox(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out()).isNotZero();
        return r;
    }

    private static int status(String path, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("x-api-key", key)
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String upload(String key, String name, byte[] jpeg) throws Exception {
        TestUploads.Form form = TestUploads.asset(name, jpeg);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/assets"))
                .header("x-api-key", key).header("content-type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r.body());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private static String key(InProcess.Result created) {
        Matcher m = Pattern.compile("API key: (\\S+)").matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        return m.group(1);
    }

    @Test
    void usersAreListedCreatedAndDeleted() throws Exception {
        String bobKey = key(ok("users", "create", "--email", "bob@test.local", "--name", "Bob", "--password", "bob's password"));
        String carolKey = key(ok("users", "create", "--email", "carol@test.local", "--password", "carol's password", "--admin"));
        upload(bobKey, "bob.jpg", TestUploads.noiseJpeg(40, 30, 1));
        String carolAsset = upload(carolKey, "carol.jpg", TestUploads.noiseJpeg(40, 30, 2));

        String list = ok("users", "list").out();
        assertThat(list.lines().filter(l -> l.startsWith("bob@test.local")).findFirst().orElseThrow())
                .contains("Bob").contains("user").containsPattern("\\s1\\s+0\\s").contains("active");
        assertThat(list).containsPattern("carol@test.local\\s+carol@test.local\\s+admin");

        assertThat(ok("users", "delete", "--email", "bob@test.local").out()).contains("can no longer sign in");
        assertThat(status("/api/users/me", bobKey)).as("his keys end with him").isEqualTo(401);
        assertThat(ok("users", "list").out()).doesNotContain("bob@test.local");
        assertThat(ok("users", "list", "--deleted").out()).containsPattern("bob@test.local.*deleted \\d{4}-");

        Path carolFile = onlyFileUnder(library.resolve("upload"), carolAsset);
        ok("users", "delete", "--email", "carol@test.local", "--force");
        assertThat(carolFile).as("--force removes the files too").doesNotExist();
        assertThat(ok("users", "list", "--deleted").out()).doesNotContain("carol@test.local");

        InProcess.Result lastAdmin = fails("users", "delete", "--library", library.toString(), "--email", "root@test.local");
        assertThat(lastAdmin.err()).contains("root@test.local is the only admin");
        assertThat(status("/api/users/me", KEY)).isEqualTo(200);
        assertThat(fails("users", "delete", "--library", library.toString(), "--email", "nobody@test.local").err())
                .contains("no user with the e-mail nobody@test.local");
    }

    @Test
    void apiKeysAreListedWithoutTheirSecretsAndRevoked() throws Exception {
        ok("users", "create", "--email", "dan@test.local", "--password", "dan's password");
        String danKey = ok("api-keys", "create", "--user", "dan@test.local", "--name", "phone",
                "--permission", "asset.read,asset.upload").out().strip();
        assertThat(status("/api/users/me", danKey)).isEqualTo(403);
        assertThat(status("/api/assets/statistics", danKey)).isNotEqualTo(401);

        String list = ok("api-keys", "list", "--user", "dan@test.local").out();
        assertThat(list).doesNotContain(danKey);
        String phone = list.lines().filter(l -> l.contains(" phone ")).findFirst().orElseThrow();
        assertThat(phone).contains("dan@test.local").contains("asset.read,asset.upload");
        String id = phone.split("\\s+")[0];
        assertThat(ok("api-keys", "list").out()).contains(id).contains("root@test.local");

        assertThat(ok("api-keys", "revoke", id).out()).contains("revoked");
        assertThat(status("/api/assets/statistics", danKey)).isEqualTo(401);
        assertThat(fails("api-keys", "revoke", "--library", library.toString(), id).err()).contains("no API key " + id);
        assertThat(fails("api-keys", "revoke", "--library", library.toString(), "not-an-id").err())
                .contains("'not-an-id' is not an API key id");
    }

    @Test
    void jobsThroughTheCatalogueAndThroughTheServersApi() throws Exception {
        for (int i = 0; i < 3; i++) {
            upload(KEY, "job-" + i + ".jpg", TestUploads.noiseJpeg(40, 30, 100 + i));
        }
        // no worker runs here: the uploads' first jobs wait
        String list = ok("jobs").out();
        assertThat(row(list, "metadataExtraction")).containsPattern("metadataExtraction\\s+[3-9]\\d*\\s+0\\s");
        assertThat(list).doesNotContain("smartSearch");
        assertThat(ok("jobs", "list", "--every-queue").out()).contains("smartSearch");

        ok("jobs", "pause", "metadataExtraction");
        assertThat(row(ok("jobs", "list").out(), "metadataExtraction")).contains("paused (admin)");
        ok("jobs", "pause", "thumbnailGeneration", "--ttl", "30m");
        assertThat(row(ok("jobs", "list").out(), "thumbnailGeneration")).contains("paused (shoebox jobs until ");
        ok("jobs", "resume", "all");
        assertThat(ok("jobs", "list").out()).doesNotContain("paused (");

        ok("jobs", "concurrency", "thumbnailGeneration", "3");
        assertThat(row(ok("jobs", "list").out(), "thumbnailGeneration")).containsPattern("\\s3\\s+idle");

        try (Connection c = catalogue()) {
            c.createStatement().execute("UPDATE shoebox_jobs.job SET state = 'failed', finished_at = now()"
                    + " WHERE id IN (SELECT id FROM shoebox_jobs.job WHERE queue = 'metadataExtraction' LIMIT 2)");
        }
        assertThat(row(ok("jobs").out(), "metadataExtraction")).containsPattern("\\s2\\s+0\\s+\\d+ s");
        assertThat(ok("jobs", "retry-failed", "metadataExtraction").out()).startsWith("2 failed jobs");

        assertThat(ok("jobs", "start", "thumbnailGeneration").out()).containsPattern("thumbnailGeneration: [3-9]\\d* jobs queued \\(assets that lack it\\)");
        assertThat(ok("jobs", "start", "thumbnailGeneration", "--all").out()).contains("(every asset)");

        // the same through the API, with the admin's key
        String api = "http://127.0.0.1:" + server.port();
        assertThat(row(ok("jobs", "--server", api, "--api-key", KEY).out(), "metadataExtraction")).containsPattern("\\s[3-9]\\d*\\s");
        ok("jobs", "pause", "duplicateDetection", "--ttl", "90s", "--server", api + "/api", "--api-key", KEY);
        assertThat(row(ok("jobs", "list", "--server", api, "--api-key", KEY).out(), "duplicateDetection"))
                .contains("shoebox jobs until");
        ok("jobs", "pause", "duplicateDetection", "--server", api, "--api-key", KEY);
        ok("jobs", "resume", "duplicateDetection", "--server", api, "--api-key", KEY);
        assertThat(row(ok("jobs").out(), "duplicateDetection")).as("both pauses ended, seen through the catalogue")
                .doesNotContain("paused");
        ok("jobs", "concurrency", "duplicateDetection", "1", "--server", api, "--api-key", KEY);
        assertThat(row(ok("jobs").out(), "duplicateDetection")).containsPattern("\\s1\\s+idle");
        assertThat(ok("jobs", "start", "metadataExtraction", "--all", "--server", api, "--api-key", KEY).out())
                .contains("metadataExtraction: started (every asset)");
        assertThat(ok("jobs", "retry-failed", "all", "--server", api, "--api-key", KEY).out()).startsWith("0 failed jobs");

        // a load throttle, as a busy server writes it: both ways say why
        try (Connection c = catalogue()) {
            c.createStatement().execute("INSERT INTO shoebox_jobs.job_throttle (queue, fraction, reason, holder, expires_at)"
                    + " VALUES ('*', 0.25, '2 uploads in flight', 'serve 1@elsewhere', now() + interval '5 minutes')");
        }
        assertThat(row(ok("jobs").out(), "thumbnailGeneration")).contains("throttled: 2 uploads in flight (25 % of concurrency)");
        assertThat(row(ok("jobs", "--server", api, "--api-key", KEY).out(), "thumbnailGeneration"))
                .contains("throttled: 2 uploads in flight (25 % of concurrency)");
        try (Connection c = catalogue()) {
            c.createStatement().execute("DELETE FROM shoebox_jobs.job_throttle");
        }
    }

    @Test
    void mistakesAreSaidPlainly() throws Exception {
        Path empty = TestFolders.create("not-a-library-");
        for (String[] command : List.of(new String[] {"users", "list"}, new String[] {"api-keys", "list"},
                new String[] {"jobs"}, new String[] {"users", "reset-password", "--email", "root@test.local"})) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--library", empty.toString()));
            InProcess.Result r = fails(args.toArray(String[]::new));
            assertThat(r.err()).contains("holds no Shoebox library").contains(empty.toString());
        }
        try (var left = Files.list(empty)) {
            assertThat(left.toList()).as("nothing is made in a folder that is not a library").isEmpty();
        }
        Path missing = empty.resolve("typo");
        assertThat(fails("users", "list", "--library", missing.toString()).err()).contains("there is no library folder " + missing);
        assertThat(missing).doesNotExist();

        assertThat(fails("jobs", "pause", "thumbnails", "--library", library.toString()).err())
                .contains("unknown queue 'thumbnails'").contains("thumbnailGeneration");
        assertThat(fails("jobs", "pause", "all", "--ttl", "48h", "--library", library.toString()).err())
                .contains("--ttl must be between 1 s and 24 h");
        assertThat(fails("jobs", "pause", "all", "--ttl", "3d", "--library", library.toString()).err())
                .contains("'3d' is not a duration; write e.g. 90s, 30m or 2h");
        String api = "http://127.0.0.1:" + server.port();
        assertThat(fails("jobs", "--server", api, "--api-key", "wrong-key-0123456789").err())
                .contains("401").contains("check --api-key");
        ok("users", "create", "--email", "eve@test.local", "--password", "eve's password");
        String eveKey = ok("api-keys", "create", "--user", "eve@test.local").out().strip();
        assertThat(fails("jobs", "--server", api, "--api-key", eveKey).err()).contains("403").contains("an admin's");
        assertThat(fails("jobs", "--server", "http://127.0.0.1:1", "--api-key", KEY).err()).contains("cannot reach");
        assertThat(fails("jobs", "--server", "photos.local", "--api-key", KEY).err()).contains("not an http:// or https:// address");
    }

    private static String row(String table, String queue) {
        return table.lines().filter(l -> l.startsWith(queue + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + queue + " in\n" + table));
    }

    private static Path onlyFileUnder(Path root, String assetId) throws Exception {
        try (var files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().startsWith(assetId)).findFirst().orElseThrow();
        }
    }

    private static Connection catalogue() throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(InProcess.shoebox("db", "url", "--library", library.toString()).out().strip());
        return DriverManager.getConnection(url.jdbcUrl(), url.user().orElseThrow(), url.password().orElseThrow());
    }
}
