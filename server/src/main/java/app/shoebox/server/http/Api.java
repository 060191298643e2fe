package app.shoebox.server.http;

import app.shoebox.server.auth.AuthUser;
import app.shoebox.server.auth.Authenticator;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * Registers routes under {@code /api} with their access rule, so no route can forget its
 * authentication or permission check: the check is part of the registration.
 */
public final class Api {

    public static final String PREFIX = "/api";

    private final RoutesConfig routes;
    private final Authenticator authenticator;

    Api(RoutesConfig routes, Authenticator authenticator) {
        this.routes = routes;
        this.authenticator = authenticator;
    }

    /** A feature's routes; each feature has one class implementing this. */
    @FunctionalInterface
    public interface Routes {
        void register(Api api);
    }

    public void get(String path, Access access, AuthenticatedHandler handler) {
        add(HandlerType.GET, path, access, handler);
    }

    public void post(String path, Access access, AuthenticatedHandler handler) {
        add(HandlerType.POST, path, access, handler);
    }

    public void put(String path, Access access, AuthenticatedHandler handler) {
        add(HandlerType.PUT, path, access, handler);
    }

    public void patch(String path, Access access, AuthenticatedHandler handler) {
        add(HandlerType.PATCH, path, access, handler);
    }

    public void delete(String path, Access access, AuthenticatedHandler handler) {
        add(HandlerType.DELETE, path, access, handler);
    }

    /** A route under {@code /api} that needs no credential (ping, login). */
    public void getOpen(String path, Handler handler) {
        routes.get(PREFIX + path, handler);
    }

    public void postOpen(String path, Handler handler) {
        routes.post(PREFIX + path, handler);
    }

    /**
     * A WebSocket endpoint under {@code /api}; it checks its own credentials (see
     * {@link Authenticator#find}), since a socket may answer an unknown caller in its own protocol.
     */
    public void webSocketOpen(String path, java.util.function.Consumer<io.javalin.websocket.WsConfig> ws) {
        routes.ws(PREFIX + path, ws);
    }

    /** The checker of credentials, for routes that must answer an unknown caller themselves. */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** A route outside {@code /api} that needs no credential (e.g. {@code /.well-known/immich}). */
    public void rootGet(String path, Handler handler) {
        routes.get(path, handler);
    }

    /** A route outside {@code /api} that needs a credential (e.g. {@code /metrics} for Prometheus). */
    public void rootGet(String path, Access access, AuthenticatedHandler handler) {
        routes.get(path, ctx -> handler.handle(ctx, authorize(ctx, access)));
    }

    private void add(HandlerType method, String path, Access access, AuthenticatedHandler handler) {
        Handler wrapped = ctx -> handler.handle(ctx, authorize(ctx, access));
        switch (method.name()) {
            case "GET" -> routes.get(PREFIX + path, wrapped);
            case "POST" -> routes.post(PREFIX + path, wrapped);
            case "PUT" -> routes.put(PREFIX + path, wrapped);
            case "PATCH" -> routes.patch(PREFIX + path, wrapped);
            case "DELETE" -> routes.delete(PREFIX + path, wrapped);
            default -> throw new IllegalArgumentException("unsupported method " + method);
        }
    }

    private AuthUser authorize(Context ctx, Access access) {
        AuthUser user = authenticator.required(ctx);
        if (access.adminOnly() && !user.isAdmin()) {
            throw ApiException.forbidden("Forbidden: " + ctx.method() + " " + ctx.path() + " needs an admin user");
        }
        access.permission().ifPresent(p -> {
            if (!user.can(p)) {
                throw ApiException.forbidden("Missing required permission: " + p.wireName());
            }
        });
        return user;
    }
}
