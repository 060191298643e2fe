package app.shoebox.server.db;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The catalogue's rows in and out, with PostgreSQL's own COPY over the JDBC connection: no
 * {@code pg_dump} (the embedded PostgreSQL ships none, and one must match the server's major
 * version), and the result loads into any PostgreSQL from 14 on, the next major included. The
 * schema is not dumped: the restore recreates it with the migrations, at the backup's version.
 */
public final class CatalogueCopy {

    /** Tables that hold what a running fleet is doing, not what the library is: never copied. */
    public static final Set<String> RUNTIME_TABLES = Set.of("flyway_schema_history", "jobs_schema_history", "job_node", "job_leader",
            "job_throttle");

    /** One table's rows in {@code <file>}: PostgreSQL's COPY text format, gzipped; {@code schema} is catalogue or jobs. */
    public record Table(String schema, String name, List<String> columns, long rows, String file) {}

    /** A sequence's {@code last_value}; null when it was never used. */
    public record Sequence(String schema, String name, Long lastValue) {}

    /** An asset's files as the snapshot names them (the {@code *_path} columns) and its checksum. */
    public record AssetFiles(UUID id, Map<String, String> paths, byte[] checksum) {}

    /** What one consistent snapshot of the catalogue held. */
    public record Dump(String catalogueVersion, int jobSchemaVersion, String postgresVersion, List<Table> tables,
                       List<Sequence> sequences, List<AssetFiles> assets) {}

    private CatalogueCopy() {
    }

