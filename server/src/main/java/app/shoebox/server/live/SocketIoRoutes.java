package app.shoebox.server.live;

import app.shoebox.server.auth.Authenticator;
import app.shoebox.server.http.Api;
import io.javalin.websocket.WsContext;


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
        api.getOpen("/socket.io", ctx -> engine.http(ctx, auth.find(Authenticator.Credentials.of(ctx))));
        api.postOpen("/socket.io", ctx -> engine.http(ctx, auth.find(Authenticator.Credentials.of(ctx))));
        api.webSocketOpen("/socket.io", ws -> {
            ws.onConnect(ctx -> engine.wsConnect(ctx, auth.find(credentials(ctx))));
            ws.onMessage(engine::wsMessage);
            ws.onClose(engine::wsClose);
        });
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
