package app.shoebox.server.auth;

import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BodyLimit;
import app.shoebox.server.http.TrustedProxies;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** {@code /api/auth/*} and {@code /api/api-keys/*}. */
public final class AuthRoutes implements Api.Routes {

    record LoginCredentialDto(String email, String password) {}

    record LoginResponseDto(String accessToken, String userId, String userEmail, String name, boolean isAdmin,
                            String profileImagePath, boolean shouldChangePassword, boolean isOnboarded) {}

    record LogoutResponseDto(boolean successful, String redirectUri) {}

    record ApiKeyResponseDto(String id, String name, List<String> permissions, Instant createdAt, Instant updatedAt) {
        static ApiKeyResponseDto of(ApiKeyService.ApiKey k) {
            return new ApiKeyResponseDto(k.id().toString(), k.name(),
                    k.permissions().stream().map(Permission::wireName).sorted().toList(), k.createdAt(), k.updatedAt());
        }
    }

    record ApiKeyCreateDto(String name, List<String> permissions) {}

    record ApiKeyCreateResponseDto(ApiKeyResponseDto apiKey, String secret) {}

    private final SessionService sessions;
    private final ApiKeyService apiKeys;

    public AuthRoutes(SessionService sessions, ApiKeyService apiKeys) {
        this.sessions = sessions;
        this.apiKeys = apiKeys;
    }

    @Override
    public void register(Api api) {
        api.postOpen("/auth/login", BodyLimit.LOGIN_BYTES, this::login);
        api.post("/auth/logout", Access.authenticated(), (ctx, user) -> {
            if (user.credential() instanceof AuthUser.Credential.Session s) {
                sessions.logout(s.sessionId());
            }
            ctx.removeCookie(Authenticator.SESSION_COOKIE, "/");
            ctx.json(new LogoutResponseDto(true, "/auth/login"));
        });
        api.get("/api-keys/me", Access.authenticated(), (ctx, user) -> {
            if (!(user.credential() instanceof AuthUser.Credential.ApiKey k)) {
                throw ApiException.forbidden("Not authenticated with an API key");
            }
            ctx.json(ApiKeyResponseDto.of(apiKeys.find(k.keyId()).orElseThrow(
                    () -> ApiException.unauthorized("Invalid API key"))));
        });
        api.get("/api-keys", Access.permission(Permission.API_KEY_READ), (ctx, user) ->
                ctx.json(apiKeys.list(user.id()).stream().map(ApiKeyResponseDto::of).toList()));
        api.post("/api-keys", Access.permission(Permission.API_KEY_CREATE), (ctx, user) -> {
            ApiKeyCreateDto dto = ctx.bodyAsClass(ApiKeyCreateDto.class);
            List<String> names = dto.permissions() == null ? List.of() : dto.permissions();
            List<Permission> wanted = names.stream()
                    .map(n -> Permission.fromWireName(n).orElseThrow(() -> ApiException.badRequest("unknown permission: " + n)))
                    .toList();
            // A key can never grant more than the credential that creates it.
            for (Permission p : wanted) {
                if (!user.can(p)) {
                    throw ApiException.forbidden("Cannot grant permission " + p.wireName() + " that this credential lacks");
                }
            }
            String name = dto.name() == null || dto.name().isBlank() ? "API Key" : dto.name();
            ApiKeyService.CreatedKey created = apiKeys.create(user.id(), name, wanted);
            ctx.status(201).json(new ApiKeyCreateResponseDto(ApiKeyResponseDto.of(created.key()), created.secret()));
        });
        api.delete("/api-keys/{id}", Access.permission(Permission.API_KEY_DELETE), (ctx, user) -> {
            apiKeys.delete(user.id(), uuid(ctx.pathParam("id")));
            ctx.status(204);
        });
    }

    private void login(Context ctx) {
        LoginCredentialDto dto = ctx.bodyAsClass(LoginCredentialDto.class);
        if (dto.email() == null || dto.password() == null) {
            throw ApiException.badRequest("email and password are required");
        }
        switch (sessions.login(dto.email(), dto.password(), TrustedProxies.of(ctx))) {
            case SessionService.Login.Opened login -> {
                ctx.cookie(sessionCookie(login.token(), isHttps(ctx)));
                ctx.status(201).json(new LoginResponseDto(login.token(), login.user().id().toString(), login.user().email(),
                        login.user().name(), login.user().isAdmin(), "", login.user().shouldChangePassword(), true));
            }
            case SessionService.Login.Refused r -> throw ApiException.unauthorized("Incorrect email or password");
            case SessionService.Login.Throttled t -> {
                ctx.header("Retry-After", String.valueOf(t.retryAfter().toSeconds()));
                throw new ApiException(429, "Too many failed logins from this address or for this e-mail; try again in "
                        + t.retryAfter().toSeconds() + " s");
            }
        }
    }

    /**
     * The session cookie: not readable by scripts, not sent with cross-site requests (Lax), and
     * over HTTPS only when the request came over HTTPS.
     */
    static Cookie sessionCookie(String token, boolean https) {
        Cookie cookie = new Cookie(Authenticator.SESSION_COOKIE, token);
        cookie.setHttpOnly(true);
        cookie.setPath("/");
        cookie.setSameSite(SameSite.LAX);
        cookie.setSecure(https);
        cookie.setMaxAge(30 * 24 * 3600);
        return cookie;
    }

    /**
     * Whether the browser reached us over HTTPS: directly, or through a proxy that terminated TLS
     * and says so in {@code X-Forwarded-Proto}. That header is believed from anyone: a forged one
     * can only make the cookie Secure, which withholds it from plain HTTP and protects the caller.
     */
    static boolean isHttps(Context ctx) {
        if (ctx.req().isSecure()) {
            return true;
        }
        String proto = ctx.header("X-Forwarded-Proto");
        return proto != null && proto.split(",", 2)[0].strip().equalsIgnoreCase("https");
    }

    /** Parses a path id; a malformed one is a 400 that names it. */
    public static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'" + id + "' is not a valid id (expected a UUID)");
        }
    }
}
