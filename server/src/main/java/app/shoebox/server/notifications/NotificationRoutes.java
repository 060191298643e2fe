package app.shoebox.server.notifications;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.Validation;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/notifications}: the caller's in-app notifications, read, marked read and deleted as
 * Immich's web client does. Another user's notification is Immich's 400.
 */
public final class NotificationRoutes implements Api.Routes {

    static final List<String> LEVELS = List.of("success", "error", "warning", "info");
    static final List<String> TYPES = List.of("JobFailed", "BackupFailed", "SystemMessage", "AlbumInvite", "AlbumUpdate", "Custom");

    private final Notifications notifications;

    public NotificationRoutes(Notifications notifications) {
        this.notifications = notifications;
    }

    @Override
    public void register(Api api) {
        api.get("/notifications", Access.permission(Permission.NOTIFICATION_READ), (ctx, user) -> ctx.json(notifications.list(user.id(),
                new Notifications.Filter(Optional.ofNullable(ctx.queryParam("id")).map(v -> Validation.uuid(v, "id")),
                        oneOf(ctx, "level", LEVELS), oneOf(ctx, "type", TYPES), bool(ctx, "unread")))));
        api.put("/notifications", Access.permission(Permission.NOTIFICATION_UPDATE), (ctx, user) -> {
            JsonNode body = ctx.bodyAsClass(JsonNode.class);
            List<UUID> ids = ids(body);
            if (notifications.of(user.id(), ids).size() != ids.stream().distinct().count()) {
                throw ApiException.noAccess(Permission.NOTIFICATION_UPDATE);
            }
            notifications.setRead(user.id(), ids, readAt(body));
            ctx.status(204);
        });
        api.delete("/notifications", Access.permission(Permission.NOTIFICATION_DELETE), (ctx, user) -> {
            List<UUID> ids = ids(ctx.bodyAsClass(JsonNode.class));
            if (notifications.of(user.id(), ids).size() != ids.stream().distinct().count()) {
                throw ApiException.noAccess(Permission.NOTIFICATION_DELETE);
            }
            notifications.delete(user.id(), ids);
            ctx.status(204);
        });
        api.get("/notifications/{id}", Access.permission(Permission.NOTIFICATION_READ), (ctx, user) ->
                ctx.json(notifications.of(user.id(), List.of(id(ctx))).stream().findFirst()
                        .orElseThrow(() -> ApiException.noAccess(Permission.NOTIFICATION_READ))));
        api.put("/notifications/{id}", Access.permission(Permission.NOTIFICATION_UPDATE), (ctx, user) -> {
            UUID id = id(ctx);
            if (notifications.setRead(user.id(), List.of(id), readAt(ctx.bodyAsClass(JsonNode.class))) == 0) {
                throw ApiException.noAccess(Permission.NOTIFICATION_UPDATE);
            }
            ctx.json(notifications.of(user.id(), List.of(id)).getFirst());
        });
        api.delete("/notifications/{id}", Access.permission(Permission.NOTIFICATION_DELETE), (ctx, user) -> {
            if (notifications.delete(user.id(), List.of(id(ctx))) == 0) {
                throw ApiException.noAccess(Permission.NOTIFICATION_DELETE);
            }
            ctx.status(204);
        });
    }

    private static UUID id(Context ctx) {
        return Validation.uuid(ctx.pathParam("id"), "id");
    }

    private static List<UUID> ids(JsonNode body) {
        JsonNode ids = body == null ? null : body.get("ids");
        if (ids == null || !ids.isArray()) {
            throw Validation.fail(ids == null ? Validation.required("array", "ids") : Validation.invalidType("array", ids, "ids"));
        }
        if (ids.isEmpty()) {
            throw Validation.fail(Validation.tooSmall(1, "ids"));
        }
        List<Object> values = new ArrayList<>();
        ids.forEach(n -> values.add(n.isTextual() ? n.asText() : n));
        return Validation.uuids(values, "ids");
    }

    /** {@code readAt}: a date to mark read, null (or absent) to mark unread. */
    private static Optional<Instant> readAt(JsonNode body) {
        JsonNode at = body == null ? null : body.get("readAt");
        if (at == null || at.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(at.asText()));
        } catch (DateTimeParseException e) {
            throw Validation.fail(Validation.custom("Invalid ISO datetime", "readAt"));
        }
    }

    private static Optional<String> oneOf(Context ctx, String name, List<String> allowed) {
        Optional<String> v = Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isEmpty());
        v.filter(s -> !allowed.contains(s)).ifPresent(s -> {
            throw Validation.fail(Validation.invalidValue(allowed, name));
        });
        return v;
    }

    private static Optional<Boolean> bool(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw Validation.fail(Validation.invalidType("boolean", v, name));
        }
        return Optional.of(Boolean.parseBoolean(v));
    }
}
