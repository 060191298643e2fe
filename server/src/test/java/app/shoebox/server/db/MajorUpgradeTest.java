package app.shoebox.server.db;

import app.shoebox.server.ServerConfig;
import app.shoebox.server.ServerFixture;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.testing.TestUploads;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static app.shoebox.server.ServerFixture.ADMIN_EMAIL;
import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static app.shoebox.server.ServerFixture.ADMIN_PASSWORD;
import static app.shoebox.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A library whose embedded catalogue was made by the previous PostgreSQL major (17, zonky's
 * programs of it, copied by Maven into target/previous-postgres) is started by this Shoebox (18):
 * refused with a clear line while the old programs are nowhere to be found, moved over with
 * everything in it once they are.
 */
class MajorUpgradeTest {

    private static final Path PREVIOUS = Path.of("target/previous-postgres/postgres-17-linux-amd64.jar");

    @Test
    void aLibraryOfThePreviousMajorMovesToThisOneWithEverythingInIt() throws Exception {
        Path root = Files.createTempDirectory(Files.createDirectories(Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT",
                System.getProperty("java.io.tmpdir")))), "major-upgrade-");
        Path library = Files.createDirectories(root.resolve("library"));
        PostgresBinaries old = PostgresBinaries.prepareFrom(PostgresBinaries.defaultCacheRoot(), PREVIOUS);
        assertThat(old.major()).isEqualTo(17);
        assertThat(PostgresBinaries.prepare(PostgresBinaries.defaultCacheRoot()).major()).isEqualTo(18);

        // a library as a Shoebox on PostgreSQL 17 made it: photos with thumbnails, an album, a paused queue
        List<String> ids = new ArrayList<>();
        JsonNode statistics;
        Map<String, JsonNode> assets = new java.util.HashMap<>();
        JsonNode album;
        byte[] thumbnail;
        try (EmbeddedDatabase pg = EmbeddedDatabase.startWith(old, library, EmbeddedDatabase.DATA_FOLDER,
                EmbeddedDatabase.Durability.DURABLE);
             ServerFixture server = ServerFixture.of(ShoeboxServer.start(config(library)
                     .withDatabaseUrl(Optional.of(DatabaseUrl.parse(pg.access().url(true))))))) {
            assertThat(version(pg.access())).startsWith("17.");
            for (int i = 0; i < 3; i++) {
                ids.add(TestFiles.uploadNew(server, ADMIN_KEY, "photo-" + i + ".jpg", TestUploads.noiseJpeg(320, 240, i)));
            }
            awaitIdle(server);
            album = json(server.postJson("/api/albums", ADMIN_KEY, Map.of("albumName", "Holiday", "assetIds", ids.subList(0, 2))));
            assertThat(server.putJson("/api/queues/thumbnailGeneration", ADMIN_KEY, Map.of("isPaused", true)).statusCode()).isEqualTo(200);
            statistics = json(server.get("/api/assets/statistics", ADMIN_KEY));
            ids.forEach(id -> assets.put(id, json(server.get("/api/assets/" + id, ADMIN_KEY))));
            thumbnail = TestFiles.bytes(server.request("/api/assets/" + ids.get(0) + "/thumbnail", ADMIN_KEY).GET().build()).body();
            assertThat(thumbnail).isNotEmpty();
        }
        assertThat(Files.readString(library.resolve("postgres/PG_VERSION")).strip()).isEqualTo("17");

        // without the old programs: a line that says what to do, and the library untouched
        Path empty = Files.createDirectories(root.resolve("empty-cache"));
        assertThatThrownBy(() -> EmbeddedDatabase.start(library, EmbeddedDatabase.Durability.DURABLE, empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("made by PostgreSQL 17 and this Shoebox carries 18")
                .hasMessageContaining("SHOEBOX_OLD_POSTGRES=<the earlier shoebox.jar>")
                .hasMessageContaining("The library is unchanged");
        assertThat(Files.readString(library.resolve("postgres/PG_VERSION")).strip()).isEqualTo("17");
        assertThat(library.resolve(MajorUpgrade.WORK_FOLDER)).doesNotExist();

        // a plain start of this Shoebox on the library: the old programs are in the cache, as an earlier Shoebox left them
        try (ServerFixture server = ServerFixture.of(ShoeboxServer.start(config(library)))) {
            EmbeddedDatabase.Access access = EmbeddedDatabase.Access.read(library).orElseThrow();
            assertThat(version(access)).startsWith("18.");
            assertThat(Files.readString(library.resolve("postgres/PG_VERSION")).strip()).isEqualTo("18");
            assertThat(Files.readString(MajorUpgrade.oldFolder(library, 17).resolve("PG_VERSION")).strip()).isEqualTo("17");
            assertThat(library.resolve(MajorUpgrade.WORK_FOLDER)).doesNotExist();

            assertThat(json(server.get("/api/assets/statistics", ADMIN_KEY))).isEqualTo(statistics);
            JsonNode moved = json(server.get("/api/albums/" + album.path("id").asText(), ADMIN_KEY));
            assertThat(moved.path("albumName").asText()).isEqualTo("Holiday");
            assertThat(moved.path("assetCount").asInt()).isEqualTo(2);
            for (String id : ids) {
                assertThat(json(server.get("/api/assets/" + id, ADMIN_KEY))).as(id).isEqualTo(assets.get(id));
            }
            assertThat(TestFiles.bytes(server.request("/api/assets/" + ids.get(0) + "/thumbnail", ADMIN_KEY).GET().build()).body())
                    .isEqualTo(thumbnail);
            assertThat(json(server.get("/api/queues/thumbnailGeneration", ADMIN_KEY)).path("isPaused").asBoolean()).isTrue();
            assertThat(server.postJson("/api/auth/login", null, Map.of("email", ADMIN_EMAIL, "password", ADMIN_PASSWORD))
                    .statusCode()).isEqualTo(201);
            // sequences and constraints came along: new rows go in beside the old ones
            TestFiles.uploadNew(server, ADMIN_KEY, "after.jpg", TestUploads.noiseJpeg(320, 240, 99));
            assertThat(json(server.get("/api/assets/statistics", ADMIN_KEY)).path("images").asInt())
                    .isEqualTo(statistics.path("images").asInt() + 1);
        }
    }

    private static ServerConfig config(Path library) {
        return ServerConfig.defaults(library).withBind("127.0.0.1", 0).withInProcessJobs(true)
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of(ADMIN_EMAIL), Optional.of(ADMIN_PASSWORD),
                        Optional.of(ADMIN_KEY)));
    }

    private static String version(EmbeddedDatabase.Access access) throws Exception {
        try (Connection c = DriverManager.getConnection(access.jdbcUrl(), access.user(), access.password());
             ResultSet rs = c.createStatement().executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void awaitIdle(ServerFixture server) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            long busy = 0;
            for (JsonNode q : json(server.get("/api/queues", ADMIN_KEY))) {
                JsonNode s = q.get("statistics");
                busy += s.get("waiting").asLong() + s.get("active").asLong() + s.get("delayed").asLong();
            }
            if (busy == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the jobs did not finish within 90 s");
    }
}
