package app.shoebox.cli.db;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.server.db.EmbeddedDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code shoebox db url}: how to reach a library's catalogue database from outside (pg_dump, psql). */
@Command(name = "db", mixinStandardHelpOptions = true, description = "The catalogue database.",
        subcommands = DbCommand.Url.class)
public final class DbCommand {

    @Command(name = "url", mixinStandardHelpOptions = true,
            description = "Print the URL of the library's database (postgres://user:password@127.0.0.1:port/postgres), "
                    + "whether or not the server runs; for pg_dump and psql while it runs.")
    static final class Url implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--without-password",
                description = "Leave the password out (give it by PGPASSWORD or PGPASSFILE=<library>/"
                        + EmbeddedDatabase.PASSWORD_FILE + ", so it does not show in the process list).")
        boolean withoutPassword;

        @Override
        public Integer call() {
            if (catalogue.parsedDatabaseUrl().isPresent()) {
                System.out.println(catalogue.databaseUrl.strip());
                return 0;
            }
            var library = catalogue.library.toAbsolutePath().normalize();
            var access = EmbeddedDatabase.Access.read(library).orElseThrow(() -> new IllegalStateException(
                    "the library " + library + " has no embedded database yet (no " + EmbeddedDatabase.PASSWORD_FILE
                            + "); start `shoebox serve --library " + catalogue.library + "` once first"));
            System.out.println(access.url(!withoutPassword));
            return 0;
        }
    }
}
