package app.shoebox.cli;

import app.shoebox.server.db.Database;
import app.shoebox.server.db.DatabaseUrl;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** Where the library and its catalogue are: shared by serve, users, api-keys and worker. */
public final class CatalogueOptions {

    @Option(names = "--library", defaultValue = "${env:SHOEBOX_LIBRARY:-./library}",
            description = "Library folder: originals, thumbnails and the embedded database (env SHOEBOX_LIBRARY, default ${DEFAULT-VALUE}).")
    public Path library;

    @Option(names = "--database-url", defaultValue = "${env:SHOEBOX_DATABASE_URL}",
            description = "External PostgreSQL, as postgres://user:pass@host:port/db or a JDBC URL (env SHOEBOX_DATABASE_URL). Default: embedded in the library folder.")
    public String databaseUrl;

    public Optional<DatabaseUrl> parsedDatabaseUrl() {
        return Optional.ofNullable(databaseUrl).filter(s -> !s.isBlank()).map(DatabaseUrl::parse);
    }

    /**
     * The catalogue for an admin command, beside a running server or not; a {@code --library} that
     * holds no library is refused rather than made.
     */
    public Database openForAdmin(String role) {
        return Database.openForAdmin(location(), new Database.PoolSettings(4, java.time.Duration.ofSeconds(10)), role);
    }

    /** The library folder, absolute. */
    public Path libraryFolder() {
        return library.toAbsolutePath().normalize();
    }

    public Database.Location location() {
        return parsedDatabaseUrl().<Database.Location>map(Database.Location.External::new)
                .orElseGet(() -> new Database.Location.Embedded(library));
    }
}
