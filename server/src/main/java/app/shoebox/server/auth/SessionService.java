package app.shoebox.server.auth;

import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import app.shoebox.server.http.ApiException;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.time.Instant;
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
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE id = :id").bind("id", sessionId).execute());
    }
}
