package app.shoebox.server.auth;

import app.shoebox.server.http.LogText;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Password login sessions for the web UI. Tokens are random; only their SHA-256 is stored.
 * Failed logins are throttled ({@link LoginThrottle}) and each is logged in one line,
 * {@code login failed from <address> for <e-mail>: ...}, for fail2ban to read.
 */
public final class SessionService {

    private static final Logger log = LoggerFactory.getLogger(SessionService.class);

    /** What became of a login attempt. */
    public sealed interface Login {
        /** A session just opened: the token is shown to the client once. */
        record Opened(User user, String token) implements Login {}

        /** Wrong e-mail or password (which of the two is not said). */
        record Refused() implements Login {}

        /** Too many failures from this address or for this account: not even looked at. */
        record Throttled(Duration retryAfter) implements Login {}
    }

    private static final Duration LIFETIME = Duration.ofDays(30);

    private final Jdbi jdbi;
    private final UserService users;
    private final LoginThrottle throttle;

    public SessionService(Jdbi jdbi, UserService users, LoginThrottle throttle) {
        this.jdbi = jdbi;
        this.users = users;
        this.throttle = throttle;
    }

    /** Checks the password of {@code email}, asked from {@code clientAddress}, and opens a session if it matches. */
    public Login login(String email, String password, String clientAddress) {
        String who = LogText.identifier(email, 100);
        if (throttle.check(clientAddress, email) instanceof LoginThrottle.Decision.Throttled t) {
            log.warn("login failed from {} for {}: throttled, {} s to wait", clientAddress, who, t.retryAfter().toSeconds());
            return new Login.Throttled(t.retryAfter());
        }
        Optional<User> user = users.findByEmail(email);
        // An unknown e-mail costs one bcrypt too (Passwords.matches): timing must not tell accounts apart.
        boolean matched = Passwords.matches(password, user.flatMap(u -> users.passwordHash(u.id())));
        if (!matched) {
            LoginThrottle.Counts n = throttle.failed(clientAddress, email);
            log.warn("login failed from {} for {}: wrong e-mail or password ({} in a row from this address, {} for this e-mail)",
                    clientAddress, who, n.address(), n.account());
            return new Login.Refused();
        }
        throttle.succeeded(clientAddress, email);
        String token = Secrets.newSecret();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (:user, :hash, :exp)")
                .bind("user", user.get().id()).bind("hash", Secrets.sha256(token)).bind("exp", Instant.now().plus(LIFETIME))
                .execute());
        return new Login.Opened(user.get(), token);
    }

    public void logout(UUID sessionId) {
        jdbi.useTransaction(h -> h.createQuery("DELETE FROM sessions WHERE id = :id RETURNING user_id")
                .bind("id", sessionId).mapTo(UUID.class).findOne()
                .ifPresent(user -> CatalogueEvents.publish(h, ClientEvent.SESSION_DELETE, user, List.of(sessionId))));
    }

    /** Ends every session of the user but {@code keep} (the caller's own, when it is a session). */
    public int endOthers(UUID userId, Optional<UUID> keep) {
        return jdbi.inTransaction(h -> {
            List<UUID> ended = h.createQuery("""
                            DELETE FROM sessions WHERE user_id = :user AND (CAST(:keep AS uuid) IS NULL OR id <> :keep)
                            RETURNING id""")
                    .bind("user", userId).bind("keep", keep.orElse(null)).mapTo(UUID.class).list();
            for (UUID session : ended) {
                CatalogueEvents.publish(h, ClientEvent.SESSION_DELETE, userId, List.of(session));
            }
            return ended.size();
        });
    }

    /** A signed-in device, as {@code GET /sessions} lists it. */
    public record Session(UUID id, String deviceType, String deviceOs, Instant createdAt, Instant updatedAt,
                          Optional<Instant> expiresAt) {}

    /** The user's sessions, newest first. */
    public List<Session> list(UUID userId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, device_type, device_os, created_at, updated_at, expires_at FROM sessions
                        WHERE user_id = :user AND (expires_at IS NULL OR expires_at > now())
                        ORDER BY updated_at DESC, id""")
                .bind("user", userId)
                .map((rs, c) -> new Session(rs.getObject("id", UUID.class), rs.getString("device_type"),
                        rs.getString("device_os"), rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("updated_at").toInstant(),
                        Optional.ofNullable(rs.getTimestamp("expires_at")).map(java.sql.Timestamp::toInstant)))
                .list());
    }

    /** Ends one of the user's sessions; false when it is not theirs (or not there). */
    public boolean end(UUID userId, UUID sessionId) {
        return jdbi.inTransaction(h -> {
            boolean ended = h.createUpdate("DELETE FROM sessions WHERE id = :id AND user_id = :user")
                    .bind("id", sessionId).bind("user", userId).execute() > 0;
            if (ended) {
                CatalogueEvents.publish(h, ClientEvent.SESSION_DELETE, userId, List.of(sessionId));
            }
            return ended;
        });
    }
}
