package app.shoebox.server.http;

import app.shoebox.server.auth.AuthUser;
import app.shoebox.server.auth.Authenticator;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers routes under {@code /api} with their access rule, so no route can forget its
 * authentication or permission check: the check is part of the registration. So is what the route
 * reads: a JSON body of at most {@link BodyLimit#JSON_BYTES} unless registered as the upload
 * ({@link #upload}) or with a limit of its own, and for a session-cookie caller the cross-site
 * checks of {@link CrossSite}.
 */
public final class Api {

    public static final String PREFIX = "/api";

    private final RoutesConfig routes;
    private final Authenticator authenticator;
    private final long maxUploadBytes;
    /** What each registration demands, by "METHOD path"; see {@link HttpServer#routes()}. */
    private final Map<String, Access> guarded = new ConcurrentHashMap<>();

    Api(RoutesConfig routes, Authenticator authenticator, long maxUploadBytes) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.maxUploadBytes = maxUploadBytes;
    }

    /** What a route reads and how loudly it is logged. */
    private record Rule(long maxBodyBytes, boolean multipart, boolean quiet) {
        static final Rule JSON = new Rule(BodyLimit.JSON_BYTES, false, false);
    }

    /**
     * One entry of the server's route table: a method ({@code GET}..., or {@code WEBSOCKET}), its full
     * path template as registered, and the access rule it was registered with; empty for a route
     * that checks no credential itself (registered with an {@code *Open} method, or not through
     * {@code Api} at all).
     */
    public record Route(String method, String path, Optional<Access> access) {
        public boolean open() {
            return access.isEmpty();
        }
    }

    /** The rule {@code path} was registered with, if it went through an authenticated method. */
    Optional<Access> accessOf(String method, String path) {
        return Optional.ofNullable(guarded.get(method + " " + path));
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

    /**
     * The upload: a {@code multipart/form-data} POST whose body may be as large as the server's
     * upload limit. Logged at debug level, as a bulk import makes one request per file.
     */
    public void upload(String path, Access access, AuthenticatedHandler handler) {
        add(HandlerType.POST, path, access, new Rule(maxUploadBytes, true, true), handler);
    }

    /**
     * A GET that sends a library file (original, thumbnail): logged at debug level, as a timeline
     * asks for hundreds of them.
     */
    public void getFile(String path, Access access, AuthenticatedHandler handler) {
        add(HandlerType.GET, path, access, new Rule(BodyLimit.JSON_BYTES, false, true), handler);
    }

    /** A route under {@code /api} that needs no credential (ping, login). */
    public void getOpen(String path, Handler handler) {
        routes.get(PREFIX + path, handler);
    }

    /**
     * An unauthenticated POST (login) reading at most {@code maxBodyBytes}. A browser may send it
     * only from Shoebox's own pages, so another site cannot log a visitor in to an account of its choosing.
     */
    public void postOpen(String path, long maxBodyBytes, Handler handler) {
        routes.post(PREFIX + path, ctx -> {
            BodyLimit.apply(ctx, maxBodyBytes);
            CrossSite.requireSameOrigin(ctx);
            JsonInput.check(ctx);
            handler.handle(ctx);
        });
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
        Handler wrapped = ctx -> handler.handle(ctx, authorize(ctx, access));
        guarded.put("GET " + path, access);
        guarded.put("HEAD " + path, access);
        routes.get(path, wrapped);
        routes.head(path, wrapped);
    }

    private void add(HandlerType method, String path, Access access, AuthenticatedHandler handler) {
        add(method, path, access, Rule.JSON, handler);
    }

    private void add(HandlerType method, String path, Access access, Rule rule, AuthenticatedHandler handler) {
        Handler wrapped = ctx -> {
            if (rule.quiet()) {
                RequestLog.quiet(ctx);
            }
            AuthUser user = authorize(ctx, access);
            BodyLimit.apply(ctx, rule.maxBodyBytes());
            boolean write = CrossSite.isWrite(ctx);
            if (write && user.credential() instanceof AuthUser.Credential.Session s && s.fromCookie()) {
                CrossSite.requireSameOrigin(ctx);
                CrossSite.requireScriptOnlyBody(ctx, rule.multipart());
            }
            JsonInput.checkParameters(ctx);
            if (write && !rule.multipart()) {
                JsonInput.check(ctx);
            }
            handler.handle(ctx, user);
        };
        guarded.put(method.name() + " " + PREFIX + path, access);
        switch (method.name()) {
            case "GET" -> {
                routes.get(PREFIX + path, wrapped);
                // Without a HEAD route of its own, Javalin answers HEAD on a GET route 200 without
                // running it: no credential checked, no headers of what the GET would send.
                guarded.put("HEAD " + PREFIX + path, access);
                routes.head(PREFIX + path, wrapped);
            }
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
            throw ApiException.forbidden("Forbidden");
        }
        access.permission().ifPresent(p -> {
            if (!user.can(p)) {
                throw ApiException.forbidden("Missing required permission: " + p.wireName());
            }
        });
        return user;
    }
}
