package app.shoebox.cli.admin;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.cli.Table;
import app.shoebox.server.assets.AssetFiles;
import app.shoebox.server.assets.AssetService;
import app.shoebox.server.auth.ApiKeyService;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.auth.Secrets;
import app.shoebox.server.db.Database;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code shoebox users list|create|delete|reset-password}: the users of a library, through its
 * catalogue directly (beside a running server or not), so that a lost admin password or a deleted
 * last API key is never fatal.
 */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage users (the library's catalogue directly).",
        subcommands = {UsersCommand.ListUsers.class, UsersCommand.Create.class, UsersCommand.Delete.class,
                UsersCommand.ResetPassword.class})
public final class UsersCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users with their photos, videos and storage.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--deleted", description = "Also users deleted without --force (they can no longer sign in).")
        boolean deleted;

        @Override
        public Integer call() {
            try (Database db = catalogue.openForAdmin("users")) {
                UserService users = new UserService(db.jdbi());
                Map<UUID, UserService.Usage> usage = users.usage().stream()
                        .collect(Collectors.toMap(UserService.Usage::userId, Function.identity()));
                Table table = new Table("email", "name", "role", "photos", "videos", "storage", "created", "status");
                for (User u : users.list(deleted)) {
                    UserService.Usage use = usage.get(u.id());
                    table.row(u.email(), u.name(), u.isAdmin() ? "admin" : "user", use == null ? 0 : use.photos(),
                            use == null ? 0 : use.videos(), use == null ? "0 B" : app.shoebox.cli.Sizes.bytes(use.usagePhotos() + use.usageVideos()), DAY.format(u.createdAt()),
                            users.deletedAt(u.id()).map(d -> "deleted " + DAY.format(d)).orElse(
                                    u.shouldChangePassword() ? "must change password" : "active"));
                }
                table.print(System.out);
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user, and print an API key for it.")
    static final class Create implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--email", required = true)
        String email;

        @Option(names = "--name", defaultValue = "")
        String name;

        @Option(names = "--password", defaultValue = "${env:SHOEBOX_NEW_USER_PASSWORD}",
                description = "At least 8 characters (or env SHOEBOX_NEW_USER_PASSWORD, to keep it out of shell history).")
        String password;

        @Option(names = "--admin", description = "Make the user an administrator.")
        boolean admin;

        @Override
        public Integer call() {
            if (password == null || password.isBlank()) {
                System.err.println("users create: give --password or set SHOEBOX_NEW_USER_PASSWORD");
                return 2;
            }
            try (Database db = catalogue.openForAdmin("users")) {
                User user = new UserService(db.jdbi()).create(email, name.isBlank() ? email : name, password, admin);
                ApiKeyService.CreatedKey key = new ApiKeyService(db.jdbi()).create(user.id(), "cli", List.of(Permission.ALL));
                System.out.println("created user " + user.email() + " (" + user.id() + ")" + (admin ? " as admin" : ""));
                System.out.println("API key: " + key.secret() + "   (shown once)");
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a user: they can no longer sign in and their sessions and API keys end; their photos stay",
                    "until deleted with --force, which removes the user, their photos, albums and files for good."})
    static final class Delete implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--email", required = true)
        String email;

        @Option(names = "--force", description = "Remove the user with everything they own, files included. Cannot be undone.")
        boolean force;

        @Override
        public Integer call() {
            try (Database db = catalogue.openForAdmin("users")) {
                UserService users = new UserService(db.jdbi());
                User user = users.list(true).stream().filter(u -> u.email().equalsIgnoreCase(email.strip())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no user with the e-mail " + email
                                + "; `shoebox users list --deleted` shows them all"));
                boolean lastAdmin = user.isAdmin() && users.list(false).stream()
                        .noneMatch(u -> u.isAdmin() && !u.id().equals(user.id()));
                if (lastAdmin && users.deletedAt(user.id()).isEmpty()) {
                    throw new IllegalStateException(user.email() + " is the only admin; make another one first "
                            + "(`shoebox users create --admin`), or nobody can manage the library from the web");
                }
                if (force) {
                    new AssetService(db.jdbi(), AssetFiles.beside(catalogue.libraryFolder())).removeAllOf(user.id());
                }
                users.delete(user.id(), force);
                System.out.println((force ? "removed " + user.email() + " with everything they owned"
                        : "deleted " + user.email() + ": they can no longer sign in; their photos stay until `users delete --force`"));
            }
            return 0;
        }
    }

    @Command(name = "reset-password", mixinStandardHelpOptions = true,
            description = "Give a user a new password (a lost admin password is never fatal); ends their sessions.")
    static final class ResetPassword implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--email", required = true)
        String email;

        @Option(names = "--password", defaultValue = "${env:SHOEBOX_NEW_USER_PASSWORD}",
                description = "The new password, at least 8 characters (or env SHOEBOX_NEW_USER_PASSWORD); "
                        + "without one, a password is generated and printed once.")
        String password;

        @Override
        public Integer call() {
            boolean generated = password == null || password.isBlank();
            String newPassword = generated ? Secrets.newSecret().substring(0, 20) : password;
            try (Database db = catalogue.openForAdmin("users")) {
                User user = new UserService(db.jdbi()).resetPassword(email, newPassword, generated);
                System.out.println("new password for " + user.email() + (generated ? ": " + newPassword
                        + "   (shown once; they are asked to change it at the next login)" : " set"));
            }
            return 0;
        }
    }
}
