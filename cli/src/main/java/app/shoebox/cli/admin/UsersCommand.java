package app.shoebox.cli.admin;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.server.auth.ApiKeyService;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.auth.Secrets;
import app.shoebox.server.db.Database;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code shoebox users create|reset-password}: users of the catalogue (works while the server runs or not). */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage users.",
        subcommands = {UsersCommand.Create.class, UsersCommand.ResetPassword.class})
public final class UsersCommand {

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
            try (Database db = Database.openForAdmin(catalogue.location(), Database.PoolSettings.defaults(), "users")) {
                User user = new UserService(db.jdbi()).create(email, name.isBlank() ? email : name, password, admin);
                ApiKeyService.CreatedKey key = new ApiKeyService(db.jdbi()).create(user.id(), "cli", List.of(Permission.ALL));
                System.out.println("created user " + user.email() + " (" + user.id() + ")" + (admin ? " as admin" : ""));
                System.out.println("API key: " + key.secret() + "   (shown once)");
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
            try (Database db = Database.openForAdmin(catalogue.location(), Database.PoolSettings.defaults(), "users")) {
                User user = new UserService(db.jdbi()).resetPassword(email, newPassword, generated);
                System.out.println("new password for " + user.email() + (generated ? ": " + newPassword
                        + "   (shown once; they are asked to change it at the next login)" : " set"));
            }
            return 0;
        }
    }
}
