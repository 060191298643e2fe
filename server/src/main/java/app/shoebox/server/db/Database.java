package app.shoebox.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The catalogue's PostgreSQL: an embedded server whose data directory lives in the library folder,
 * or an external one by URL. Owns the connection pool; migrations run on {@link #open}.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** How the catalogue database is reached. */
    public sealed interface Location {
        /** Embedded PostgreSQL keeping its data in {@code dataDirectory}; survives restarts. */
        record Embedded(Path dataDirectory) implements Location {}

        record External(DatabaseUrl url) implements Location {}
    }

    /** Pool sizing: a small fixed pool, callers wait at most {@code connectionTimeout} for a connection. */
    public record PoolSettings(int maximumPoolSize, Duration connectionTimeout) {
        public static PoolSettings defaults() {
            return new PoolSettings(10, Duration.ofSeconds(10));
        }
    }

    private final Optional<EmbeddedPostgres> embedded;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String description;

    private Database(Optional<EmbeddedPostgres> embedded, HikariDataSource dataSource, String description) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.description = description;
        this.jdbi = Jdbi.create(dataSource)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
    }

    /** Starts (if embedded) and connects, then brings the schema up to date. */
    public static Database open(Location location, PoolSettings pool) {
        Optional<EmbeddedPostgres> embedded = Optional.empty();
        HikariConfig config = new HikariConfig();
        String description;
        switch (location) {
            case Location.Embedded e -> {
                EmbeddedPostgres pg = startEmbedded(e.dataDirectory());
                embedded = Optional.of(pg);
                config.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
                description = "embedded PostgreSQL, data in " + e.dataDirectory().toAbsolutePath()
                        + ", listening on 127.0.0.1:" + pg.getPort();
            }
            case Location.External x -> {
                config.setJdbcUrl(x.url().jdbcUrl());
                x.url().user().ifPresent(config::setUsername);
                x.url().password().ifPresent(config::setPassword);
                description = "external PostgreSQL at " + DatabaseUrl.redact(x.url().jdbcUrl());
            }
        }
        config.setPoolName("catalogue");
        config.setMaximumPoolSize(pool.maximumPoolSize());
        config.setMinimumIdle(Math.min(2, pool.maximumPoolSize()));
        config.setConnectionTimeout(pool.connectionTimeout().toMillis());
        config.addDataSourceProperty("ApplicationName", "shoebox");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            embedded.ifPresent(Database::closeQuietly);
            throw new IllegalStateException("cannot connect to the " + description + ": " + e.getMessage(), e);
        }
        Database db = new Database(embedded, ds, description);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        log.info("catalogue database: {}", description);
        return db;
    }

    /**
     * Opens the catalogue for a one-off admin command ({@code shoebox users create}): when a
     * {@code shoebox serve} already runs the embedded database of this library, connects to it
     * instead of starting a second server on the same data directory.
     */
    public static Database openForAdmin(Location location, PoolSettings pool) {
        if (location instanceof Location.Embedded e) {
            Optional<Integer> port = runningEmbeddedPort(e.dataDirectory());
            if (port.isPresent()) {
                String url = "jdbc:postgresql://127.0.0.1:" + port.get() + "/postgres?user=postgres&password=postgres";
                return open(new Location.External(DatabaseUrl.parse(url)), pool);
            }
        }
        return open(location, pool);
    }

    /** The port of a live embedded server on this data directory, if one runs (postmaster.pid says so). */
    static Optional<Integer> runningEmbeddedPort(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            // postmaster.pid: line 1 pid, line 4 port (PostgreSQL's documented layout).
            java.util.List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(Integer.parseInt(lines.get(3).trim()));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("no running embedded PostgreSQL in {}: {}", dataDirectory, e.toString());
        }
        return Optional.empty();
    }

    private static EmbeddedPostgres startEmbedded(Path dataDirectory) {
        if (runningEmbeddedPort(dataDirectory).isPresent()) {
            throw new IllegalStateException("the embedded PostgreSQL in " + dataDirectory.toAbsolutePath()
                    + " is already running: another shoebox serves this library. Stop it, or use another --library.");
        }
        try {
            Files.createDirectories(dataDirectory);
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory.toAbsolutePath()
                    + ": " + e.getMessage() + ". If another shoebox is running on this library, stop it first.", e);
        }
    }

    /** Duplicate detection counts differing hash bits with {@code bit_count}, new in PostgreSQL 14. */
    static final int MINIMUM_SERVER_VERSION = 140000;

    private void migrate() {
        int version = jdbi.withHandle(h -> h.createQuery("SELECT current_setting('server_version_num')::int").mapTo(Integer.class).one());
        if (version < MINIMUM_SERVER_VERSION) {
            throw new IllegalStateException("the " + description + " runs PostgreSQL " + (version / 10000) + "."
                    + (version % 10000) + "; Shoebox needs PostgreSQL 14 or newer. Upgrade it, or leave out --database-url "
                    + "to use the embedded one.");
        }
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * A URL by which another process on this machine (a supervised {@code shoebox worker}) reaches
     * the embedded database; empty for an external one, whose URL the operator gave.
     */
    public Optional<String> embeddedJdbcUrl() {
        return embedded.map(pg -> pg.getJdbcUrl("postgres", "postgres"));
    }

    /** Where the database is, for the start-up log. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
        embedded.ifPresent(Database::closeQuietly);
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
