package app.shoebox.server.backup;

import app.shoebox.jobs.JobSchema;
import app.shoebox.server.assets.AssetFiles;
import app.shoebox.server.db.CatalogueCopy;
import app.shoebox.server.db.Database;
import app.shoebox.server.db.Fsync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code shoebox backup}: the catalogue and the files it names, consistent with each other, while
 * the server runs on.
 *
 * <p>How the two agree without stopping anything: the catalogue is read in one snapshot
 * ({@link CatalogueCopy#dump}), which also says which files belong to it; then those files are
 * copied. Whatever happens meanwhile is either outside the snapshot (an upload that commits later:
 * neither its row nor its file is in the backup) or is met when its file is copied:
 * <ul>
 *   <li>a storage-template move committed after the snapshot: the old path is gone, so the file is
 *       copied from where the catalogue says it is now, to the place the snapshot knows (the move
 *       checked its SHA-1, and so does the backup);</li>
 *   <li>an asset deleted after the snapshot (its files go right after the commit): the backup
 *       records it, and the restore deletes it too, as if the snapshot had been a moment later;</li>
 *   <li>a file that was already missing from the library: recorded, and said.</li>
 * </ul>
 * Every original's SHA-1 is checked against the catalogue as it is copied. The manifest is written
 * last, so a backup that stopped halfway is never taken for a complete one.
 */
public final class Backup {

    /** What a backup tells as it goes (the CLI prints it; tests act on it). */
    public interface Progress {
        /** The catalogue is read; files not yet copied. Anything the library does from now on is after the backup. */
        default void snapshotTaken(long rows, int assets) {
        }

        default void copied(long files, long bytes) {
        }

        default void warning(String message) {
        }
    }

    /** A finished backup: its manifest, and whether the library had losses the backup could not make up for. */
    public record Result(Path folder, BackupManifest manifest) {
        public boolean libraryWasWhole() {
            return manifest.damagedOriginals().isEmpty() && manifest.missingFiles().stream()
                    .noneMatch(p -> p.startsWith("original_path:"));
        }
    }

    private static final String ORIGINAL = "original_path";

    private Backup() {
    }

    public static Result run(Database db, Path library, Path to, Progress progress) {
        Path folder = to.toAbsolutePath().normalize();
        Path root = library.toAbsolutePath().normalize();
        if (folder.startsWith(root) || root.startsWith(folder)) {
            throw new IllegalArgumentException("back up to a folder outside the library " + root + ", not " + folder);
        }
        try {
            prepareEmpty(folder);
            Path catalogue = Files.createDirectory(folder.resolve(BackupManifest.CATALOGUE_FOLDER));
            Path files = Files.createDirectory(folder.resolve(BackupManifest.FILES_FOLDER));
            CatalogueCopy.Dump dump;
            try (Connection c = db.dataSource().getConnection()) {
                dump = CatalogueCopy.dump(c, JobSchema.DEFAULT.name(), catalogue);
            }
            progress.snapshotTaken(dump.tables().stream().mapToLong(CatalogueCopy.Table::rows).sum(), dump.assets().size());

            AssetFiles libraryFiles = AssetFiles.beside(root);
            Set<UUID> deleted = new LinkedHashSet<>();
            List<String> missing = new ArrayList<>();
            List<String> damaged = new ArrayList<>();
            long count = 0;
            long bytes = 0;
            for (CatalogueCopy.AssetFiles asset : dump.assets()) {
                Optional<Map<String, String>> now = Optional.empty();
                for (var file : asset.paths().entrySet()) {
                    String column = file.getKey();
                    String path = file.getValue();
                    Path target = inside(files, path);
                    Optional<Path> source = Optional.of(libraryFiles.resolve(path)).filter(Files::isRegularFile);
                    if (source.isEmpty()) {
                        // gone since the snapshot: moved by the storage template, or deleted with its asset
                        if (now.isEmpty()) {
                            try (Connection c = db.dataSource().getConnection()) {
                                now = Optional.of(CatalogueCopy.currentPaths(c, asset.id()).orElse(Map.of()));
                            }
                        }
                        if (now.get().isEmpty()) {
                            deleted.add(asset.id());
                            break;
                        }
                        source = Optional.ofNullable(now.get().get(column)).map(libraryFiles::resolve).filter(Files::isRegularFile);
                    }
                    if (source.isEmpty()) {
                        missing.add(column + ":" + path);
                        progress.warning("the library has no " + path + " (" + column + " of asset " + asset.id() + ")");
                        continue;
                    }
                    byte[] sha1 = copy(source.get(), target);
                    if (column.equals(ORIGINAL) && !Arrays.equals(sha1, asset.checksum())) {
                        damaged.add(path);
                        progress.warning("the original " + path + " (asset " + asset.id() + ") does not match its checksum: "
                                + "it was damaged in the library; the backup holds it as it is");
                    }
                    count++;
                    bytes += Files.size(target);
                    progress.copied(count, bytes);
                }
            }
            Fsync.syncFolders(files);
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, Instant.now().toString(), version(),
                    db.description(), dump.postgresVersion(), dump.catalogueVersion(), dump.jobSchemaVersion(), dump.tables(),
                    dump.sequences(), count, bytes, List.copyOf(deleted), missing, damaged);
            manifest.write(folder);
            return new Result(folder, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("backup to " + folder + " failed: " + e.getMessage()
                    + "; it is incomplete (no " + BackupManifest.FILE_NAME + "): delete it and try again", e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the catalogue (" + db.description() + "): " + e.getMessage()
                    + "; the backup in " + folder + " is incomplete: delete it and try again", e);
        }
    }

    /** The backup folder must be new or empty: a backup never mixes with another or overwrites one. */
    private static void prepareEmpty(Path folder) throws IOException {
        if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(folder + " is not a folder; give a new or empty folder to back up to");
            }
            try (var entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(folder + " is not empty; give a new or empty folder to back up to");
                }
            }
        } else {
            Files.createDirectories(folder);
        }
    }

    /** {@code relative} under {@code root}, refusing anything that would leave it. */
    static Path inside(Path root, String relative) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IllegalStateException("the path " + relative + " leads outside " + root);
        }
        return p;
    }

    /** Copies a file with its modification time, synced, and returns its SHA-1. */
    static byte[] copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(from), sha1);
             OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(out);
        }
        Files.setLastModifiedTime(to, Files.getLastModifiedTime(from));
        Fsync.sync(to);
        return sha1.digest();
    }

    static String version() {
        String v = Backup.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
