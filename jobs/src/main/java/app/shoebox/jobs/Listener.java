package app.shoebox.jobs;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Owns the node's one dedicated connection: it LISTENs for wake-ups and cancellations and, on the
 * same connection, renews the node's heartbeat, so the heartbeat never waits for the shared pool.
 * It runs on a platform thread of maximum priority so CPU-heavy handlers on virtual threads do not
 * starve it. On any failure it reconnects with backoff and asks the node to poll (notifications
 * may have been missed).
 */
final class Listener implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    @FunctionalInterface
    interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final ConnectionFactory factory;
    private final JobStore store;
    private final String nodeId;
    private final String host;
    private final Duration heartbeat;
    private final Consumer<String> onNotification;
    private final Consumer<List<Long>> onCancelRequests;
    private final Runnable onReconnect;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Connection connection;
    private volatile long lastHeartbeatNanos = System.nanoTime();

    Listener(ConnectionFactory factory, JobStore store, String nodeId, String host, Duration heartbeat,
             Consumer<String> onNotification, Consumer<List<Long>> onCancelRequests, Runnable onReconnect) {
        this.factory = factory;
        this.store = store;
        this.nodeId = nodeId;
        this.host = host;
        this.heartbeat = heartbeat;
        this.onNotification = onNotification;
        this.onCancelRequests = onCancelRequests;
        this.onReconnect = onReconnect;
        this.thread = new Thread(this, "jobs-listener-" + nodeId);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    /** Registers the node (first heartbeat) before returning, so the node exists before it claims. */
    void start() {
        try {
            connect();
        } catch (SQLException e) {
            closeQuietly();
            throw new JobStoreException("job node " + nodeId + " could not open its listener connection", e);
        }
        thread.start();
    }

    private void connect() throws SQLException {
        Connection c = factory.open();
        connection = c;
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN \"" + store.schema().channel() + "\"");
        }
        beat(c);
    }

    private void beat(Connection c) throws SQLException {
        List<Long> cancels = store.heartbeat(c, nodeId, host);
        lastHeartbeatNanos = System.nanoTime();
        if (!cancels.isEmpty()) {
            onCancelRequests.accept(cancels);
        }
    }

    long millisSinceHeartbeat() {
        return (System.nanoTime() - lastHeartbeatNanos) / 1_000_000;
    }

    @Override
    public void run() {
        long backoff = 50;
        while (!stopped) {
            try {
                Connection c = connection;
                if (c == null) {
                    connect();
                    onReconnect.run();
                    log.info("job node {} reconnected its listener", nodeId);
                    c = connection;
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                long next = System.nanoTime() + heartbeat.toNanos();
                while (!stopped) {
                    long waitMs = Math.max(1, Math.min(500, (next - System.nanoTime()) / 1_000_000));
                    PGNotification[] ns = pg.getNotifications((int) waitMs);
                    if (ns != null) {
                        for (PGNotification n : ns) {
                            onNotification.accept(n.getParameter());
                        }
                    }
                    if (System.nanoTime() >= next) {
                        beat(c);
                        next = System.nanoTime() + heartbeat.toNanos();
                    }
                    backoff = 50;
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    break;
                }
                log.warn("job node {} lost its listener connection, reconnecting in {} ms: {}", nodeId, backoff, e.getMessage());
                closeQuietly();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    break;
                }
                backoff = Math.min(backoff * 2, 2000);
            }
        }
        closeQuietly();
    }

    private void closeQuietly() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    void stop() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
    }
}
