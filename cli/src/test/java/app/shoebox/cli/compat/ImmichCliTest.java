package app.shoebox.cli.compat;

import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.testing.TestPostgres;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Immich CLI ({@code @immich/cli} 3.x on Node 22) logs in to Shoebox and uploads a
 * folder into albums, as a new user would; a second run uploads nothing. {@code .ci/run} installs
 * the CLI and names it in {@code SHOEBOX_IMMICH_CLI} (the command line that runs it).
 */
class ImmichCliTest {

    private static final String KEY = "immich-cli-test-key-0123456789";

    @Test
    void theOfficialCliUploadsAFolderIntoAlbumsOnce() throws Exception {
        String cli = System.getenv("SHOEBOX_IMMICH_CLI");
        if (cli == null || cli.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("SHOEBOX_IMMICH_CLI is not set: .ci/run installs @immich/cli and sets it");
            }
            Assumptions.abort("the Immich CLI is not installed (set SHOEBOX_IMMICH_CLI, see .ci/run); skipping");
        }
        TestPostgres pg = TestPostgres.get();
        String url = pg.newDatabase("immich_cli");
        Path root = Files.createTempDirectory(Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT",
                System.getProperty("java.io.tmpdir"))), "immich-cli-");
        Path photos = Files.createDirectories(root.resolve("photos"));
        Path home = Files.createDirectories(root.resolve("home"));
        Files.createDirectories(photos.resolve("Trip"));
        Files.createDirectories(photos.resolve("Garden"));
        writeJpeg(photos.resolve("Trip/beach.jpg"), Color.BLUE);
        writeJpeg(photos.resolve("Trip/dunes.jpg"), Color.YELLOW);
        writeJpeg(photos.resolve("Garden/rose.jpg"), Color.RED);
        Files.writeString(photos.resolve("Garden/notes.jpg"), "not a picture");

        ServerConfig config = ServerConfig.defaults(root.resolve("library")).withBind("127.0.0.1", 0)
                .withDatabaseUrl(Optional.of(new DatabaseUrl(url, Optional.of(pg.user()), Optional.of(pg.password()))))
                .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of("admin@test.local"), Optional.of("password123"),
                        Optional.of(KEY)));
        try (ShoeboxServer server = ShoeboxServer.start(config)) {
            String api = "http://127.0.0.1:" + server.port() + "/api";
            Run login = run(cli, home, "login", api, KEY);
            assertThat(login.exit()).as(login.output()).isZero();
            assertThat(login.output()).contains("Logged in as admin@test.local");

            Run upload = run(cli, home, "upload", "--recursive", "--album", photos.toString());
            assertThat(upload.output()).contains("Successfully uploaded 3 new assets");
            assertThat(upload.output()).as("the mislabelled file is refused with a reason that names it")
                    .contains("notes.jpg").contains("mislabelled");

            Jdbi jdbi = server.database().jdbi();
            assertThat(assetCount(jdbi)).isEqualTo(3);
            List<String> albums = jdbi.withHandle(h -> h.createQuery("""
                            SELECT al.album_name || ':' || count(*) FROM albums al JOIN album_assets aa ON aa.album_id = al.id
                            GROUP BY al.album_name ORDER BY al.album_name""").mapTo(String.class).list());
            assertThat(albums).containsExactly("Garden:1", "Trip:2");

            Run again = run(cli, home, "upload", "--recursive", "--album", photos.toString());
            assertThat(again.output()).contains("3 duplicates").contains("Successfully uploaded 0 new assets");
            assertThat(assetCount(jdbi)).isEqualTo(3);
        }
    }

    private static long assetCount(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM assets").mapTo(Long.class).one());
    }

    private record Run(int exit, String output) {}

    private static Run run(String cli, Path home, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cli.trim().split("\\s+")));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // The CLI keeps its login in ~/.config/immich; a home of the test's own leaves the user's alone.
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("IMMICH_INSTANCE_URL");
        pb.environment().remove("IMMICH_API_KEY");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the Immich CLI did not finish: " + command);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void writeJpeg(Path file, Color color) throws IOException {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 64, 48);
        g.setColor(Color.BLACK);
        g.drawString(file.getFileName().toString(), 2, 20);
        g.dispose();
        ImageIO.write(img, "jpeg", file.toFile());
    }
}
