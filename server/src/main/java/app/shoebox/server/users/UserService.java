package app.shoebox.server.users;

import app.shoebox.server.auth.Passwords;
import app.shoebox.server.http.ApiException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Users: creation, look-up, and the storage they use. */
public final class UserService {

    // The same pattern as Immich's OpenAPI spec uses for user e-mails.
    private static final Pattern EMAIL = Pattern.compile(
            "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$");

    static final RowMapper<User> MAPPER = (rs, ctx) -> new User(
            rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("name"), rs.getBoolean("is_admin"),
            rs.getBoolean("should_change_password"),
            Optional.ofNullable(rs.getString("storage_label")),
            Optional.ofNullable((Long) rs.getObject("quota_size_in_bytes")),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
            rs.getTimestamp("profile_changed_at").toInstant());

    private final Jdbi jdbi;

    public UserService(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public User create(String email, String name, String password, boolean isAdmin) {
        if (!EMAIL.matcher(email).matches()) {
            throw ApiException.badRequest("'" + email + "' is not a valid e-mail address");
        }
        if (password.length() < 8) {
            throw ApiException.badRequest("the password must have at least 8 characters");
        }
        String hash = Passwords.hash(password);
        try {
            return jdbi.withHandle(h -> h.createQuery("""
                            INSERT INTO users (email, name, password_hash, is_admin) VALUES (:email, :name, :hash, :admin)
                            RETURNING *""")
                    .bind("email", email).bind("name", name).bind("hash", hash).bind("admin", isAdmin)
                    .map(MAPPER).one());
        } catch (UnableToExecuteStatementException e) {
            if (e.getMessage().contains("users_email_key")) {
                throw ApiException.badRequest("a user with the e-mail " + email + " already exists");
            }
            throw e;
        }
    }

    public Optional<User> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE id = :id AND deleted_at IS NULL")
                .bind("id", id).map(MAPPER).findOne());
    }

    public Optional<User> findByEmail(String email) {
        return jdbi.withHandle(h -> findByEmail(h, email));
    }

    static Optional<User> findByEmail(Handle h, String email) {
        return h.createQuery("SELECT * FROM users WHERE lower(email) = lower(:email) AND deleted_at IS NULL")
                .bind("email", email).map(MAPPER).findOne();
    }

    /**
     * Sets a new password (an admin's way back in when one is lost) and ends the user's sessions, so
     * whoever knew the old one is logged out. {@code mustChange}: the user is asked to choose their
     * own at the next login, as Immich does after an admin's reset.
     */
    public User resetPassword(String email, String password, boolean mustChange) {
        if (password.length() < 8) {
            throw ApiException.badRequest("the password must have at least 8 characters");
        }
        String hash = Passwords.hash(password);
        return jdbi.inTransaction(h -> {
            User user = findByEmail(h, email).orElseThrow(() -> ApiException.badRequest("no user with the e-mail " + email));
            h.createUpdate("DELETE FROM sessions WHERE user_id = :id").bind("id", user.id()).execute();
            return h.createQuery("""
                            UPDATE users SET password_hash = :hash, should_change_password = :change, updated_at = now()
                            WHERE id = :id RETURNING *""")
                    .bind("hash", hash).bind("change", mustChange).bind("id", user.id()).map(MAPPER).one();
        });
    }

    /** Whether any user exists yet (first start creates the admin). */
    public boolean any() {
        return jdbi.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM users)").mapTo(Boolean.class).one());
    }

    /** Bytes of originals the user stores, trash included. */
    public long storageUsed(UUID userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT coalesce(sum(file_size), 0) FROM assets WHERE owner_id = :id")
                .bind("id", userId).mapTo(Long.class).one());
    }

    /** The password hash, for login. */
    public Optional<String> passwordHash(UUID userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT password_hash FROM users WHERE id = :id")
                .bind("id", userId).mapTo(String.class).findOne());
    }

}
