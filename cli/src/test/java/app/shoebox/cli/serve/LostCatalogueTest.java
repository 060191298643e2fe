package app.shoebox.cli.serve;

import app.shoebox.cli.Main;
import app.shoebox.server.db.ServerLock;
import app.shoebox.testing.TestFolders;
import app.shoebox.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code shoebox serve} on an external database whose claim on the catalogue is taken by another
 * session while its own connection is gone (a second server started during a database restart):
 * it does not go on serving a catalogue another server now serves, but exits with status 1 and
 * says why.
 */
class LostCatalogueTest {

    @Test
    void serveExitsWhenAnotherSessionTookItsCatalogue() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String url = pg.newDatabase("lost_catalogue");
        Path library = TestFolders.create("lost-catalogue-");
        Path log = library.getParent().resolve(library.getFileName() + ".log");
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve", "--library", library.toString(),
                "--port", "0", "--bind", "127.0.0.1", "--workers", "0", "--database-url",
                url + (url.contains("?") ? "&" : "?") + "user=" + pg.user() + "&password=" + pg.password());
        pb.environment().remove("SHOEBOX_DATABASE_URL");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process serve = pb.start();
        try (Connection test = DriverManager.getConnection(url, pg.user(), pg.password());
             Connection other = DriverManager.getConnection(url, pg.user(), pg.password())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!Files.readString(log).contains("listening on http://127.0.0.1:")) {
                assertThat(serve.isAlive()).as("serve running:\n%s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("serve started").isLessThan(deadline);
                Thread.sleep(100);
            }
            int holder = pid(test, "l.granted");
            // Queued before the cut, the other session gets the lock the moment it is let go.
            CompletableFuture<Void> taken = CompletableFuture.runAsync(() -> {
                try (var s = other.createStatement()) {
                    s.execute("SELECT pg_advisory_lock(" + ServerLock.KEY + ")");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            while (pid(test, "NOT l.granted") == 0) {
                Thread.sleep(10);
            }
            try (var s = test.createStatement(); var rs = s.executeQuery("SELECT pg_terminate_backend(" + holder + ", 10000)")) {
                assertThat(rs.next() && rs.getBoolean(1)).isTrue();
            }
            taken.get(30, TimeUnit.SECONDS);

            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("serve stopped:\n%s", Files.readString(log)).isTrue();
            assertThat(serve.exitValue()).isEqualTo(1);
            assertThat(Files.readString(log)).contains("another server took the catalogue").contains("stops serving it");
        } finally {
            serve.destroyForcibly();
        }
    }

    /** The backend holding (or, with {@code NOT l.granted}, waiting for) the server's claim; 0 if none. */
    private static int pid(Connection c, String condition) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND "
                + condition + " AND l.objid = (" + ServerLock.KEY + "::bigint & 4294967295)"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
