package app.shoebox.cli.admin;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.cli.Table;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code shoebox api-keys list|create|revoke}: every user's API keys, through the catalogue directly
 * (Immich's API shows a user their own keys only). Only hashes are stored: a key is shown once.
 */
@Command(name = "api-keys", mixinStandardHelpOptions = true, description = "Manage API keys (the library's catalogue directly).",
        subcommands = {ApiKeysCommand.ListKeys.class, ApiKeysCommand.Create.class, ApiKeysCommand.Revoke.class})
public final class ApiKeysCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List API keys (never the keys themselves: only hashes are kept).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--user", description = "Only this user's keys (e-mail).")
        String email;

        @Override
        public Integer call() {
            try (Database db = catalogue.openForAdmin("api-keys")) {
                UserService users = new UserService(db.jdbi());
                ApiKeyService keys = new ApiKeyService(db.jdbi());
                List<User> owners = email == null ? users.list(false) : List.of(user(users, email));
                Table table = new Table("id", "user", "name", "permissions", "created");
                for (User u : owners) {
                    for (ApiKeyService.ApiKey k : keys.list(u.id())) {
                        table.row(k.id(), u.email(), k.name(), k.permissions().stream().map(Permission::wireName).sorted()
                                .collect(Collectors.joining(",")), UsersCommand.DAY.format(k.createdAt()));
                    }
                }
                table.print(System.out);
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an API key and print it once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--user", required = true, description = "The user's e-mail.")
        String email;

        @Option(names = "--name", defaultValue = "cli")
        String name;

        @Option(names = "--permission", split = ",", defaultValue = "all",
                description = "Permissions, Immich's names (e.g. asset.upload,asset.read; server.statistics for Prometheus). Default: all.")
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
            try (Database db = catalogue.openForAdmin("api-keys")) {
                User user = user(new UserService(db.jdbi()), email);
                ApiKeyService.CreatedKey key = new ApiKeyService(db.jdbi()).create(user.id(), name, granted);
                System.out.println(key.secret());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an API key by its id (from `api-keys list`): requests with it are refused at once.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        CatalogueOptions catalogue;

        @picocli.CommandLine.Parameters(paramLabel = "ID", description = "The key's id, as `api-keys list` shows it.")
        String id;

        @Override
        public Integer call() {
            UUID keyId;
            try {
                keyId = UUID.fromString(id.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + id + "' is not an API key id; `shoebox api-keys list` shows them");
            }
            try (Database db = catalogue.openForAdmin("api-keys")) {
                ApiKeyService keys = new ApiKeyService(db.jdbi());
                Optional<ApiKeyService.ApiKey> key = keys.find(keyId);
                if (key.isEmpty()) {
                    throw new IllegalArgumentException("no API key " + keyId + "; `shoebox api-keys list` shows them");
                }
                keys.delete(key.get().userId(), keyId);
                System.out.println("revoked API key " + keyId + " (" + key.get().name() + ")");
            }
            return 0;
        }
    }

    private static User user(UserService users, String email) {
        return users.findByEmail(email).orElseThrow(() -> new IllegalArgumentException("no user with the e-mail " + email
                + "; `shoebox users list` shows them"));
    }
}
