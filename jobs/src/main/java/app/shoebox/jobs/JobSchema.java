package app.shoebox.jobs;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The PostgreSQL schema that holds the engine's tables, and the migrations that create it.
 *
 * <p>Guarantee: {@link #migrate} applies each versioned migration exactly once, in order, under an
 * advisory lock (so nodes starting together do not race), and records it in the schema's own
 * {@code jobs_schema_history} table, which never collides with the catalogue's Flyway history.
 */
public record JobSchema(String name) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,45}");

    /** The schema used when none is configured. */
    public static final JobSchema DEFAULT = new JobSchema("shoebox_jobs");
    /** Applied in this order; one file per change, never edited once released. */
    private static final List<String> MIGRATIONS = List.of("V1__jobs.sql", "V2__stats_and_throttle.sql");

    public JobSchema {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("job schema name '" + name
                    + "' is not usable: use lower-case letters, digits and '_' (at most 46 characters)");
        }
    }

    /** The LISTEN/NOTIFY channel of this schema, so engines in different schemas never wake each other. */
    public String channel() {
        return name + "_wake";
    }

    /** Table name qualified with this schema. */
    String table(String table) {
        return name + "." + table;
    }

    /** The version the migrations bring a schema to. */
    public static int latestVersion() {
        return MIGRATIONS.size();
    }

    /** Creates the schema if needed and applies the migrations not yet applied. Returns how many ran. */
    public int migrate(DataSource dataSource) {
        return migrate(dataSource, MIGRATIONS.size());
    }

    /**
     * As {@link #migrate(DataSource)}, but stops at version {@code upTo}: a restore recreates the
     * schema of the backup's version before loading its rows, then migrates the rest.
     */
    public int migrate(DataSource dataSource, int upTo) {
        if (upTo < 1 || upTo > MIGRATIONS.size()) {
            throw new IllegalArgumentException("job schema version " + upTo + " is unknown to this version of Shoebox (it knows 1 to "
                    + MIGRATIONS.size() + ")");
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(hashtext('shoebox_jobs_migrate:" + name + "'))");
                s.execute("CREATE SCHEMA IF NOT EXISTS " + name);
                s.execute("CREATE TABLE IF NOT EXISTS " + table("jobs_schema_history")
                        + " (version integer PRIMARY KEY, script text NOT NULL,"
                        + " installed_at timestamptz NOT NULL DEFAULT now())");
                int applied = 0;
                int current = 0;
                try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + table("jobs_schema_history"))) {
                    rs.next();
                    current = rs.getInt(1);
                }
                for (int i = current; i < upTo; i++) {
                    String script = MIGRATIONS.get(i);
                    s.execute(load(script));
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table("jobs_schema_history")
                            + " (version, script) VALUES (?, ?)")) {
                        p.setInt(1, i + 1);
                        p.setString(2, script);
                        p.executeUpdate();
                    }
                    applied++;
                }
                c.commit();
                return applied;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new JobStoreException("could not migrate the job schema '" + name + "'", e);
        }
    }

    /** Drops the schema and everything in it (benchmarks and tests clean up with this). */
    public void drop(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } catch (SQLException e) {
            throw new JobStoreException("could not drop the job schema '" + name + "'", e);
        }
    }

    private String load(String script) {
        String path = "/app/shoebox/jobs/migration/" + script;
        try (InputStream in = JobSchema.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration " + path + " is missing from the jobs jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${schema}", name);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read migration " + path, e);
        }
    }
}
