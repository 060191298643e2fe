package app.shoebox.jobs;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Borrows a connection for one unit of work and turns database failures into {@link JobStoreException}. */
final class Db {

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;

    Db(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Runs {@code work} in autocommit mode (one statement, or statements that need no atomicity). */
    <T> T auto(String what, Work<T> work) {
        try (Connection c = borrow(what)) {
            return work.run(c);
        } catch (SQLException e) {
            throw new JobStoreException("job store: could not " + what, e);
        }
    }

    /** Runs {@code work} in one transaction, committed on success and rolled back on any failure. */
    <T> T tx(String what, Work<T> work) {
        try (Connection c = borrow(what)) {
            return inTransaction(c, work);
        } catch (SQLException e) {
            throw new JobStoreException("job store: could not " + what, e);
        }
    }

    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection is evicted by the pool when it is returned
            }
        }
    }

    Connection borrow(String what) throws SQLException {
        try {
            return dataSource.getConnection();
        } catch (SQLTransientConnectionException e) {
            throw new JobStoreException("job store: no database connection became free in time to " + what
                    + " (the pool is busy or the database is unreachable); retry later or raise the pool's timeout", e);
        }
    }
}
