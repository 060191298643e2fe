package app.shoebox.server.auth;

import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Password login sessions for the web UI. Tokens are random; only their SHA-256 is stored. */
public final class SessionService {

    /** A session just opened: the token is shown to the client once. */
    public record Login(User user, String token) {}

    private static final Duration LIFETIME = Duration.ofDays(30);

    private final Jdbi jdbi;
    private final UserService users;

    public SessionService(Jdbi jdbi, UserService users) {
        this.jdbi = jdbi;
        this.users = users;
    }

    public Login login(String email, String password) {
        User user = users.findByEmail(email)
                .filter(u -> users.passwordHash(u.id()).map(h -> Passwords.matches(password, h)).orElse(false))
                .orElseThrow(() -> ApiException.unauthorized("Incorrect email or password"));
        String token = Secrets.newSecret();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (:user, :hash, :exp)")
                .bind("user", user.id()).bind("hash", Secrets.sha256(token)).bind("exp", Instant.now().plus(LIFETIME))
                .execute());
        return new Login(user, token);
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
}
