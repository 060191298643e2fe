package app.shoebox.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One embedded PostgreSQL per test JVM, started on first use and stopped at JVM exit. Each caller
 * gets a fresh database of its own ({@link #newDatabase}), so test classes isolate themselves
 * without paying the 2-3 s start-up each.
 *
 * <p>Set {@code SHOEBOX_TEST_DATABASE_URL} to a JDBC URL of a superuser connection to run the
 * tests against an external PostgreSQL instead.
 */
public final class TestPostgres {

    /**
     * The tests' durability, chosen for speed and named so it is never mistaken for production's:
     * commits are acknowledged before their WAL reaches the disk (synchronous_commit off), which loses
     * the last commits only if PostgreSQL itself or the machine crashes, and a test database is thrown
     * away at the end of the run anyway. fsync stays on so a crash cannot corrupt the cluster midway
     * through a run. {@code shoebox serve} runs fully durable (EmbeddedDatabase.Durability.DURABLE).
     */
    public static final Map<String, String> TEST_DURABILITY = Map.of(
            "fsync", "on", "synchronous_commit", "off", "full_page_writes", "on");

    private static volatile TestPostgres instance;

    private final EmbeddedPostgres embedded;
    private final String adminUrl;
    private final String user;
    private final String password;

    private TestPostgres(EmbeddedPostgres embedded, String adminUrl, String user, String password) {
        this.embedded = embedded;
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
    }

    /** The shared server, started on first call. */
    public static TestPostgres get() {
        TestPostgres local = instance;
        if (local == null) {
            synchronized (TestPostgres.class) {
                local = instance;
                if (local == null) {
                    local = start();
                    instance = local;
                }
            }
        }
        return local;
    }

    private static TestPostgres start() {
        String external = System.getenv("SHOEBOX_TEST_DATABASE_URL");
        if (external != null && !external.isBlank()) {
            return new TestPostgres(null, external,
                    System.getenv().getOrDefault("SHOEBOX_TEST_DATABASE_USER", "postgres"),
                    System.getenv().getOrDefault("SHOEBOX_TEST_DATABASE_PASSWORD", ""));
        }
        try {
            Path root = Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT", System.getProperty("java.io.tmpdir")));
            Path dir = Files.createTempDirectory(Files.createDirectories(root), "pg-");
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("data"))
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("listen_addresses", "127.0.0.1");
            TEST_DURABILITY.forEach(builder::setServerConfig);
            EmbeddedPostgres pg = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is going away; the data directory is under target/
                }
            }));
            return new TestPostgres(pg, pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL for tests", e);
        }
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String newDatabase(String hint) {
        String name = (hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_"
                + UUID.randomUUID().toString().substring(0, 8));
        if (name.length() > 60) {
            name = name.substring(name.length() - 60);
        }
        if (!Character.isLetter(name.charAt(0))) {
            name = "t" + name;
        }
        try (Connection c = java.sql.DriverManager.getConnection(adminUrl, user, password);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return jdbcUrl(name);
    }

    /** JDBC URL of a database on this server. */
    public String jdbcUrl(String database) {
        int slash = adminUrl.lastIndexOf('/');
        int query = adminUrl.indexOf('?', slash);
        return adminUrl.substring(0, slash + 1) + database + (query < 0 ? "" : adminUrl.substring(query));
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The port the server listens on (embedded only; -1 for an external server). */
    public int port() {
        return embedded == null ? -1 : embedded.getPort();
    }

    /** A non-pooled DataSource on the given database, for quick fixtures. */
    public DataSource dataSource(String jdbcUrl) {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }
}