    /**
     * Every table of the catalogue's schema and the job schema, in one REPEATABLE READ snapshot, each
     * to {@code folder/<schema>.<table>.copy.gz}; with, from the same snapshot, the files every asset
     * names. The transaction ends before any file is copied, so a long copy holds back no vacuum.
     */
    public static Dump dump(Connection c, String jobSchema, Path folder) throws SQLException, IOException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            String catalogueSchema = one(s, "SELECT current_schema()");
            String catalogueVersion = one(s, "SELECT version FROM " + catalogueSchema + ".flyway_schema_history"
                    + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
            int jobVersion = Integer.parseInt(one(s, "SELECT coalesce(max(version), 0) FROM " + jobSchema + ".jobs_schema_history"));
            String postgres = one(s, "SHOW server_version");
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            List<Table> tables = new ArrayList<>();
            for (var t : tables(c, List.of(catalogueSchema, jobSchema)).entrySet()) {
                String schema = t.getKey().get(0);
                String name = t.getKey().get(1);
                String file = schema + "." + name + ".copy.gz";
                long rows;
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve(file)), 1 << 16)) {
                    rows = copy.copyOut("COPY " + qualified(schema, name) + " (" + columns(t.getValue()) + ") TO STDOUT", out);
                }
                Fsync.sync(folder.resolve(file));
                // the catalogue's own schema is named by its role on restore, whatever it is called here
                tables.add(new Table(schema.equals(catalogueSchema) ? "catalogue" : "jobs", name, t.getValue(),
                        rows, file));
            }
            List<Sequence> sequences = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT schemaname, sequencename, last_value FROM pg_sequences"
                    + " WHERE schemaname = ANY(?) ORDER BY 1, 2")) {
                p.setArray(1, c.createArrayOf("text", new String[] {catalogueSchema, jobSchema}));
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        long v = rs.getLong(3);
                        sequences.add(new Sequence(rs.getString(1).equals(catalogueSchema) ? "catalogue" : "jobs",
                                rs.getString(2), rs.wasNull() ? null : v));
                    }
                }
            }
            List<AssetFiles> assets = assetFiles(c);
            c.commit();
            return new Dump(catalogueVersion, jobVersion, postgres, tables, sequences, assets);
        } catch (SQLException | IOException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** The {@code *_path} columns of {@code assets}: each names a file under the library folder, or one {@link #inPlace}. */
    public static List<String> pathColumns(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = 'assets' AND column_name LIKE '%\\_path'"
                + " AND data_type = 'text' ORDER BY ordinal_position")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * Whether a stored path names a file outside the library folder: an external library's original
     * or sidecar, indexed where it is (stored absolute). Such files belong to the user's own folder
     * tree, not to the library, so a backup holds their rows but not the files.
     */
    public static boolean inPlace(String path) {
        return java.nio.file.Path.of(path).isAbsolute();
    }

    static List<AssetFiles> assetFiles(Connection c) throws SQLException {
        List<String> columns = pathColumns(c);
        List<AssetFiles> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, checksum, " + String.join(", ", columns)
                + " FROM assets ORDER BY id")) {
            while (rs.next()) {
                Map<String, String> paths = new LinkedHashMap<>();
                for (String column : columns) {
                    String path = rs.getString(column);
                    if (path != null && !inPlace(path)) {
                        paths.put(column, path);
                    }
                }
                out.add(new AssetFiles(rs.getObject(1, UUID.class), paths, rs.getBytes(2)));
            }
        }
        return out;
    }

    /** Where an asset's file is now, by its column; empty when the asset is gone. */
    public static java.util.Optional<Map<String, String>> currentPaths(Connection c, UUID asset) throws SQLException {
        List<String> columns = pathColumns(c);
        try (PreparedStatement p = c.prepareStatement("SELECT " + String.join(", ", columns) + " FROM assets WHERE id = ?")) {
            p.setObject(1, asset);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                Map<String, String> paths = new LinkedHashMap<>();
                for (String column : columns) {
                    if (rs.getString(column) != null) {
                        paths.put(column, rs.getString(column));
                    }
                }
                return java.util.Optional.of(paths);
            }
        }
    }

    /**
     * Loads a backup's rows into a database whose schemas the migrations just made at the backup's
     * versions: in one transaction, each table emptied of what the migrations may have put there,
     * filled in an order where every row's foreign keys already exist (deferrable ones are checked
     * at the commit), user triggers off meanwhile; then the sequences go where they were.
     */
    public static void load(Connection c, String jobSchema, String catalogueVersion, List<Table> tables, List<Sequence> sequences,
                            Path folder) throws SQLException, IOException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            String catalogueSchema = one(s, "SELECT current_schema()");
            s.execute("SET CONSTRAINTS ALL DEFERRED");
            Map<List<String>, List<String>> present = tables(c, List.of(catalogueSchema, jobSchema));
            Map<List<String>, Table> wanted = new LinkedHashMap<>();
            for (Table t : tables) {
                List<String> key = List.of(t.schema().equals("catalogue") ? catalogueSchema : jobSchema, t.name());
                if (!present.containsKey(key)) {
                    throw new IllegalStateException("the backup has table " + t.schema() + "." + t.name()
                            + ", which schema version " + catalogueVersion + " does not; the backup is damaged");
                }
                if (!t.file().matches("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+\\.copy\\.gz")) {
                    throw new IllegalStateException("the backup names a table file '" + t.file() + "' outside its catalogue folder");
                }
                wanted.put(key, t);
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (List<String> key : present.keySet()) {
                s.execute("ALTER TABLE " + qualified(key.get(0), key.get(1)) + " DISABLE TRIGGER USER");
            }
            s.execute("TRUNCATE " + String.join(", ", present.keySet().stream().filter(k -> !RUNTIME_TABLES.contains(k.get(1)))
                    .map(k -> qualified(k.get(0), k.get(1))).toList()));
            for (List<String> key : loadOrder(c, wanted.keySet())) {
                Table t = wanted.get(key);
                long rows;
                try (InputStream in = new GZIPInputStream(Files.newInputStream(folder.resolve(t.file())), 1 << 16)) {
                    rows = copy.copyIn("COPY " + qualified(key.get(0), key.get(1)) + " (" + columns(t.columns()) + ") FROM STDIN", in);
                }
                if (rows != t.rows()) {
                    throw new IllegalStateException("the backup's " + t.file() + " holds " + rows + " rows, its manifest says "
                            + t.rows() + "; the backup is damaged");
                }
            }
            for (List<String> key : present.keySet()) {
                s.execute("ALTER TABLE " + qualified(key.get(0), key.get(1)) + " ENABLE TRIGGER USER");
            }
            for (Sequence q : sequences) {
                String schema = q.schema().equals("catalogue") ? catalogueSchema : jobSchema;
                try (PreparedStatement p = c.prepareStatement(q.lastValue() == null
                        ? "SELECT setval(?::regclass, (SELECT start_value FROM pg_sequences WHERE schemaname = ? AND sequencename = ?), false)"
                        : "SELECT setval(?::regclass, ?, true)")) {
                    p.setString(1, qualified(schema, q.name()));
                    if (q.lastValue() == null) {
                        p.setString(2, schema);
                        p.setString(3, q.name());
                    } else {
                        p.setLong(2, q.lastValue());
                    }
                    p.execute();
                }
            }
            c.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Base tables of the schemas, with their columns (generated ones left out), runtime tables left out. */
    private static Map<List<String>, List<String>> tables(Connection c, List<String> schemas) throws SQLException {
        Map<List<String>, List<String>> out = new LinkedHashMap<>();
        try (PreparedStatement p = c.prepareStatement("""
                SELECT n.nspname, cl.relname, array_agg(a.attname::text ORDER BY a.attnum)
                  FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
                  JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                 WHERE cl.relkind = 'r' AND n.nspname = ANY(?)
                 GROUP BY 1, 2 ORDER BY 1, 2""")) {
            p.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    if (!RUNTIME_TABLES.contains(rs.getString(2))) {
                        out.put(List.of(rs.getString(1), rs.getString(2)), List.of((String[]) rs.getArray(3).getArray()));
                    }
                }
            }
        }
        return out;
    }

    /** Parents before children along the foreign keys that are checked at once; deferrable ones wait for the commit. */
    private static List<List<String>> loadOrder(Connection c, Set<List<String>> tables) throws SQLException {
        Map<List<String>, Set<List<String>>> parents = new LinkedHashMap<>();
        tables.forEach(t -> parents.put(t, new LinkedHashSet<>()));
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT cn.nspname, cc.relname, pn.nspname, pc.relname
                  FROM pg_constraint k
                  JOIN pg_class cc ON cc.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
                  JOIN pg_class pc ON pc.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                 WHERE k.contype = 'f' AND NOT k.condeferrable""")) {
            while (rs.next()) {
                List<String> child = List.of(rs.getString(1), rs.getString(2));
                List<String> parent = List.of(rs.getString(3), rs.getString(4));
                if (parents.containsKey(child) && parents.containsKey(parent) && !child.equals(parent)) {
                    parents.get(child).add(parent);
                }
            }
        }
        List<List<String>> order = new ArrayList<>();
        Set<List<String>> done = new LinkedHashSet<>();
        while (order.size() < parents.size()) {
            boolean progress = false;
            for (var e : parents.entrySet()) {
                if (!done.contains(e.getKey()) && done.containsAll(e.getValue())) {
                    order.add(e.getKey());
                    done.add(e.getKey());
                    progress = true;
                }
            }
            if (!progress) {
                throw new IllegalStateException("the catalogue's tables refer to each other in a circle of foreign keys that are "
                        + "checked at once: " + parents.keySet().stream().filter(t -> !done.contains(t)).toList());
            }
        }
        return order;
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("the catalogue has no schema version yet (" + sql + ")");
            }
            return rs.getString(1);
        }
    }

    static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    private static String columns(List<String> columns) {
        return String.join(", ", columns.stream().map(CatalogueCopy::quote).toList());
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
