package app.shoebox.cli.admin;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.server.auth.ApiKeyService;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.db.Database;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code shoebox api-keys create}: a new API key for a user, with chosen permissions. */
@Command(name = "api-keys", mixinStandardHelpOptions = true, description = "Manage API keys.",
        subcommands = ApiKeysCommand.Create.class)
public final class ApiKeysCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an API key and print it once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--user", required = true, description = "The user's e-mail.")
        String email;

        @Option(names = "--name", defaultValue = "cli")
        String name;

        @Option(names = "--permission", split = ",", defaultValue = "all",
                description = "Permissions, Immich's names (e.g. asset.upload,asset.read). Default: all.")
        List<String> permissions;

        @Override
        public Integer call() {
            List<Permission> granted = new ArrayList<>();
            for (String p : permissions) {
                var perm = Permission.fromWireName(p.trim());
                if (perm.isEmpty()) {
                    System.err.println("api-keys create: unknown permission '" + p + "' (Immich's names, e.g. all, asset.upload)");
                    return 2;
                }
                granted.add(perm.get());
            }
            try (Database db = Database.openForAdmin(catalogue.location(), Database.PoolSettings.defaults(), "api-keys")) {
                User user = new UserService(db.jdbi()).findByEmail(email).orElse(null);
                if (user == null) {
                    System.err.println("api-keys create: no user with the e-mail " + email);
                    return 1;
                }
                ApiKeyService.CreatedKey key = new ApiKeyService(db.jdbi()).create(user.id(), name, granted);
                System.out.println(key.secret());
            }
            return 0;
        }
    }
}
