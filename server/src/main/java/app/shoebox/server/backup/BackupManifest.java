package app.shoebox.server.backup;

import app.shoebox.server.db.CatalogueCopy;
import app.shoebox.server.db.Fsync;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * {@code shoebox-backup.json}, written last: a backup folder without it is incomplete. It says
 * which schema versions the catalogue's rows belong to (a restore recreates exactly those before
 * loading them, then migrates as any start does), each table's columns and row count, the
 * sequences' positions, the files, and what changed in the library while the files were copied.
 *
 * @param deletedDuringBackup assets in the catalogue's snapshot whose files were deleted (the asset
 *                            with them) before they could be copied: the restore deletes them too,
 *                            as if the backup had been taken a moment later
 * @param missingFiles        files the snapshot names that were not in the library, while their
 *                            asset was (thumbnails a restore can make again; an original is a loss
 *                            that was there before the backup)
 * @param damagedOriginals    originals whose bytes did not match their catalogue checksum
 */
public record BackupManifest(int format, String createdAt, String shoeboxVersion, String source, String postgresVersion,
                             String catalogueSchemaVersion, int jobSchemaVersion, List<CatalogueCopy.Table> tables,
                             List<CatalogueCopy.Sequence> sequences, long files, long bytes, List<UUID> deletedDuringBackup,
                             List<String> missingFiles, List<String> damagedOriginals) {

    public static final String FILE_NAME = "shoebox-backup.json";
    public static final String CATALOGUE_FOLDER = "catalogue";
    public static final String FILES_FOLDER = "files";
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    void write(Path folder) throws IOException {
        Path temp = folder.resolve(FILE_NAME + ".part");
        JSON.writeValue(temp.toFile(), this);
        Fsync.sync(temp);
        Files.move(temp, folder.resolve(FILE_NAME), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Fsync.sync(folder);
    }

    static BackupManifest read(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(Files.isDirectory(folder)
                    ? folder + " is no complete Shoebox backup (it has no " + FILE_NAME + ", which a backup writes last): "
                    + "the backup that made it did not finish; use another"
                    : "there is no backup folder " + folder);
        }
        try {
            BackupManifest m = JSON.readValue(file.toFile(), BackupManifest.class);
            if (m.format() != FORMAT) {
                throw new IllegalStateException(file + " is a backup of format " + m.format() + ", which this Shoebox cannot read "
                        + "(it reads format " + FORMAT + "); restore it with the version that made it (" + m.shoeboxVersion() + ")");
            }
            return m;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage() + "; the backup is damaged", e);
        }
    }
}
