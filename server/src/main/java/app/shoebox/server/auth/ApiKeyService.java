package app.shoebox.server.auth;

import app.shoebox.server.http.ApiException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** API keys: created with a set of permissions; only the SHA-256 of the secret is stored. */
public final class ApiKeyService {

    /** A key as the API shows it (never the secret). */
    public record ApiKey(UUID id, UUID userId, String name, Set<Permission> permissions, Instant createdAt, Instant updatedAt) {}

    /** A freshly made key: the secret is shown once, here, and never again. */
    public record CreatedKey(ApiKey key, String secret) {}

    private static final RowMapper<ApiKey> MAPPER = (rs, ctx) -> new ApiKey(
            rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("name"),
            Authenticator.permissions((String[]) rs.getArray("permissions").getArray()),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());

    private final Jdbi jdbi;

    public ApiKeyService(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public CreatedKey create(UUID userId, String name, Collection<Permission> permissions) {
        return create(userId, name, permissions, Secrets.newSecret());
    }

    /** With a secret chosen by the operator (e.g. {@code SHOEBOX_ADMIN_API_KEY} for unattended set-ups). */
    public CreatedKey create(UUID userId, String name, Collection<Permission> permissions, String secret) {
        if (permissions.isEmpty()) {
            throw ApiException.badRequest("an API key needs at least one permission (e.g. all)");
        }
        if (secret.length() < 16) {
            throw ApiException.badRequest("an API key must have at least 16 characters");
        }
        String[] names = permissions.stream().map(Permission::wireName).distinct().toArray(String[]::new);
        ApiKey key = jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO api_keys (user_id, name, key_hash, permissions) VALUES (:user, :name, :hash, :perms)
                        RETURNING *""")
                .bind("user", userId).bind("name", name).bind("hash", Secrets.sha256(secret)).bind("perms", names)
                .map(MAPPER).one());
        return new CreatedKey(key, secret);
    }

    public Optional<ApiKey> find(UUID keyId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE id = :id").bind("id", keyId).map(MAPPER).findOne());
    }

    public List<ApiKey> list(UUID userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE user_id = :user ORDER BY created_at")
                .bind("user", userId).map(MAPPER).list());
    }

    /** One of the user's keys; another user's key is not found. */
    public Optional<ApiKey> findOwned(UUID userId, UUID keyId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE id = :id AND user_id = :user")
                .bind("id", keyId).bind("user", userId).map(MAPPER).findOne());
    }

    /** Renames one of the user's keys or changes its permissions; empty when it is not theirs. */
    public Optional<ApiKey> update(UUID userId, UUID keyId, Optional<String> name, Optional<? extends Collection<Permission>> permissions) {
        String[] names = permissions.map(ps -> ps.stream().map(Permission::wireName).distinct().toArray(String[]::new)).orElse(null);
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE api_keys SET name = coalesce(:name, name), permissions = coalesce(:perms, permissions), updated_at = now()
                        WHERE id = :id AND user_id = :user RETURNING *""")
                .bind("id", keyId).bind("user", userId).bind("name", name.orElse(null))
                .bindByType("perms", names, String[].class)
                .map(MAPPER).findOne());
    }

    /** Deletes one of the user's keys; false when it is not theirs (or not there). */
    public boolean delete(UUID userId, UUID keyId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM api_keys WHERE id = :id AND user_id = :user")
                .bind("id", keyId).bind("user", userId).execute()) > 0;
    }
}
