package app.shoebox.server.live;

import app.shoebox.server.auth.AuthUser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Engine.IO 4 transport under socket.io v4, as Immich's clients speak it: HTTP long-polling
 * ({@code GET} waits for packets, {@code POST} sends them, packets joined by the record separator),
 * WebSocket (one packet per frame), the upgrade from the first to the second ({@code 2probe},
 * {@code 3probe}, {@code 5}), and the server's heartbeat (ping {@code 2} every ping interval, the
 * connection closed when no pong {@code 3} comes within the ping timeout). Text packets only: the
 * server never sends binary, and Immich's clients send none.
 *
 * <p>A long poll holds no thread: it is a future completed when a packet is queued.
 */
final class EngineIo implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EngineIo.class);

    static final char SEPARATOR = '\u001e';

    /** Heartbeat and limits; socket.io's defaults are 25 s, 20 s and 1 MB. */
    record Settings(Duration pingInterval, Duration pingTimeout, int maxPayload, int maxSessions) {
        static Settings defaults() {
            return new Settings(Duration.ofSeconds(25), Duration.ofSeconds(20), 1_000_000, 10_000);
        }
    }

    /** What sits on top (socket.io): told of each session's messages and of its end. */
    interface Handler {
        void onMessage(Session session, String data);

        void onClose(Session session, String reason);
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final Handler handler;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat;

    EngineIo(Settings settings, Handler handler) {
        this.settings = settings;
        this.handler = handler;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "socket.io-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(50, Math.min(1000, settings.pingInterval().toMillis() / 5));
        heartbeat.scheduleWithFixedDelay(this::beat, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** The largest payload a client may post. */
    long maxPayload() {
        return settings.maxPayload();
    }

    int sessionCount() {
        return sessions.size();
    }

    /** One client connection, on polling or WebSocket. Every method is safe to call from any thread. */
    final class Session {
        final String sid = newId();
        final Optional<AuthUser> user;
        private final Deque<String> outbox = new ArrayDeque<>();
        private CompletableFuture<String> pendingPoll;
        private WsContext ws;
        private long nextPingNanos;
        private long pingSentNanos;
        private boolean awaitingPong;
        private boolean closed;

        Session(Optional<AuthUser> user) {
            this.user = user;
            this.nextPingNanos = System.nanoTime() + settings.pingInterval().toNanos();
        }

        /** Queues an Engine.IO packet (e.g. {@code 42[...]}); sent at once on a WebSocket, on the next poll otherwise. */
        synchronized void send(String packet) {
            if (closed) {
                return;
            }
            if (ws != null) {
                write(ws, packet);
                return;
            }
            outbox.add(packet);
            if (pendingPoll != null) {
                CompletableFuture<String> poll = pendingPoll;
                pendingPoll = null;
                poll.complete(drain());
            }
        }

        private String drain() {
            StringBuilder body = new StringBuilder();
            while (!outbox.isEmpty()) {
                if (!body.isEmpty()) {
                    body.append(SEPARATOR);
                }
                body.append(outbox.poll());
            }
            return body.toString();
        }

        /** Ends the session: a close packet to a waiting poll, the socket closed, socket.io told once. */
        void close(String reason) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                if (pendingPoll != null) {
                    pendingPoll.complete("1");
                    pendingPoll = null;
                }
                if (ws != null) {
                    WsContext socket = ws;
                    try {
                        socket.closeSession();
                    } catch (RuntimeException e) {
                        log.debug("closing the WebSocket of session {}: {}", sid, e.getMessage());
                    }
                }
            }
            sessions.remove(sid);
            handler.onClose(this, reason);
        }

        synchronized boolean isClosed() {
            return closed;
        }

        private synchronized void pong() {
            awaitingPong = false;
            nextPingNanos = System.nanoTime() + settings.pingInterval().toNanos();
        }

        /** Pings when due; true when the client let a ping go unanswered for the ping timeout. */
        private boolean beat(long now) {
            synchronized (this) {
                if (closed) {
                    return false;
                }
                if (awaitingPong) {
                    return now - pingSentNanos > settings.pingTimeout().toNanos();
                }
                if (now < nextPingNanos) {
                    return false;
                }
                awaitingPong = true;
                pingSentNanos = now;
            }
            send("2");
            return false;
        }
    }

    // ---- HTTP long-polling ----

    /** {@code GET} and {@code POST /api/socket.io/}: the handshake, a poll, or packets from the client. */
    void http(Context ctx, Optional<AuthUser> user) throws IOException {
        ctx.header("Cache-Control", "no-store");
        if (!"4".equals(ctx.queryParam("EIO"))) {
            error(ctx, 5, "Unsupported protocol version");
            return;
        }
        if (!"polling".equals(ctx.queryParam("transport"))) {
            error(ctx, 0, "Transport unknown");
            return;
        }
        String sid = ctx.queryParam("sid");
        boolean post = "POST".equals(ctx.method().name());
        if (sid == null) {
            if (post) {
                error(ctx, 3, "Bad request");
                return;
            }
            Optional<Session> opened = open(user);
            if (opened.isEmpty()) {
                ctx.status(503);
                error(ctx, 3, "Too many connections");
                return;
            }
            text(ctx, "0" + handshake(opened.get(), List.of("websocket")));
            return;
        }
        Session session = sessions.get(sid);
        if (session == null || session.isClosed()) {
            error(ctx, 1, "Session ID unknown");
            return;
        }
        if (post) {
            receivePayload(ctx, session);
        } else {
            poll(ctx, session);
        }
    }

    private void poll(Context ctx, Session session) {
        CompletableFuture<String> answer;
        synchronized (session) {
            if (session.ws != null) {
                error(ctx, 3, "Bad request: the session has moved to its WebSocket");
                return;
            }
            if (session.pendingPoll != null) {
                // Two polls at once is a broken client: Engine.IO closes the session.
                error(ctx, 3, "Bad request: a poll is already waiting");
                session.close("overlapping polls");
                return;
            }
            if (!session.outbox.isEmpty()) {
                text(ctx, session.drain());
                return;
            }
            answer = new CompletableFuture<>();
            session.pendingPoll = answer;
        }
        ctx.future(() -> answer.thenAccept(body -> text(ctx, body)));
    }

    private void receivePayload(Context ctx, Session session) throws IOException {
        // Read through Javalin, which keeps the body once read (the API's checks may have read it first).
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length > settings.maxPayload()) {
            ctx.status(413);
            error(ctx, 3, "Payload larger than " + settings.maxPayload() + " bytes");
            session.close("payload too large");
            return;
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        for (String packet : body.split(String.valueOf(SEPARATOR), -1)) {
            receive(session, packet);
        }
        ctx.contentType("text/html");
        ctx.result("ok");
    }

    // ---- WebSocket ----

    /** Opens a session on a new WebSocket, or takes the socket as the probe of a polling session's upgrade. */
    void wsConnect(WsConnectContext ctx, Optional<AuthUser> user) {
        if (!"4".equals(ctx.queryParam("EIO")) || !"websocket".equals(ctx.queryParam("transport"))) {
            ctx.closeSession(1002, "Engine.IO 4 over websocket only");
            return;
        }
        String sid = ctx.queryParam("sid");
        if (sid == null) {
            Optional<Session> opened = open(user);
            if (opened.isEmpty()) {
                ctx.closeSession(1013, "Too many connections");
                return;
            }
            Session session = opened.get();
            synchronized (session) {
                session.ws = ctx;
                ctx.attribute("engine.io.sid", session.sid);
                write(ctx, "0" + handshake(session, List.of()));
            }
            return;
        }
        Session session = sessions.get(sid);
        if (session == null || session.isClosed()) {
            ctx.closeSession(1008, "Session ID unknown");
            return;
        }
        ctx.attribute("engine.io.probe", sid);
    }

    void wsMessage(WsMessageContext ctx) {
        String packet = ctx.message();
        String sid = ctx.attribute("engine.io.sid");
        if (sid != null) {
            Session session = sessions.get(sid);
            if (session != null) {
                receive(session, packet);
            }
            return;
        }
        String probe = ctx.attribute("engine.io.probe");
        Session session = probe == null ? null : sessions.get(probe);
        if (session == null) {
            ctx.closeSession(1008, "Session ID unknown");
            return;
        }
        if ("2probe".equals(packet)) {
            write(ctx, "3probe");
            synchronized (session) {
                // The client pauses polling before it upgrades: release the waiting poll.
                if (session.pendingPoll != null) {
                    session.pendingPoll.complete("6");
                    session.pendingPoll = null;
                }
            }
        } else if ("5".equals(packet)) {
            synchronized (session) {
                session.ws = ctx;
                ctx.attribute("engine.io.sid", session.sid);
                ctx.attribute("engine.io.probe", null);
                String queued = session.drain();
                if (!queued.isEmpty()) {
                    for (String p : queued.split(String.valueOf(SEPARATOR))) {
                        write(ctx, p);
                    }
                }
            }
        }
    }

    void wsClose(WsCloseContext ctx) {
        String sid = ctx.attribute("engine.io.sid");
        Session session = sid == null ? null : sessions.get(sid);
        if (session != null) {
            session.close("transport close");
        }
    }

    // ---- shared ----

    private Optional<Session> open(Optional<AuthUser> user) {
        if (sessions.size() >= settings.maxSessions()) {
            log.warn("socket.io: refusing a connection, {} are open (the limit)", sessions.size());
            return Optional.empty();
        }
        Session session = new Session(user);
        sessions.put(session.sid, session);
        return Optional.of(session);
    }

    private String handshake(Session session, List<String> upgrades) {
        return JSON.createObjectNode().put("sid", session.sid)
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("upgrades", JSON.valueToTree(upgrades))
                .put("pingInterval", settings.pingInterval().toMillis())
                .put("pingTimeout", settings.pingTimeout().toMillis())
                .put("maxPayload", settings.maxPayload()).toString();
    }

    private void receive(Session session, String packet) {
        if (packet.isEmpty()) {
            return;
        }
        switch (packet.charAt(0)) {
            case '1' -> session.close("client close");
            case '2' -> session.send("3" + packet.substring(1));
            case '3' -> session.pong();
            case '4' -> handler.onMessage(session, packet.substring(1));
            default -> {
                // 5 (upgrade) and 6 (noop) need no answer here; anything else is ignored.
            }
        }
    }

    private void beat() {
        long now = System.nanoTime();
        for (Session s : List.copyOf(sessions.values())) {
            try {
                if (s.beat(now)) {
                    s.close("ping timeout");
                }
            } catch (RuntimeException e) {
                log.warn("socket.io heartbeat of session {} failed: {}", s.sid, e.getMessage());
            }
        }
    }

    private static void write(WsContext ws, String packet) {
        synchronized (ws) {
            ws.send(packet);
        }
    }

    private static void text(Context ctx, String body) {
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.contentType("text/plain; charset=UTF-8");
        ctx.result(body);
    }

    private static void error(Context ctx, int code, String message) {
        if (ctx.statusCode() < 400) {
            ctx.status(400);
        }
        ctx.json(Map.of("code", code, "message", message));
    }

    private static String newId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        new ArrayList<>(sessions.values()).forEach(s -> s.close("server shutting down"));
    }
}
