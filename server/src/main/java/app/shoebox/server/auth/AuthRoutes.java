package app.shoebox.server.auth;

import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BodyLimit;
import app.shoebox.server.http.TrustedProxies;
import app.shoebox.server.http.Validation;
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
                throw ApiException.forbidden("Not authenticated with an API Key");
            }
            ctx.json(ApiKeyResponseDto.of(apiKeys.find(k.keyId()).orElseThrow(
                    () -> ApiException.unauthorized("Invalid API key"))));
        });
        api.get("/api-keys", Access.permission(Permission.API_KEY_READ), (ctx, user) ->
                ctx.json(apiKeys.list(user.id()).stream().map(ApiKeyResponseDto::of).toList()));
        api.post("/api-keys", Access.permission(Permission.API_KEY_CREATE), (ctx, user) -> {
            ApiKeyCreateDto dto = ctx.bodyAsClass(ApiKeyCreateDto.class);
            if (dto.permissions() == null) {
                throw Validation.fail(Validation.required("array", "permissions"));
            }
            List<Permission> wanted = permissions(dto.permissions(), user);
            String name = dto.name() == null || dto.name().isBlank() ? "API Key" : dto.name();
            ApiKeyService.CreatedKey created = apiKeys.create(user.id(), name, wanted);
            ctx.status(201).json(new ApiKeyCreateResponseDto(ApiKeyResponseDto.of(created.key()), created.secret()));
        });
        api.get("/api-keys/{id}", Access.permission(Permission.API_KEY_READ), (ctx, user) ->
                ctx.json(ApiKeyResponseDto.of(apiKeys.findOwned(user.id(), uuid(ctx.pathParam("id")))
                        .orElseThrow(AuthRoutes::keyNotFound))));
        api.put("/api-keys/{id}", Access.permission(Permission.API_KEY_UPDATE), (ctx, user) -> {
            UUID id = uuid(ctx.pathParam("id"));
            ApiKeyCreateDto dto = ctx.bodyAsClass(ApiKeyCreateDto.class);
            apiKeys.findOwned(user.id(), id).orElseThrow(AuthRoutes::keyNotFound);
            java.util.Optional<List<Permission>> wanted = java.util.Optional.ofNullable(dto.permissions())
                    .map(names -> permissions(names, user));
            ctx.json(ApiKeyResponseDto.of(apiKeys.update(user.id(), id, java.util.Optional.ofNullable(dto.name()), wanted)
                    .orElseThrow(AuthRoutes::keyNotFound)));
        });
        api.delete("/api-keys/{id}", Access.permission(Permission.API_KEY_DELETE), (ctx, user) -> {
            if (!apiKeys.delete(user.id(), uuid(ctx.pathParam("id")))) {
                throw keyNotFound();
            }
            ctx.status(204);
        });
    }

    /**
     * The permissions a create or update asks for: each a name from Immich's enum, at least one,
     * and none the calling credential lacks (a key never grants more than the one that makes it).
     */
    private static List<Permission> permissions(List<String> names, AuthUser user) {
        List<java.util.Map<String, Object>> issues = new java.util.ArrayList<>();
        List<Permission> wanted = new java.util.ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            java.util.Optional<Permission> p = n == null ? java.util.Optional.empty() : Permission.fromWireName(n);
            if (p.isPresent()) {
                wanted.add(p.get());
            } else {
                issues.add(Validation.invalidValue(Permission.wireNames(), "permissions", i));
            }
        }
        if (names.isEmpty()) {
            issues.add(Validation.tooSmall(1, "permissions"));
        }
        if (!issues.isEmpty()) {
            throw ApiException.validation(issues);
        }
        if (!wanted.stream().allMatch(user::can)) {
            throw ApiException.badRequest("Cannot grant permissions you do not have");
        }
        return wanted;
    }

    private static ApiException keyNotFound() {
        return ApiException.badRequest("API Key not found");
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

    /** Parses a path id; a malformed one is Immich's validation failure at {@code ["id"]}. */
    public static UUID uuid(String id) {
        return Validation.uuid(id, "id");
    }
}
