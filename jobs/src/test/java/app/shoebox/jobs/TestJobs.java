package app.shoebox.jobs;

import app.shoebox.testing.TestPostgres;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** A fresh database and job schema for one test class, and small helpers the tests share. */
final class TestJobs {
    final String url;
    final DataSource dataSource;
    final JobSchema schema;
    final JobStore store;
    final JobClient client;
    final QueueAdmin admin;

    TestJobs(String hint) {
        TestPostgres pg = TestPostgres.get();
        this.url = pg.newDatabase(hint);
        this.dataSource = pg.dataSource(url);
        this.schema = new JobSchema("jobs_" + UUID.randomUUID().toString().substring(0, 8));
        schema.migrate(dataSource);
        this.store = new JobStore(schema);
        this.client = JobClient.create(dataSource, schema);
        this.admin = QueueAdmin.create(dataSource, schema);
    }

    /** A node builder on this database with short periods; the caller adds queues and handlers. */
    JobEngine.Builder engine() {
        TestPostgres pg = TestPostgres.get();
        return JobEngine.builder().database(url, pg.user(), pg.password()).schema(schema.name())
                .heartbeat(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(200));
    }

    long scalar(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql.replace("${schema}", schema.name()))) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    void exec(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql.replace("${schema}", schema.name()));
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /**
     * Makes {@code node} look alive to every rescuer for the next hour, without a heartbeat thread:
     * a test that hands a job to a made-up node must not race a running engine's rescuer, which
     * would take the job back within 1.5 heartbeat periods.
     */
    void alive(String node) {
        exec("INSERT INTO ${schema}.job_node (node_id, host, heartbeat_at) VALUES ('" + node + "', 'test', now() + interval '1 hour')"
                + " ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at");
    }

    JobView job(long id) {
        return client.get(id).orElseThrow(() -> new AssertionError("job " + id + " is gone"));
    }

    /** Waits for a state the engine reaches by itself; fails with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, Duration.ofSeconds(20), condition);
    }
}
