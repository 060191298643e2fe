package app.shoebox.server.users;

import app.shoebox.server.auth.AuthRoutes;
import app.shoebox.server.auth.AuthUser;
import app.shoebox.server.auth.Passwords;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.auth.SessionService;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.BodyLimit;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code /api/users/me}, {@code /api/admin/users/*}, {@code /api/auth/change-password} and
 * {@code /api/auth/admin-sign-up}: who the caller is, and the admin's management of users.
 */
public final class UserRoutes implements Api.Routes {

    record UserAdminResponseDto(String id, String email, String name, boolean isAdmin, String avatarColor,
                                String profileImagePath, Instant profileChangedAt, boolean shouldChangePassword,
                                String storageLabel, Long quotaSizeInBytes, long quotaUsageInBytes, String oauthId,
                                String status, Object license, Instant createdAt, Instant updatedAt, Instant deletedAt) {}

    private final UserService users;
    private final SessionService sessions;
    private final Preferences preferences;
    private final Consumer<UUID> removeAllAssets;

    /**
     * @param removeAllAssets removes every asset of a user for good, files included (a forced delete)
     */
    public UserRoutes(UserService users, SessionService sessions, Preferences preferences, Consumer<UUID> removeAllAssets) {
        this.users = users;
        this.preferences = preferences;
        this.sessions = sessions;
        this.removeAllAssets = removeAllAssets;
    }

    @Override
    public void register(Api api) {
        api.get("/users/me", Access.permission(Permission.USER_READ), (ctx, auth) -> ctx.json(dto(me(auth))));
        api.get("/users", Access.permission(Permission.USER_READ), (ctx, auth) ->
                ctx.json(users.list(false).stream().map(UserResponseDto::of).toList()));
        api.get("/users/me/preferences", Access.permission(Permission.USER_PREFERENCE_READ), (ctx, auth) ->
                ctx.json(preferences.get(auth.id())));
        api.put("/users/me/preferences", Access.permission(Permission.USER_PREFERENCE_UPDATE), (ctx, auth) ->
                ctx.json(preferences.update(auth.id(), ctx.bodyAsClass(JsonNode.class))));
        // Shoebox has no product keys: it answers as an Immich server on which none was ever registered.
        api.get("/users/me/license", Access.permission(Permission.USER_LICENSE_READ), (ctx, auth) -> {
            throw ApiException.notFound("Not Found");
        });
        api.put("/users/me/license", Access.permission(Permission.USER_LICENSE_UPDATE), (ctx, auth) -> {
            throw ApiException.badRequest("Invalid license key");
        });
        api.delete("/users/me/license", Access.permission(Permission.USER_LICENSE_DELETE), (ctx, auth) -> ctx.status(204));
        api.get("/users/{id}", Access.permission(Permission.USER_READ), (ctx, auth) ->
                ctx.json(UserResponseDto.of(users.find(userId(ctx)).orElseThrow(() -> ApiException.notFound("User not found")))));
        api.put("/users/me", Access.permission(Permission.USER_UPDATE), (ctx, auth) -> {
            JsonNode body = body(ctx);
            UserService.Changes changes = new UserService.Changes(text(body, "email"), text(body, "name"),
                    text(body, "password"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            ctx.json(dto(users.update(auth.id(), changes).orElseThrow(UserRoutes::gone)));
        });
        api.post("/auth/change-password", Access.permission(Permission.AUTH_CHANGE_PASSWORD), (ctx, auth) -> {
            JsonNode body = body(ctx);
            String current = text(body, "password").orElseThrow(() -> ApiException.badRequest("password (the current one) is required"));
            String next = text(body, "newPassword").orElseThrow(() -> ApiException.badRequest("newPassword is required"));
            boolean matches = users.passwordHash(auth.id()).map(h -> Passwords.matches(current, h)).orElse(false);
            if (!matches) {
                throw ApiException.badRequest("Wrong password");
            }
            User updated = users.update(auth.id(), new UserService.Changes(Optional.empty(), Optional.empty(), Optional.of(next),
                    Optional.empty(), Optional.of(false), Optional.empty(), Optional.empty())).orElseThrow(UserRoutes::gone);
            if (bool(body, "invalidateSessions").orElse(false)) {
                sessions.endOthers(auth.id(), auth.credential() instanceof AuthUser.Credential.Session s
                        ? Optional.of(s.sessionId()) : Optional.empty());
            }
            ctx.json(dto(updated));
        });
        api.postOpen("/auth/admin-sign-up", BodyLimit.LOGIN_BYTES, ctx -> {
            JsonNode body = body(ctx);
            String email = text(body, "email").orElseThrow(() -> ApiException.badRequest("email is required"));
            String password = text(body, "password").orElseThrow(() -> ApiException.badRequest("password is required"));
            String name = text(body, "name").orElseThrow(() -> ApiException.badRequest("name is required"));
            User admin = users.createFirstAdmin(email, name, password)
                    .orElseThrow(() -> ApiException.badRequest("The server already has an admin"));
            ctx.status(201).json(dto(admin));
        });

        api.get("/admin/users", Access.admin(Permission.ADMIN_USER_READ), (ctx, auth) -> {
            boolean withDeleted = "true".equals(ctx.queryParam("withDeleted"));
            Optional<UUID> id = Optional.ofNullable(ctx.queryParam("id")).filter(s -> !s.isBlank()).map(v -> app.shoebox.server.http.Validation.uuid(v, "id"));
            ctx.json(users.list(withDeleted).stream().filter(u -> id.isEmpty() || id.get().equals(u.id())).map(this::dto).toList());
        });
        api.post("/admin/users", Access.admin(Permission.ADMIN_USER_CREATE), (ctx, auth) -> {
            JsonNode body = body(ctx);
            String email = text(body, "email").orElseThrow(() -> ApiException.badRequest("email is required"));
            String password = text(body, "password").orElseThrow(() -> ApiException.badRequest("password is required"));
            String name = text(body, "name").orElseThrow(() -> ApiException.badRequest("name is required"));
            User created = users.create(email, name, password, bool(body, "isAdmin").orElse(false));
            UserService.Changes extra = new UserService.Changes(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), bool(body, "shouldChangePassword"), nullableLong(body, "quotaSizeInBytes"),
                    nullableText(body, "storageLabel"));
            ctx.status(201).json(dto(users.update(created.id(), extra).orElse(created)));
        });
        api.get("/admin/users/{id}", Access.admin(Permission.ADMIN_USER_READ), (ctx, auth) ->
                ctx.json(dto(users.findAny(userId(ctx)).orElseThrow(() -> notFound(ctx)))));
        api.put("/admin/users/{id}", Access.admin(Permission.ADMIN_USER_UPDATE), (ctx, auth) -> {
            UUID id = userId(ctx);
            JsonNode body = body(ctx);
            Optional<Boolean> isAdmin = bool(body, "isAdmin");
            if (id.equals(auth.id()) && isAdmin.isPresent() && !isAdmin.get()) {
                throw ApiException.badRequest("You cannot take away your own admin rights; let another admin do it");
            }
            UserService.Changes changes = new UserService.Changes(text(body, "email"), text(body, "name"),
                    text(body, "password"), isAdmin, bool(body, "shouldChangePassword"),
                    nullableLong(body, "quotaSizeInBytes"), nullableText(body, "storageLabel"));
            ctx.json(dto(users.update(id, changes).orElseThrow(() -> notFound(ctx))));
        });
        api.delete("/admin/users/{id}", Access.admin(Permission.ADMIN_USER_DELETE), (ctx, auth) -> {
            UUID id = userId(ctx);
            if (id.equals(auth.id())) {
                throw ApiException.badRequest("You cannot delete your own account");
            }
            boolean force = ctx.body().isBlank() ? false : bool(body(ctx), "force").orElse(false);
            User user = users.findAny(id).orElseThrow(() -> notFound(ctx));
            if (force) {
                removeAllAssets.accept(id);
            }
            users.delete(id, force);
            User after = users.findAny(id).orElse(user);
            UserAdminResponseDto dto = dto(after);
            ctx.json(force ? withStatus(dto, "deleted", Instant.now()) : dto);
        });
    }

    private User me(AuthUser auth) {
        return users.find(auth.id()).orElseThrow(UserRoutes::gone);
    }

    private UserAdminResponseDto dto(User u) {
        Optional<Instant> deleted = users.deletedAt(u.id());
        return new UserAdminResponseDto(u.id().toString(), u.email(), u.name(), u.isAdmin(), "primary", "",
                u.profileChangedAt(), u.shouldChangePassword(), u.storageLabel().orElse(null),
                u.quotaSizeInBytes().orElse(null), users.storageUsed(u.id()), "", deleted.isPresent() ? "deleted" : "active",
                null, u.createdAt(), u.updatedAt(), deleted.orElse(null));
    }

    private static UserAdminResponseDto withStatus(UserAdminResponseDto d, String status, Instant deletedAt) {
        return new UserAdminResponseDto(d.id(), d.email(), d.name(), d.isAdmin(), d.avatarColor(), d.profileImagePath(),
                d.profileChangedAt(), d.shouldChangePassword(), d.storageLabel(), d.quotaSizeInBytes(), 0, d.oauthId(),
                status, d.license(), d.createdAt(), d.updatedAt(), deletedAt);
    }

    private static ApiException gone() {
        return ApiException.unauthorized("User no longer exists");
    }

    /** Immich's answer for an unknown user on the admin routes (a 400, as its user-admin service gives). */
    private static ApiException notFound(Context ctx) {
        return ApiException.badRequest("User not found");
    }

    private static UUID userId(Context ctx) {
        return AuthRoutes.uuid(ctx.pathParam("id"));
    }

    private static JsonNode body(Context ctx) {
        JsonNode body = ctx.body().isBlank() ? null : ctx.bodyAsClass(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(ctx.method() + " " + ctx.path() + " needs a JSON object body");
        }
        return body;
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        return Optional.of(n.textValue());
    }

    private static Optional<Boolean> bool(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest(field + " must be true or false");
        }
        return Optional.of(n.booleanValue());
    }

    /** Absent: unchanged; null: cleared; a value: set. */
    private static Optional<Optional<Long>> nullableLong(JsonNode body, String field) {
        if (!body.has(field)) {
            return Optional.empty();
        }
        JsonNode n = body.get(field);
        if (n.isNull()) {
            return Optional.of(Optional.empty());
        }
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.longValue() < 0) {
            throw ApiException.badRequest(field + " must be a whole number of bytes, 0 or more, or null");
        }
        return Optional.of(Optional.of(n.longValue()));
    }

    private static Optional<Optional<String>> nullableText(JsonNode body, String field) {
        if (!body.has(field)) {
            return Optional.empty();
        }
        JsonNode n = body.get(field);
        return n.isNull() ? Optional.of(Optional.empty()) : Optional.of(text(body, field));
    }
}
