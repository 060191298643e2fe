package app.shoebox.server.live;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Listens on {@link CatalogueEvents#CHANNEL} with a connection of its own and hands each event, in
 * the order PostgreSQL delivered them, to a consumer on one dispatch thread (building payloads
 * reads the catalogue; the listening connection never waits for that). Reconnects with backoff
 * when the connection breaks; events published while it was down are not replayed, so clients
 * re-read what they show when their socket reconnects.
 */
public final class CatalogueEventListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CatalogueEventListener.class);

    /** Opens a connection that is not returned to any pool. */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final ConnectionFactory connections;
    private final Consumer<CatalogueEvents.Event> consumer;
    private final ExecutorService dispatch = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "catalogue-events-dispatch");
        t.setDaemon(true);
        return t;
    });
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Connection connection;

    public CatalogueEventListener(ConnectionFactory connections, Consumer<CatalogueEvents.Event> consumer) {
        this.connections = connections;
        this.consumer = consumer;
        this.thread = new Thread(this::run, "catalogue-events-listener");
        thread.setDaemon(true);
    }

    /** Listens before returning, so no event committed after this call is missed. */
    public CatalogueEventListener start() {
        try {
            connect();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot listen for catalogue events: " + e.getMessage(), e);
        }
        thread.start();
        return this;
    }

    private void connect() throws SQLException {
        Connection c = connections.open();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CatalogueEvents.CHANNEL);
        }
        connection = c;
    }

    private void run() {
        long backoff = 100;
        while (!stopped) {
            try {
                if (connection == null) {
                    connect();
                    log.info("catalogue events: listening again");
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!stopped) {
                    PGNotification[] ns = pg.getNotifications(500);
                    if (ns != null) {
                        for (PGNotification n : ns) {
                            handle(n.getParameter());
                        }
                    }
                    backoff = 100;
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    break;
                }
                log.warn("catalogue events: lost the listening connection, reconnecting in {} ms: {}", backoff, e.getMessage());
                closeQuietly();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    break;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
        closeQuietly();
    }

    private void handle(String payload) {
        CatalogueEvents.Event event;
        try {
            event = CatalogueEvents.Event.parse(payload);
        } catch (Exception e) {
            // Someone else's NOTIFY on our channel must not stop the listener.
            log.warn("catalogue events: ignoring a malformed notification ({}): {}", e.getMessage(), payload);
            return;
        }
        dispatch.execute(() -> {
            try {
                consumer.accept(event);
            } catch (RuntimeException e) {
                log.warn("catalogue events: could not deliver {} for user {}: {}", event.event().wireName(), event.userId(),
                        e.getMessage(), e);
            }
        });
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

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
        dispatch.shutdown();
        try {
            dispatch.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
