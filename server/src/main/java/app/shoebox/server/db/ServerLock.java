package app.shoebox.server.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's claim on its catalogue: a session-level advisory lock on a connection of its own.
 * One catalogue is served by one server, so a second server on the same database (another library
 * folder, or the same folder from another machine) is refused before it touches anything.
 *
 * <p>A session lock lives as long as its connection. When the database restarts, or the
 * connection is cut, the claim is gone while this server still runs, and a second server could
 * then start. So the claim is looked at every {@link #CHECK_EVERY}: a broken connection is
 * replaced and the lock taken again. If another session took it meanwhile, this server has lost
 * its catalogue: {@link #lost()} completes with why, and the process serving it should stop
 * ({@code shoebox serve} exits).
 */
public final class ServerLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerLock.class);

    /** "SHOEBOX" in ASCII: one key for the whole database, since one catalogue has one server. */
    public static final long KEY = 0x53484F45424F58L;
    /** How often the claim's connection is looked at. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    /** Opens a new connection to the catalogue's database, named after this server. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final String database;
    private final CompletableFuture<String> lost = new CompletableFuture<>();
    private final ScheduledExecutorService keeper;
    private Connection connection;
    private boolean unreachableLogged;
    private boolean closed;

    private ServerLock(Connector connector, String database, Connection connection) {
        this.connector = connector;
        this.database = database;
        this.connection = connection;
        this.keeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("catalogue-lock").daemon().factory());
        keeper.scheduleWithFixedDelay(this::checkQuietly, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes the claim, or says who holds it. {@code database} names it in messages. */
    static ServerLock take(Connector connector, String database) {
        Connection c;
        try {
            c = connector.connect();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the " + database + ": " + Database.rootMessage(e), e);
        }
        try {
            if (!tryLock(c)) {
                String holder = holderOf(c);
                closeQuietly(c);
                throw new IllegalStateException("another shoebox serves this library: the catalogue in the "
                        + database + " is in use" + holder + ". One library is served by one server; stop "
                        + "the other one first.");
            }
            return new ServerLock(connector, database, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new IllegalStateException("cannot lock the catalogue in the " + database + ": " + Database.rootMessage(e), e);
        }
    }

    /** Completes, with why, when another session took the claim while this one's connection was gone. */
    public CompletableFuture<String> lost() {
        return lost;
    }

    /**
     * One look at the claim (the keeper's, every {@link #CHECK_EVERY}): keeps it, takes it again on
     * a new connection, finds the database unreachable (and tries again next time), or finds it
     * lost to another session.
     */
    private void check() {
        String lostBecause;
        synchronized (this) {
            if (closed || lost.isDone()) {
                return;
            }
            try {
                if (connection.isValid(2)) {
                    return;
                }
            } catch (SQLException e) {
                // treated as broken below
            }
            closeQuietly(connection);
            Connection c;
            try {
                c = connector.connect();
            } catch (SQLException e) {
                if (!unreachableLogged) {
                    log.warn("the catalogue's lock went with its connection and the {} cannot be reached to take it again "
                            + "(trying every {} s): {}", database, CHECK_EVERY.toSeconds(), Database.rootMessage(e));
                    unreachableLogged = true;
                }
                return;
            }
            try {
                if (tryLock(c)) {
                    connection = c;
                    unreachableLogged = false;
                    log.info("took the catalogue's lock again in the {} after its connection was lost (the database "
                            + "restarted, or the connection was cut)", database);
                    return;
                }
                lostBecause = "another server took the catalogue in the " + database + holderOf(c)
                        + " while this server's connection to it was lost; this server stops serving it";
                closeQuietly(c);
                log.error(lostBecause);
                keeper.shutdown();
            } catch (SQLException e) {
                closeQuietly(c);
                log.warn("could not take the catalogue's lock again in the {} (trying again in {} s): {}", database,
                        CHECK_EVERY.toSeconds(), Database.rootMessage(e));
                return;
            }
        }
        // Outside the lock: whoever waits on lost() may stop the process, and closing takes the lock.
        lost.complete(lostBecause);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("could not look at the catalogue's lock: {}", e.toString());
        }
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + KEY + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static String holderOf(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT a.application_name, coalesce(host(a.client_addr), 'this machine') FROM pg_locks l
                JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (%d::bigint & 4294967295)
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())""".formatted(KEY))) {
            return rs.next() && rs.getString(1) != null && !rs.getString(1).isBlank()
                    ? " by " + rs.getString(1) + " (from " + rs.getString(2) + ")" : "";
        } catch (SQLException e) {
            return "";
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    /** Lets the claim go. */
    @Override
    public synchronized void close() {
        closed = true;
        keeper.shutdownNow();
        closeQuietly(connection);
    }
}
