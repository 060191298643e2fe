package app.shoebox.cli.libraries;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobSchema;
import app.shoebox.server.db.Database;
import app.shoebox.server.libraries.Library;
import app.shoebox.server.libraries.LibraryService;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code shoebox libraries ...}: external libraries (folders indexed in place), on the catalogue
 * directly, whether the server runs or not. A scan is queued; the workers do it.
 */
@Command(name = "libraries", mixinStandardHelpOptions = true,
        description = "Manage external libraries: folders of photos indexed where they are.",
        subcommands = {LibrariesCommand.Create.class, LibrariesCommand.ListLibraries.class, LibrariesCommand.Update.class,
                LibrariesCommand.Scan.class, LibrariesCommand.Stats.class, LibrariesCommand.Delete.class})
public final class LibrariesCommand {

    private LibrariesCommand() {
    }

    /** Opens the catalogue and its job queue for one command. */
    static <T> T withLibraries(CatalogueOptions catalogue, Function<LibraryService, T> work) {
        try (Database db = Database.openForAdmin(catalogue.location(), Database.PoolSettings.defaults(), "libraries")) {
            JobSchema.DEFAULT.migrate(db.dataSource());
            JobClient jobs = JobClient.create(db.dataSource(), JobSchema.DEFAULT);
            LibraryService service = new LibraryService(db.jdbi(), jobs, catalogue.library.toAbsolutePath().normalize());
            return work.apply(service);
        }
    }

    static Library find(LibraryService libraries, String idOrName) {
        List<Library> all = libraries.list();
        List<Library> matches = all.stream().filter(l -> l.id().toString().equals(idOrName) || l.name().equals(idOrName)).toList();
        if (matches.size() == 1) {
            return matches.getFirst();
        }
        throw new IllegalArgumentException(matches.isEmpty()
                ? "no library " + idOrName + " (see: shoebox libraries list)"
                : "several libraries are named " + idOrName + "; give its id (see: shoebox libraries list)");
    }

    static String describe(Library l, long assets) {
        return l.id() + "  " + l.name() + "  owner " + l.ownerId() + "  " + assets + " assets"
                + "  paths " + l.importPaths() + "  excluding " + l.exclusionPatterns()
                + (l.followOutsideSymlinks() ? "  (follows links out of its paths)" : "")
                + "  last scan " + l.refreshedAt().map(Object::toString).orElse("never");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a library for a user.")
    static final class Create implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--owner", required = true, description = "The user's email.")
        String owner;

        @Option(names = "--name", description = "Default: New External Library.")
        String name;

        @Option(names = "--import-path", required = true, description = "An absolute folder the server can read (repeatable).")
        List<String> importPaths;

        @Option(names = "--exclude", description = "A glob such as '**/@eaDir/**' (repeatable; default: Immich's defaults).")
        List<String> exclusions;

        @Option(names = "--follow-outside-symlinks",
                description = "Follow symlinks inside the import paths that lead outside them (off by default).")
        boolean followOutside;

        @Option(names = "--scan", description = "Queue a first scan right away.")
        boolean scan;

        @Override
        public Integer call() {
            return withLibraries(catalogue, libraries -> {
                User user = ownerByEmail(libraries, owner);
                Library created = libraries.create(user.id(), Optional.ofNullable(name), importPaths, Optional.ofNullable(exclusions),
                        followOutside);
                System.out.println("created library " + created.name() + " (" + created.id() + ") for " + user.email());
                if (scan) {
                    libraries.scan(created);
                    System.out.println("scan queued; follow it with: shoebox libraries stats " + created.id());
                }
                return 0;
            });
        }

        private User ownerByEmail(LibraryService libraries, String email) {
            return users(libraries).list(false).stream().filter(u -> u.email().equalsIgnoreCase(email)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no user " + email + " (see: shoebox users create)"));
        }

        private UserService users(LibraryService libraries) {
            return new UserService(libraries.jdbi());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the libraries.")
    static final class ListLibraries implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Override
        public Integer call() {
            return withLibraries(catalogue, libraries -> {
                List<Library> all = libraries.list();
                all.forEach(l -> System.out.println(describe(l, libraries.assetCount(l.id()))));
                if (all.isEmpty()) {
                    System.out.println("no libraries (create one with: shoebox libraries create)");
                }
                return 0;
            });
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a library's name, paths or exclusions.")
    static final class Update implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Parameters(index = "0", description = "The library's id or name.")
        String library;

        @Option(names = "--name")
        String name;

        @Option(names = "--import-path", description = "Replaces the import paths (repeatable).")
        List<String> importPaths;

        @Option(names = "--exclude", description = "Replaces the exclusion patterns (repeatable).")
        List<String> exclusions;

        @Option(names = "--follow-outside-symlinks", negatable = true)
        Boolean followOutside;

        @Override
        public Integer call() {
            return withLibraries(catalogue, libraries -> {
                UUID id = find(libraries, library).id();
                Library updated = libraries.update(id, new LibraryService.Changes(Optional.ofNullable(name),
                        Optional.ofNullable(importPaths), Optional.ofNullable(exclusions), Optional.ofNullable(followOutside)))
                        .orElseThrow(() -> new IllegalArgumentException("library " + library + " was deleted meanwhile"));
                System.out.println(describe(updated, libraries.assetCount(id)));
                return 0;
            });
        }
    }

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = "Queue a scan: new files, changed files, files gone (offline) and back.")
    static final class Scan implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Parameters(index = "0", arity = "0..1", description = "The library's id or name (default: every library).")
        String library;

        @Override
        public Integer call() {
            return withLibraries(catalogue, libraries -> {
                if (library == null) {
                    System.out.println(libraries.scanAll() + " library scans queued");
                } else {
                    Library l = find(libraries, library);
                    libraries.scan(l);
                    System.out.println("scan of " + l.name() + " queued (the library queue runs it; see shoebox libraries stats)");
                }
                return 0;
            });
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Count a library's photos, videos and offline files.")
    static final class Stats implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Parameters(index = "0", description = "The library's id or name.")
        String library;

        @Override
        public Integer call() {
            return withLibraries(catalogue, libraries -> {
                Library l = find(libraries, library);
                LibraryService.Statistics s = libraries.statistics(l.id());
                System.out.println(l.name() + ": " + s.total() + " assets (" + s.photos() + " photos, " + s.videos() + " videos), "
                        + s.usage() + " bytes, " + s.offline() + " offline; last scan "
                        + l.refreshedAt().map(Object::toString).orElse("never"));
                libraries.scanProblem(l).ifPresent(p -> System.out.println("warning: " + p + "; a scan would stop"));
                return 0;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a library and its assets from the catalogue (the files stay where they are).")
    static final class Delete implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Parameters(index = "0", description = "The library's id or name.")
        String library;

        @Override
        public Integer call() {
            return withLibraries(catalogue, libraries -> {
                Library l = find(libraries, library);
                libraries.delete(l.id());
                System.out.println("deleted library " + l.name() + " (" + l.id() + "); its files were not touched");
                return 0;
            });
        }
    }
}
