package app.shoebox.server.users;

import app.shoebox.server.auth.Passwords;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.util.List;
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
        requireEmail(email);
        String hash = hashNew(password);
        try {
            return jdbi.withHandle(h -> h.createQuery("""
                            INSERT INTO users (email, name, password_hash, is_admin) VALUES (:email, :name, :hash, :admin)
                            RETURNING *""")
                    .bind("email", email).bind("name", name).bind("hash", hash).bind("admin", isAdmin)
                    .map(MAPPER).one());
        } catch (UnableToExecuteStatementException e) {
            if (e.getMessage().contains("users_email_key")) {
                throw ApiException.badRequest("User exists");
            }
            throw e;
        }
    }

    /** Changes to a user; absent fields stay as they are. */
    public record Changes(Optional<String> email, Optional<String> name, Optional<String> password,
                          Optional<Boolean> isAdmin, Optional<Boolean> shouldChangePassword,
                          Optional<Optional<Long>> quotaSizeInBytes, Optional<Optional<String>> storageLabel) {
        public static Changes none() {
            return new Changes(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
        }
    }

    /** Applies changes to a user that is not deleted; empty when there is none. */
    public Optional<User> update(UUID id, Changes c) {
        c.email().ifPresent(UserService::requireEmail);
        String hash = c.password().map(UserService::hashNew).orElse(null);
        try {
            return jdbi.withHandle(h -> h.createQuery("""
                            UPDATE users SET
                                email = coalesce(CAST(:email AS text), email),
                                name = coalesce(CAST(:name AS text), name),
                                password_hash = coalesce(CAST(:hash AS text), password_hash),
                                is_admin = coalesce(CAST(:admin AS boolean), is_admin),
                                should_change_password = coalesce(CAST(:change AS boolean), should_change_password),
                                quota_size_in_bytes = CASE WHEN :setQuota THEN CAST(:quota AS bigint) ELSE quota_size_in_bytes END,
                                storage_label = CASE WHEN :setLabel THEN CAST(:label AS text) ELSE storage_label END,
                                updated_at = now(),
                                profile_changed_at = CASE WHEN CAST(:name AS text) IS NULL AND CAST(:email AS text) IS NULL THEN profile_changed_at ELSE now() END
                            WHERE id = :id AND deleted_at IS NULL
                            RETURNING *""")
                    .bind("id", id).bind("email", c.email().orElse(null)).bind("name", c.name().orElse(null))
                    .bind("hash", hash).bind("admin", c.isAdmin().orElse(null))
                    .bind("change", c.shouldChangePassword().orElse(null))
                    .bind("setQuota", c.quotaSizeInBytes().isPresent())
                    .bind("quota", c.quotaSizeInBytes().flatMap(q -> q).orElse(null))
                    .bind("setLabel", c.storageLabel().isPresent())
                    .bind("label", c.storageLabel().flatMap(l -> l).orElse(null))
                    .map(MAPPER).findOne());
        } catch (UnableToExecuteStatementException e) {
            if (e.getMessage().contains("users_email_key")) {
                throw ApiException.badRequest("Email already in use by another account");
            }
            throw e;
        }
    }

    /** Every user, oldest first; deleted ones only when asked. */
    public List<User> list(boolean withDeleted) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE :all OR deleted_at IS NULL ORDER BY created_at, id")
                .bind("all", withDeleted).map(MAPPER).list());
    }

    /** A user by id, deleted or not. */
    public Optional<User> findAny(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE id = :id").bind("id", id).map(MAPPER).findOne());
    }

    /** When the user was deleted (they can no longer sign in), if they were. */
    public Optional<java.time.Instant> deletedAt(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT deleted_at FROM users WHERE id = :id")
                .bind("id", id).mapTo(java.time.Instant.class).findOne());
    }

    /**
     * Ends the user's sign-in: marks them deleted (their files and rows stay until removed for
     * good), or with {@code force} removes the row and, by cascade, everything catalogued for them.
     * Their sessions end either way; their ids are returned so open connections can be told.
     */
    public List<UUID> delete(UUID id, boolean force) {
        return jdbi.inTransaction(h -> {
            List<UUID> sessions = h.createQuery("DELETE FROM sessions WHERE user_id = :id RETURNING id")
                    .bind("id", id).mapTo(UUID.class).list();
            for (UUID session : sessions) {
                CatalogueEvents.publish(h, ClientEvent.SESSION_DELETE, id, List.of(session));
            }
            h.createUpdate("DELETE FROM api_keys WHERE user_id = :id").bind("id", id).execute();
            if (force) {
                h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute();
                CatalogueEvents.publish(h, ClientEvent.USER_DELETE, id, List.of(id));
            } else {
                h.createUpdate("UPDATE users SET deleted_at = now(), updated_at = now() WHERE id = :id AND deleted_at IS NULL")
                        .bind("id", id).execute();
            }
            return sessions;
        });
    }

    /** Photos, videos and their bytes per user (trash included), for the admin's statistics. */
    public record Usage(UUID userId, String userName, Optional<Long> quotaSizeInBytes, long photos, long videos,
                        long usagePhotos, long usageVideos) {}

    public List<Usage> usage() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT u.id, u.name, u.quota_size_in_bytes,
                               count(a.id) FILTER (WHERE a.type = 'IMAGE') AS photos,
                               count(a.id) FILTER (WHERE a.type = 'VIDEO') AS videos,
                               coalesce(sum(a.file_size) FILTER (WHERE a.type = 'IMAGE'), 0) AS usage_photos,
                               coalesce(sum(a.file_size) FILTER (WHERE a.type = 'VIDEO'), 0) AS usage_videos
                          FROM users u LEFT JOIN assets a ON a.owner_id = u.id AND a.status <> 'deleted'
                         WHERE u.deleted_at IS NULL
                         GROUP BY u.id ORDER BY u.created_at, u.id""")
                .map((rs, ctx) -> new Usage(rs.getObject("id", UUID.class), rs.getString("name"),
                        Optional.ofNullable((Long) rs.getObject("quota_size_in_bytes")), rs.getLong("photos"),
                        rs.getLong("videos"), rs.getLong("usage_photos"), rs.getLong("usage_videos")))
                .list());
    }

    private static void requireEmail(String email) {
        if (email == null || !EMAIL.matcher(email).matches()) {
            throw ApiException.badRequest("'" + email + "' is not a valid e-mail address");
        }
    }

    private static String hashNew(String password) {
        if (password == null || password.length() < 8) {
            throw ApiException.badRequest("the password must have at least 8 characters");
        }
        try {
            return Passwords.hash(password);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
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
        String hash = hashNew(password);
        return jdbi.inTransaction(h -> {
            User user = findByEmail(h, email).orElseThrow(() -> ApiException.badRequest("no user with the e-mail " + email));
            h.createUpdate("DELETE FROM sessions WHERE user_id = :id").bind("id", user.id()).execute();
            return h.createQuery("""
                            UPDATE users SET password_hash = :hash, should_change_password = :change, updated_at = now()
                            WHERE id = :id RETURNING *""")
                    .bind("hash", hash).bind("change", mustChange).bind("id", user.id()).map(MAPPER).one();
        });
    }

    /**
     * Creates the first user, an admin, unless a user exists already ({@code POST /auth/admin-sign-up}).
     * Serialised by a transaction-level lock so two sign-ups cannot both win.
     */
    public Optional<User> createFirstAdmin(String email, String name, String password) {
        requireEmail(email);
        String hash = hashNew(password);
        return jdbi.inTransaction(h -> {
            h.createQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtext('shoebox.admin-sign-up'))").mapTo(Integer.class).one();
            if (h.createQuery("SELECT EXISTS (SELECT 1 FROM users WHERE deleted_at IS NULL)").mapTo(Boolean.class).one()) {
                return Optional.<User>empty();
            }
            return Optional.of(h.createQuery("""
                            INSERT INTO users (email, name, password_hash, is_admin) VALUES (:email, :name, :hash, true)
                            RETURNING *""")
                    .bind("email", email).bind("name", name).bind("hash", hash).map(MAPPER).one());
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
