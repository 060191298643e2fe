package app.shoebox.server.backup;

import app.shoebox.jobs.JobSchema;
import app.shoebox.jobs.QueueAdmin;
import app.shoebox.server.assets.AssetFiles;
import app.shoebox.server.db.CatalogueCopy;
import app.shoebox.server.db.Database;
import app.shoebox.server.db.Fsync;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code shoebox restore}: a backup into a new library folder (and a new embedded database in it,
 * or an empty external one), which {@code shoebox serve} then starts like any other.
 *
 * <p>Order: the files first, then the catalogue's schema exactly at the backup's versions, its rows,
 * what the backup recorded as changed while it copied (assets deleted meanwhile go again, thumbnails
 * that were missing are made anew by {@code shoebox jobs start thumbnailGeneration}), jobs that were
 * running put back to waiting, then the migrations of this version, as at any start. Last, every
 * original is read back and its SHA-1 checked against the catalogue.
 */
public final class Restore {

    /** What a restore did: the backup's manifest, and the originals that did not come back whole. */
    public record Result(BackupManifest manifest, long files, long assets, int jobsHandedBack, List<String> badOriginals) {}

    private static final List<String> LIBRARY_CONTENT = List.of("upload", "library", "thumbs", "encoded-video");

    private Restore() {
    }

    public static Result run(Path from, Database.Location location, Path library, Backup.Progress progress) {
        Path backup = from.toAbsolutePath().normalize();
        Path root = library.toAbsolutePath().normalize();
        BackupManifest manifest = BackupManifest.read(backup);
        if (manifest.jobSchemaVersion() > JobSchema.latestVersion()) {
            throw new IllegalStateException(newer(manifest));
        }
        requireNoLibraryFiles(root);
        long files = copyFiles(backup.resolve(BackupManifest.FILES_FOLDER), root);
        progress.copied(files, manifest.bytes());
        try (Database db = Database.openEmpty(location, new Database.PoolSettings(4, java.time.Duration.ofSeconds(30)))) {
            String latest = latestCatalogueVersion(db);
            if (compareVersions(manifest.catalogueSchemaVersion(), latest) > 0) {
                throw new IllegalStateException(newer(manifest));
            }
            db.migrate(Optional.of(manifest.catalogueSchemaVersion()));
            JobSchema.DEFAULT.migrate(db.dataSource(), manifest.jobSchemaVersion());
            try (Connection c = db.dataSource().getConnection()) {
                CatalogueCopy.load(c, JobSchema.DEFAULT.name(), manifest.catalogueSchemaVersion(), manifest.tables(),
                        manifest.sequences(), backup.resolve(BackupManifest.CATALOGUE_FOLDER));
                forgetWhatTheBackupLacks(c, manifest, root);
            }
            int handedBack = QueueAdmin.create(db.dataSource(), JobSchema.DEFAULT).handBackUnowned();
            db.migrate();
            JobSchema.DEFAULT.migrate(db.dataSource());
            List<String> bad = new ArrayList<>();
            long assets;
            try (Connection c = db.dataSource().getConnection()) {
                assets = checkOriginals(c, AssetFiles.beside(root), bad, progress);
            }
            return new Result(manifest, files, assets, handedBack, bad);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("restore into " + root + " stopped: " + e.getMessage()
                    + "; delete what it made there before trying again", e);
        }
    }

    private static String newer(BackupManifest m) {
        return "the backup was made by a newer Shoebox (" + m.shoeboxVersion() + ", catalogue schema " + m.catalogueSchemaVersion()
                + ", job schema " + m.jobSchemaVersion() + ") than this one (" + Backup.version()
                + "); restore it with that version or a later one";
    }

