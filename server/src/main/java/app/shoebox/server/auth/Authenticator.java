package app.shoebox.server.auth;

import app.shoebox.server.http.ApiException;
import io.javalin.http.Context;
import org.jdbi.v3.core.Jdbi;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Finds who a request acts for, from the credentials Immich's clients send: the {@code x-api-key}
 * header or {@code apiKey} query parameter, or a session token as {@code Authorization: Bearer},
 * the {@code x-immich-user-token} header or the {@code immich_access_token} cookie. Only SHA-256
 * digests are compared; the secrets themselves are never stored.
 */
public final class Authenticator {

    public static final String SESSION_COOKIE = "immich_access_token";

    private final Jdbi jdbi;

    public Authenticator(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Where credentials are read from: an HTTP request, or the request that opened a WebSocket. */
    public interface Credentials {
        String header(String name);

        String cookie(String name);

        String query(String name);

        static Credentials of(Context ctx) {
            return from(ctx::header, ctx::cookie, ctx::queryParam);
        }

        static Credentials from(UnaryOperator<String> header, UnaryOperator<String> cookie, UnaryOperator<String> query) {
            return new Credentials() {
                public String header(String name) {
                    return header.apply(name);
                }

                public String cookie(String name) {
                    return cookie.apply(name);
                }

                public String query(String name) {
                    return query.apply(name);
                }
            };
        }
    }

    /** The caller, or 401 with what was missing or wrong. */
    public AuthUser required(Context ctx) {
        Credentials c = Credentials.of(ctx);
        String apiKey = apiKey(c);
        if (apiKey != null) {
            return byApiKey(apiKey).orElseThrow(() -> ApiException.unauthorized("Invalid API key"));
        }
        String token = headerSessionToken(c);
        boolean fromCookie = token == null;
        if (fromCookie) {
            token = blankToNull(c.cookie(SESSION_COOKIE));
        }
        if (token != null) {
            return bySessionToken(token, fromCookie).orElseThrow(() -> ApiException.unauthorized("Invalid user token"));
        }
        throw ApiException.unauthorized("Authentication required");
    }

    /** The caller if the credentials are valid; empty when they are missing or wrong. */
    public Optional<AuthUser> find(Credentials c) {
        String apiKey = apiKey(c);
        if (apiKey != null) {
            return byApiKey(apiKey);
        }
        String token = headerSessionToken(c);
        if (token != null) {
            return bySessionToken(token, false);
        }
        String cookie = blankToNull(c.cookie(SESSION_COOKIE));
        return cookie == null ? Optional.empty() : bySessionToken(cookie, true);
    }

    private static String apiKey(Credentials c) {
        return firstNonBlank(c.header("x-api-key"), c.query("apiKey"));
    }

    private static String headerSessionToken(Credentials c) {
        String authorization = c.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return blankToNull(c.header("x-immich-user-token"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public Optional<AuthUser> byApiKey(String key) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT u.id, u.email, u.name, u.is_admin, k.id AS key_id, k.permissions
                        FROM api_keys k JOIN users u ON u.id = k.user_id
                        WHERE k.key_hash = :hash AND u.deleted_at IS NULL""")
                .bind("hash", Secrets.sha256(key))
                .map((rs, c) -> new AuthUser(
                        rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("name"), rs.getBoolean("is_admin"),
                        new AuthUser.Credential.ApiKey(rs.getObject("key_id", UUID.class),
                                permissions((String[]) rs.getArray("permissions").getArray()))))
                .findOne());
    }

    private Optional<AuthUser> bySessionToken(String token, boolean fromCookie) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT u.id, u.email, u.name, u.is_admin, s.id AS session_id
                        FROM sessions s JOIN users u ON u.id = s.user_id
                        WHERE s.token_hash = :hash AND u.deleted_at IS NULL
                          AND (s.expires_at IS NULL OR s.expires_at > now())""")
                .bind("hash", Secrets.sha256(token))
                .map((rs, c) -> new AuthUser(
                        rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("name"), rs.getBoolean("is_admin"),
                        new AuthUser.Credential.Session(rs.getObject("session_id", UUID.class), fromCookie)))
                .findOne());
    }

    static Set<Permission> permissions(String[] names) {
        Set<Permission> set = EnumSet.noneOf(Permission.class);
        for (String n : names) {
            Permission.fromWireName(n).ifPresent(set::add);
        }
        return set;
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        return b != null && !b.isBlank() ? b.trim() : null;
    }
}
