package app.shoebox.server;

import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A first start that cannot bind its port creates no admin, so the next start still prints one. */
class FirstStartTest {

    @Test
    void aFirstStartOnATakenPortCreatesNoAdminAndTheNextStartDoes() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String url = pg.newDatabase("first_start_port");
        Path library = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "library-first-");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ServerConfig config = ServerConfig.defaults(library).withBind("127.0.0.1", taken.getLocalPort())
                    .withDatabaseUrl(Optional.of(new DatabaseUrl(url, Optional.of(pg.user()), Optional.of(pg.password()))));
            assertThatThrownBy(() -> ShoeboxServer.start(config))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("--port");
            try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
                 ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM users")) {
                rs.next();
                assertThat(rs.getInt(1)).as("no admin whose password nobody saw").isZero();
            }
            try (ShoeboxServer server = ShoeboxServer.start(config.withBind("127.0.0.1", 0))) {
                assertThat(server.firstStart()).as("the next start creates and prints the admin").isPresent();
            }
        }
    }
}
