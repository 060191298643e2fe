package app.shoebox.cli.backup;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.server.backup.Backup;
import app.shoebox.server.backup.BackupManifest;
import app.shoebox.server.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code shoebox backup --to DIR}: the catalogue and the files it names, while the server runs. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back up a library: its catalogue (every user, asset, album, tag and job) and the files it names,",
                "consistent with each other, while the server runs. Into a new or empty folder; restore with `shoebox restore`."})
public final class BackupCommand implements Callable<Integer> {

    @Mixin
    CatalogueOptions catalogue;

    @Option(names = "--to", required = true, paramLabel = "FOLDER", description = "A new or empty folder, outside the library.")
    Path to;

    @Override
    public Integer call() {
        Backup.Result result;
        try (Database db = catalogue.openForAdmin("backup")) {
            result = Backup.run(db, catalogue.libraryFolder(), to, new PrintedProgress("backup"));
        }
        BackupManifest m = result.manifest();
        System.out.printf("backed up %s: %d tables (%,d rows), %,d files (%s) into %s%n", m.source(), m.tables().size(),
                m.tables().stream().mapToLong(app.shoebox.server.db.CatalogueCopy.Table::rows).sum(), m.files(),
                app.shoebox.cli.Sizes.bytes(m.bytes()), result.folder());
        if (!m.deletedDuringBackup().isEmpty()) {
            System.out.println(m.deletedDuringBackup().size() + " assets were deleted while their files were copied; "
                    + "a restore leaves them out");
        }
        if (!result.libraryWasWhole()) {
            System.err.println("backup: the library itself had missing or damaged originals (listed above and in "
                    + BackupManifest.FILE_NAME + "); the backup holds what there was");
            return 1;
        }
        return 0;
    }
}
