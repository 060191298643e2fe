package app.shoebox.server.live;

import app.shoebox.server.auth.AuthUser;
import app.shoebox.server.auth.Authenticator;
import app.shoebox.server.http.Api;
import io.javalin.websocket.WsContext;

import java.net.URI;
import java.util.Optional;


/**
 * {@code /api/socket.io}: where Immich's clients open their live-event connection, by long-polling
 * ({@code GET}/{@code POST}) or WebSocket, with the same credentials as the API (cookie,
 * {@code x-api-key}, bearer token).
 */
public final class SocketIoRoutes implements Api.Routes, AutoCloseable {

    private final EngineIo engine;

    public SocketIoRoutes(LiveEvents events) {
        this(events, EngineIo.Settings.defaults());
    }

    SocketIoRoutes(LiveEvents events, EngineIo.Settings settings) {
        this.engine = new EngineIo(settings, events);
    }

    @Override
    public void register(Api api) {
        Authenticator auth = api.authenticator();
        api.getOpen("/socket.io", ctx -> engine.http(ctx, identify(auth, Authenticator.Credentials.of(ctx))));
        api.postOpen("/socket.io", engine.maxPayload(), ctx -> engine.http(ctx, identify(auth, Authenticator.Credentials.of(ctx))));
        api.webSocketOpen("/socket.io", ws -> {
            ws.onConnect(ctx -> engine.wsConnect(ctx, identify(auth, credentials(ctx))));
            ws.onMessage(engine::wsMessage);
            ws.onClose(engine::wsClose);
        });
    }

    /**
     * The caller. A browser sends its cookies with a WebSocket opened by any page, so a connection
     * that rests on the session cookie alone must come from a page of this server (its Origin is
     * this Host); otherwise another site could open one in the user's name and read their events.
     * API keys and bearer tokens are never sent by a browser on its own and need no such check.
     */
    static Optional<AuthUser> identify(Authenticator auth, Authenticator.Credentials c) {
        boolean cookieOnly = c.header("x-api-key") == null && c.query("apiKey") == null && c.header("Authorization") == null
                && c.header("x-immich-user-token") == null;
        if (cookieOnly && !sameOrigin(c.header("Origin"), c.header("Host"), c.header("X-Forwarded-Host"))) {
            return Optional.empty();
        }
        return auth.find(c);
    }

    static boolean sameOrigin(String origin, String host, String forwardedHost) {
        if (origin == null) {
            return true; // not a browser page (apps and tools send no Origin)
        }
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority != null && (authority.equalsIgnoreCase(host) || authority.equalsIgnoreCase(forwardedHost));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Authenticator.Credentials credentials(WsContext ctx) {
        return Authenticator.Credentials.from(ctx::header, ctx::cookie, ctx::queryParam);
    }

    /** Open sessions, for tests. */
    int sessions() {
        return engine.sessionCount();
    }

    @Override
    public void close() {
        engine.close();
    }

}
