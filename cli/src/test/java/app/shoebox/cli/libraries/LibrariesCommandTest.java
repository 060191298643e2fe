package app.shoebox.cli.libraries;

import app.shoebox.cli.InProcess;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.testing.TestFolders;
import app.shoebox.testing.TestPostgres;
import app.shoebox.testing.TestUploads;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code shoebox libraries ...} against the catalogue of a running server that works its own queues. */
class LibrariesCommandTest {

    @Test
    void createScanListUpdateAndDeleteFromTheCommandLine() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String url = pg.newDatabase("libraries_cli");
        String dbUrl = url + (url.contains("?") ? "&" : "?") + "user=" + pg.user() + "&password=" + pg.password();
        Path library = TestFolders.create("library-");
        Path photos = TestFolders.create("photos-");
        Files.createDirectories(photos.resolve("keep"));
        Files.createDirectories(photos.resolve("skip"));
        Files.write(photos.resolve("keep/a.jpg"), TestUploads.noiseJpeg(20, 20, 1));
        Files.write(photos.resolve("keep/b.jpg"), TestUploads.noiseJpeg(20, 20, 2));
        Files.write(photos.resolve("skip/c.jpg"), TestUploads.noiseJpeg(20, 20, 3));
        ServerConfig config = ServerConfig.defaults(library).withBind("127.0.0.1", 0).withInProcessJobs(true)
                .withDatabaseUrl(Optional.of(new DatabaseUrl(url, Optional.of(pg.user()), Optional.of(pg.password()))))
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of("owner@test.local"), Optional.of("password123"),
                        Optional.of("libraries-cli-test-key-0123456789")));
        try (ShoeboxServer server = ShoeboxServer.start(config)) {
            String[] where = {"--library", library.toString(), "--database-url", dbUrl};

            InProcess.Result relative = shoebox(where, "create", "--owner", "owner@test.local", "--import-path", "photos");
            assertThat(relative.exit()).isNotZero();
            assertThat(relative.err()).contains("invalid import path photos").contains("absolute");

            InProcess.Result created = shoebox(where, "create", "--owner", "owner@test.local", "--name", "Family",
                    "--import-path", photos.toString(), "--exclude", "**/skip/**", "--scan");
            assertThat(created.exit()).as(created.err()).isZero();
            assertThat(created.out()).contains("created library Family").contains("scan queued");

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            InProcess.Result stats;
            do {
                Thread.sleep(100);
                stats = shoebox(where, "stats", "Family");
                assertThat(stats.exit()).as(stats.err()).isZero();
            } while (!stats.out().contains("2 assets (2 photos, 0 videos)") && System.nanoTime() < deadline);
            assertThat(stats.out()).contains("2 assets (2 photos, 0 videos)").contains("0 offline");

            InProcess.Result renamed = shoebox(where, "update", "Family", "--name", "Holidays");
            assertThat(renamed.exit()).as(renamed.err()).isZero();
            InProcess.Result listed = shoebox(where, "list");
            assertThat(listed.out()).contains("Holidays").contains(photos.toString()).contains("**/skip/**");

            Path unmounted = photos.resolveSibling(photos.getFileName() + "-gone");
            Files.move(photos, unmounted);
            InProcess.Result refused = shoebox(where, "scan", "Holidays");
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err()).contains(photos.toString()).contains("missing").contains("nothing was changed");
            Files.move(unmounted, photos);

            InProcess.Result unknown = shoebox(where, "scan", "Nope");
            assertThat(unknown.exit()).isNotZero();
            assertThat(unknown.err()).contains("no library Nope");

            InProcess.Result deleted = shoebox(where, "delete", "Holidays");
            assertThat(deleted.exit()).as(deleted.err()).isZero();
            assertThat(photos.resolve("keep/a.jpg")).exists();
            assertThat(shoebox(where, "list").out()).contains("no libraries");
        }
    }

    private static InProcess.Result shoebox(String[] where, String... args) {
        String[] all = new String[1 + args.length + where.length];
        all[0] = "libraries";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(where, 0, all, 1 + args.length, where.length);
        return InProcess.shoebox(all);
    }
}
