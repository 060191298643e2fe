package app.shoebox.cli.backup;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.server.backup.BackupManifest;
import app.shoebox.server.backup.Restore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code shoebox restore --from DIR --library NEW}: a backup into a new library, ready for {@code shoebox serve}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a backup into a new library folder (with a new embedded database in it, or an empty one",
                "given by --database-url). Every original is checked against its checksum. Then start it with `shoebox serve`."})
public final class RestoreCommand implements Callable<Integer> {

    @Mixin
    CatalogueOptions catalogue;

    @Option(names = "--from", required = true, paramLabel = "FOLDER", description = "A folder `shoebox backup` made.")
    Path from;

    @Override
    public Integer call() {
        Restore.Result r = Restore.run(from, catalogue.location(), catalogue.libraryFolder(), new PrintedProgress("restore"));
        BackupManifest m = r.manifest();
        System.out.printf("restored the backup of %s (%s) into %s: %,d assets, %,d files, %d tables%n", m.createdAt(), m.source(),
                catalogue.libraryFolder(), r.assets(), r.files(), m.tables().size());
        if (r.jobsHandedBack() > 0) {
            System.out.println(r.jobsHandedBack() + " jobs that were running when the backup was made are waiting again");
        }
        if (m.missingFiles().stream().anyMatch(p -> !p.startsWith("original_path:"))) {
            System.out.println("thumbnails missing from the backup are made again by `shoebox jobs start thumbnailGeneration`");
        }
        if (!r.badOriginals().isEmpty()) {
            System.err.println("restore: " + r.badOriginals().size() + " originals did not come back whole (listed above)");
            return 1;
        }
        System.out.println("start it with: shoebox serve --library " + catalogue.libraryFolder()
                + (catalogue.parsedDatabaseUrl().isPresent() ? " --database-url <the same>" : ""));
        return 0;
    }
}
