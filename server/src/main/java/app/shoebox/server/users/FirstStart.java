package app.shoebox.server.users;

import app.shoebox.server.ServerConfig;
import app.shoebox.server.auth.ApiKeyService;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.auth.Secrets;

import java.util.List;
import java.util.Optional;

/**
 * On the first start (no user in the catalogue) creates the admin and an API key with every
 * permission. Values given in the environment are used as they are; the rest are generated and
 * reported once, since only hashes are kept.
 */
public final class FirstStart {

    /** What was created; the secrets are only known now. */
    public record Admin(User user, String password, boolean passwordGenerated, String apiKey) {}

    public static final String DEFAULT_EMAIL = "admin@shoebox.local";

    private FirstStart() {
    }

    public static Optional<Admin> createAdminIfNone(UserService users, ApiKeyService apiKeys, ServerConfig.FirstAdmin seed) {
        if (users.any()) {
            return Optional.empty();
        }
        String email = seed.email().orElse(DEFAULT_EMAIL);
        boolean generated = seed.password().isEmpty();
        String password = seed.password().orElseGet(() -> Secrets.newSecret().substring(0, 20));
        User admin = users.create(email, "Admin", password, true);
        ApiKeyService.CreatedKey key = seed.apiKey()
                .map(k -> apiKeys.create(admin.id(), "first-start", List.of(Permission.ALL), k))
                .orElseGet(() -> apiKeys.create(admin.id(), "first-start", List.of(Permission.ALL)));
        return Optional.of(new Admin(admin, password, generated, key.secret()));
    }
}