    /** A restore makes a library; it never mixes one into another. */
    private static void requireNoLibraryFiles(Path root) {
        for (String folder : LIBRARY_CONTENT) {
            Path p = root.resolve(folder);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("the folder " + root + " already holds library files (" + p
                        + "); restore into a new folder");
            }
        }
    }

    /**
     * The backup's {@code files/} into the library folder, as regular files only: a link in a
     * backup (Shoebox writes none) could make a restore write outside the library, so it is refused.
     */
    private static long copyFiles(Path files, Path root) {
        if (!Files.isDirectory(files, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException(files + " is missing: the backup is damaged");
        }
        try {
            Files.createDirectories(root);
            List<Path> all;
            try (var walk = Files.walk(files)) {
                all = walk.toList();
            }
            long n = 0;
            for (Path p : all) {
                if (Files.isSymbolicLink(p)) {
                    throw new IllegalStateException("the backup holds a link, " + p + "; Shoebox backups hold none, so this one "
                            + "was changed: refused");
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Backup.copy(p, Backup.inside(root, files.relativize(p).toString()));
                    n++;
                }
            }
            Fsync.syncFolders(root);
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the backup's files into " + root + ": " + e.getMessage(), e);
        }
    }

    /** Assets deleted while the backup copied go again (with whatever of their files came); missing thumbnails are forgotten. */
    private static void forgetWhatTheBackupLacks(Connection c, BackupManifest m, Path root) throws SQLException {
        List<String> columns = CatalogueCopy.pathColumns(c);
        AssetFiles files = AssetFiles.beside(root);
        if (!m.deletedDuringBackup().isEmpty()) {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM assets WHERE id = ANY(?) RETURNING "
                    + String.join(", ", columns))) {
                p.setArray(1, c.createArrayOf("uuid", m.deletedDuringBackup().toArray(UUID[]::new)));
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        for (String column : columns) {
                            String path = rs.getString(column);
                            if (path != null && !CatalogueCopy.inPlace(path)) { // never a file in a user's own folder
                                try {
                                    Files.deleteIfExists(files.resolve(path));
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            }
                        }
                    }
                }
            }
        }
        for (String missing : m.missingFiles()) {
            int colon = missing.indexOf(':');
            String column = missing.substring(0, colon);
            if (!column.equals("original_path") && columns.contains(column)) {
                try (PreparedStatement p = c.prepareStatement("UPDATE assets SET \"" + column.replace("\"", "") + "\" = NULL"
                        + " WHERE \"" + column.replace("\"", "") + "\" = ?")) {
                    p.setString(1, missing.substring(colon + 1));
                    p.executeUpdate();
                }
            }
        }
    }

    /** Reads every original back and checks its SHA-1 against the catalogue; returns how many assets there are. */
    private static long checkOriginals(Connection c, AssetFiles files, List<String> bad, Backup.Progress progress)
            throws SQLException {
        long n = 0;
        try (PreparedStatement p = c.prepareStatement("SELECT id, original_path, checksum FROM assets ORDER BY id");
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                n++;
                String path = rs.getString(2);
                if (CatalogueCopy.inPlace(path)) {
                    continue; // an external library's original: in the user's folder, not in the backup
                }
                Path file = files.resolve(path);
                try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-1"))) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                    if (!Arrays.equals(((DigestInputStream) in).getMessageDigest().digest(), rs.getBytes(3))) {
                        bad.add(path);
                        progress.warning("the restored original " + path + " does not match its checksum");
                    }
                } catch (IOException e) {
                    bad.add(path);
                    progress.warning("the original " + path + " of asset " + rs.getString(1) + " did not come back: " + e.getMessage());
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return n;
    }

    private static String latestCatalogueVersion(Database db) {
        return Arrays.stream(Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").load().info().all())
                .map(MigrationInfo::getVersion).filter(java.util.Objects::nonNull).map(Object::toString)
                .max(Restore::compareVersions).orElse("0");
    }

    private static int compareVersions(String a, String b) {
        return org.flywaydb.core.api.MigrationVersion.fromVersion(a).compareTo(org.flywaydb.core.api.MigrationVersion.fromVersion(b));
    }
}
