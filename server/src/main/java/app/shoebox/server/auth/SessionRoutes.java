package app.shoebox.server.auth;

import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;

import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/sessions}: the caller's signed-in devices, and signing them out. As in Immich, ending
 * "all" sessions spares the caller's own, and another user's session id is a 400.
 */
public final class SessionRoutes implements Api.Routes {

    /** Immich's {@code SessionResponseDto}; Shoebox records no app version and never asks for a sync reset. */
    record SessionResponseDto(String id, String createdAt, String updatedAt, String expiresAt, boolean current,
                              String deviceType, String deviceOS, String appVersion, boolean isPendingSyncReset) {}

    private final SessionService sessions;

    public SessionRoutes(SessionService sessions) {
        this.sessions = sessions;
    }

    @Override
    public void register(Api api) {
        api.get("/sessions", Access.permission(Permission.SESSION_READ), (ctx, user) -> {
            Optional<UUID> current = current(user);
            ctx.json(sessions.list(user.id()).stream().map(s -> new SessionResponseDto(s.id().toString(),
                    s.createdAt().toString(), s.updatedAt().toString(), s.expiresAt().map(Object::toString).orElse(null),
                    current.filter(s.id()::equals).isPresent(), s.deviceType(), s.deviceOs(), null, false)).toList());
        });
        api.delete("/sessions", Access.permission(Permission.SESSION_DELETE), (ctx, user) -> {
            sessions.endOthers(user.id(), current(user));
            ctx.status(204);
        });
        api.delete("/sessions/{id}", Access.permission(Permission.SESSION_DELETE), (ctx, user) -> {
            if (!sessions.end(user.id(), AuthRoutes.uuid(ctx.pathParam("id")))) {
                throw ApiException.noAccess(Permission.SESSION_DELETE);
            }
            ctx.status(204);
        });
    }

    private static Optional<UUID> current(AuthUser user) {
        return user.credential() instanceof AuthUser.Credential.Session s ? Optional.of(s.sessionId()) : Optional.empty();
    }
}
