package app.shoebox.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * The catalogue's PostgreSQL: an embedded server whose data directory lives in the library folder,
 * or an external one by URL. Owns the connection pool; migrations run on {@link #open}.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** How the catalogue database is reached. */
    public sealed interface Location {
        /** The embedded PostgreSQL of a library folder ({@code library/postgres}); survives restarts. */
        record Embedded(Path library) implements Location {
            public Embedded {
                library = library.toAbsolutePath().normalize();
            }
        }

        record External(DatabaseUrl url) implements Location {}
    }

    /** Pool sizing: a small fixed pool, callers wait at most {@code connectionTimeout} for a connection. */
    public record PoolSettings(int maximumPoolSize, Duration connectionTimeout) {
        public static PoolSettings defaults() {
            return new PoolSettings(10, Duration.ofSeconds(10));
        }
    }

    /** Where and as whom this process connects. */
    private record Target(String jdbcUrl, Optional<String> user, Optional<String> password, String description) {}

    private final Optional<EmbeddedDatabase> embedded;
    private final Optional<LibraryLock> libraryLock;
    private final Target target;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(Optional<EmbeddedDatabase> embedded, Optional<LibraryLock> libraryLock, Target target,
                     HikariDataSource dataSource) {
        this.embedded = embedded;
        this.libraryLock = libraryLock;
        this.target = target;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
    }

    /**
     * For {@code shoebox serve}, which holds the library's {@link LibraryLock}: starts the embedded
     * database (if that is the location) with full durability, connects, and brings the schema up
     * to date.
     */
    public static Database open(Location location, PoolSettings pool) {
        return open(location, pool, EmbeddedDatabase.Durability.DURABLE);
    }

    /** As {@link #open(Location, PoolSettings)}; only the upload benchmark asks for less durability. */
    public static Database open(Location location, PoolSettings pool, EmbeddedDatabase.Durability durability) {
        return switch (location) {
            case Location.Embedded e -> {
                EmbeddedDatabase pg = EmbeddedDatabase.start(e.library(), durability);
                yield connect(Optional.of(pg), Optional.empty(), embeddedTarget(pg.access(), "embedded PostgreSQL, data in "
                        + pg.dataDirectory() + ", listening on 127.0.0.1:" + pg.access().port()), pool);
            }
            case Location.External x -> connect(Optional.empty(), Optional.empty(), externalTarget(x.url()), pool);
        };
    }

    /**
     * Opens the catalogue for a one-off command or a worker ({@code shoebox users create},
     * {@code shoebox worker}): when a live shoebox already runs the embedded database of this
     * library, connects to it; otherwise takes the library lock and starts it for as long as this
     * command runs.
     */
    public static Database openForAdmin(Location location, PoolSettings pool, String role) {
        if (!(location instanceof Location.Embedded e)) {
            return open(location, pool);
        }
        requireLibrary(e.library());
        Optional<LibraryLock> lock = LibraryLock.tryAcquire(e.library(), role);
        if (lock.isEmpty()) {
            EmbeddedDatabase.Access access = EmbeddedDatabase.awaitRunning(e.library(), Duration.ofSeconds(60));
            return connect(Optional.empty(), Optional.empty(), embeddedTarget(access, "embedded PostgreSQL of "
                    + e.library() + " on 127.0.0.1:" + access.port() + " (run by " + LibraryLock.holder(e.library()) + ")"), pool);
        }
        try {
            EmbeddedDatabase pg = EmbeddedDatabase.start(e.library(), EmbeddedDatabase.Durability.DURABLE);
            return connect(Optional.of(pg), lock, embeddedTarget(pg.access(), "embedded PostgreSQL, data in "
                    + pg.dataDirectory() + ", listening on 127.0.0.1:" + pg.access().port()), pool);
        } catch (RuntimeException failed) {
            lock.get().close();
            throw failed;
        }
    }

    /**
     * Refuses a folder that holds no library: a mistyped {@code --library} must not quietly become a
     * new, empty one (with a new database) beside the real library.
     */
    public static void requireLibrary(Path library) {
        if (!Files.isDirectory(library)) {
            throw new IllegalStateException("there is no library folder " + library + "; give --library the folder that "
                    + "`shoebox serve` uses (env SHOEBOX_LIBRARY), or --database-url for an external database");
        }
        if (!Files.isRegularFile(library.resolve(EmbeddedDatabase.DATA_FOLDER).resolve("PG_VERSION"))) {
            throw new IllegalStateException("the folder " + library + " holds no Shoebox library (no "
                    + EmbeddedDatabase.DATA_FOLDER + "/ database in it); give --library the folder that `shoebox serve` "
                    + "uses (env SHOEBOX_LIBRARY), or start `shoebox serve --library " + library + "` once to make a new one");
        }
    }

    /** Makes the library folder if it is missing, saying plainly when it cannot be written. */
    public static void createLibraryFolder(Path library) {
        try {
            Files.createDirectories(library);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the library folder " + library + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); choose another --library or fix its parent's permissions", e);
        }
        if (!Files.isWritable(library)) {
            throw new IllegalStateException("the library folder " + library + " is not writable by this user; fix its "
                    + "permissions (chown/chmod) or choose another --library");
        }
    }

    private static Target embeddedTarget(EmbeddedDatabase.Access access, String description) {
        return new Target(access.jdbcUrl(), Optional.of(access.user()), Optional.of(access.password()), description);
    }

    private static Target externalTarget(DatabaseUrl url) {
        return new Target(url.jdbcUrl(), url.user(), url.password(), "external PostgreSQL at " + DatabaseUrl.redact(url.jdbcUrl()));
    }

    /**
     * For {@code shoebox restore}: a catalogue database with nothing of Shoebox in it yet, not migrated
     * (the restore brings it to the backup's schema version first). The embedded one is made in a
     * library folder that must not hold a library; an external one must hold no Shoebox schema.
     */
    public static Database openEmpty(Location location, PoolSettings pool) {
        Database db = switch (location) {
            case Location.Embedded e -> {
                if (Files.exists(e.library().resolve(EmbeddedDatabase.DATA_FOLDER))) {
                    throw new IllegalStateException("the folder " + e.library() + " already holds a library (its "
                            + EmbeddedDatabase.DATA_FOLDER + "/ database); restore into a new folder");
                }
                createLibraryFolder(e.library());
                LibraryLock lock = LibraryLock.acquire(e.library(), "restore");
                try {
                    EmbeddedDatabase pg = EmbeddedDatabase.start(e.library(), EmbeddedDatabase.Durability.DURABLE);
                    yield connect(Optional.of(pg), Optional.of(lock), embeddedTarget(pg.access(), "embedded PostgreSQL, data in "
                            + pg.dataDirectory() + ", listening on 127.0.0.1:" + pg.access().port()), pool, false);
                } catch (RuntimeException failed) {
                    lock.close();
                    throw failed;
                }
            }
            case Location.External x -> connect(Optional.empty(), Optional.empty(), externalTarget(x.url()), pool, false);
        };
        boolean used = db.jdbi.withHandle(h -> h.createQuery("""
                SELECT EXISTS (SELECT FROM information_schema.tables
                                WHERE table_name IN ('flyway_schema_history', 'jobs_schema_history', 'assets'))""")
                .mapTo(Boolean.class).one());
        if (used) {
            db.close();
            throw new IllegalStateException("the " + db.description() + " already holds a Shoebox catalogue; restore into "
                    + "an empty database");
        }
        return db;
    }

    private static Database connect(Optional<EmbeddedDatabase> embedded, Optional<LibraryLock> lock, Target target,
                                    PoolSettings pool) {
        return connect(embedded, lock, target, pool, true);
    }

    private static Database connect(Optional<EmbeddedDatabase> embedded, Optional<LibraryLock> lock, Target target,
                                    PoolSettings pool, boolean migrate) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.jdbcUrl());
        target.user().ifPresent(config::setUsername);
        target.password().ifPresent(config::setPassword);
        config.setPoolName("catalogue");
        config.setMaximumPoolSize(pool.maximumPoolSize());
        config.setMinimumIdle(Math.min(2, pool.maximumPoolSize()));
        config.setConnectionTimeout(pool.connectionTimeout().toMillis());
        config.addDataSourceProperty("ApplicationName", "shoebox");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            embedded.ifPresent(EmbeddedDatabase::close);
            lock.ifPresent(LibraryLock::close);
            throw new IllegalStateException("cannot connect to the " + target.description() + ": " + rootMessage(e)
                    + ". Check that it runs and that the URL, user and password are right.", e);
        }
        Database db = new Database(embedded, lock, target, ds);
        try {
            if (migrate) {
                db.migrate();
            }
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        log.info("catalogue database: {}", target.description());
        return db;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }

    /** Duplicate detection counts differing hash bits with {@code bit_count}, new in PostgreSQL 14. */
    static final int MINIMUM_SERVER_VERSION = 140000;

    /** Brings the catalogue schema up to date. */
    public void migrate() {
        migrate(Optional.empty());
    }

    /** Brings the catalogue schema up to {@code upTo} (a restore first recreates the backup's version), or up to date. */
    public void migrate(Optional<String> upTo) {
        migrate(dataSource, upTo, target.description());
    }

    static void migrate(DataSource dataSource, Optional<String> upTo, String description) {
        int version;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            version = rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the version of the " + description + ": " + rootMessage(e), e);
        }
        if (version < MINIMUM_SERVER_VERSION) {
            throw new IllegalStateException("the " + description + " runs PostgreSQL " + (version / 10000) + "."
                    + (version % 10000) + "; Shoebox needs PostgreSQL 14 or newer. Upgrade it, or leave out --database-url "
                    + "to use the embedded one.");
        }
        try {
            var flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration");
            upTo.ifPresent(flyway::target);
            flyway.load().migrate();
        } catch (FlywayException e) {
            throw new IllegalStateException("cannot bring the catalogue schema in the " + description
                    + " up to date: " + rootMessage(e), e);
        }
    }

    /**
     * The server's claim on its catalogue ({@link ServerLock}): taken on a connection of its own,
     * named after {@code who}, and taken again on a new one if that connection is lost.
     */
    public ServerLock holdServerLock(String who) {
        return ServerLock.take(() -> connectOutsidePool("shoebox serve " + who), target.description());
    }

    /**
     * A new connection to the catalogue's database that is not the pool's, named {@code name} in
     * {@code pg_stat_activity}: for a session lock held as long as a process runs, which would
     * otherwise keep a pooled connection out of use for as long, and whose loss is expected rather
     * than a broken pool connection.
     */
    public Connection connectOutsidePool(String name) throws SQLException {
        Properties props = new Properties();
        target.user().ifPresent(u -> props.setProperty("user", u));
        target.password().ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", name.substring(0, Math.min(63, name.length())));
        props.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(target.jdbcUrl(), props);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * A URL by which another process on this machine (a supervised {@code shoebox worker}) reaches
     * the embedded database, with its password; empty for an external one, whose URL the operator gave.
     */
    public Optional<String> embeddedUrl() {
        return embedded.map(pg -> pg.access().url(true));
    }

    /** Where the database is, for the start-up log. */
    public String description() {
        return target.description();
    }

    @Override
    public void close() {
        dataSource.close();
        embedded.ifPresent(EmbeddedDatabase::close);
        libraryLock.ifPresent(LibraryLock::close);
    }
}
