package app.shoebox.server.live;

import app.shoebox.server.auth.AuthUser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Socket.IO (protocol 5, socket.io v4) on top of {@link EngineIo}: the default namespace only, and
 * events from server to client. Each connection joins its user's room, and its session's when it
 * signed in with a password, as Immich's server does; a connection without valid credentials is
 * told {@code error: unauthorized} and disconnected, as Immich does. Catalogue events arrive from
 * PostgreSQL ({@link CatalogueEventListener}) and go to the sockets of the user they concern.
 */
public final class LiveEvents implements EngineIo.Handler {

    private static final Logger log = LoggerFactory.getLogger(LiveEvents.class);

    /** Builds the {@code AssetResponseDto}s of some of a user's assets; ids not theirs are left out. */
    public interface AssetLoader extends BiFunction<UUID, List<UUID>, List<?>> {
    }

    /** A connected socket: its Engine.IO session and who it is. */
    private record Socket(EngineIo.Session session, AuthUser user) {}

    private final ObjectMapper mapper;
    private final AssetLoader assets;
    private final AssetLoader notifications;
    private final Object serverVersion;
    private final Map<UUID, Set<Socket>> byUser = new ConcurrentHashMap<>();
    private final Map<UUID, Set<Socket>> bySession = new ConcurrentHashMap<>();
    private final Map<EngineIo.Session, Socket> bySocket = new ConcurrentHashMap<>();

    /**
     * @param notifications builds the {@code NotificationDto}s of some of a user's notifications
     * @param serverVersion what {@code on_server_version} carries ({@code ServerVersionResponseDto})
     */
    public LiveEvents(ObjectMapper mapper, AssetLoader assets, AssetLoader notifications, Object serverVersion) {
        this.mapper = mapper;
        this.assets = assets;
        this.notifications = notifications;
        this.serverVersion = serverVersion;
    }

    @Override
    public void onMessage(EngineIo.Session session, String data) {
        if (data.isEmpty()) {
            return;
        }
        char type = data.charAt(0);
        String namespace = "/";
        if (data.length() > 1 && data.charAt(1) == '/') {
            int comma = data.indexOf(',');
            namespace = comma < 0 ? data.substring(1) : data.substring(1, comma);
        }
        switch (type) {
            case '0' -> connect(session, namespace);
            case '1' -> leave(session);
            default -> {
                // Immich's clients send no events the server answers; acknowledgements are not used.
            }
        }
    }

    @Override
    public void onClose(EngineIo.Session session, String reason) {
        leave(session);
    }

    private void connect(EngineIo.Session session, String namespace) {
        if (!"/".equals(namespace)) {
            session.send("44" + namespace + "," + json(Map.of("message", "Invalid namespace")));
            return;
        }
        session.send("40" + json(Map.of("sid", session.sid)));
        if (session.user.isEmpty()) {
            session.send("42" + json(List.of("error", "unauthorized")));
            session.send("41");
            return;
        }
        AuthUser user = session.user.get();
        Socket socket = new Socket(session, user);
        bySocket.put(session, socket);
        byUser.computeIfAbsent(user.id(), k -> ConcurrentHashMap.newKeySet()).add(socket);
        if (user.credential() instanceof AuthUser.Credential.Session s) {
            bySession.computeIfAbsent(s.sessionId(), k -> ConcurrentHashMap.newKeySet()).add(socket);
        }
        emit(socket, "on_server_version", List.of(serverVersion));
    }

    private void leave(EngineIo.Session session) {
        Socket socket = bySocket.remove(session);
        if (socket == null) {
            return;
        }
        remove(byUser, socket.user().id(), socket);
        if (socket.user().credential() instanceof AuthUser.Credential.Session s) {
            remove(bySession, s.sessionId(), socket);
        }
    }

    private static void remove(Map<UUID, Set<Socket>> index, UUID key, Socket socket) {
        index.computeIfPresent(key, (k, set) -> {
            set.remove(socket);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many sockets a user has open (for tests and metrics). */
    public int connections(UUID userId) {
        return byUser.getOrDefault(userId, Set.of()).size();
    }

    /** Delivers one catalogue event to the sockets it concerns, building the payload Immich sends. */
    public void deliver(CatalogueEvents.Event event) {
        Set<Socket> sockets = event.event().broadcast() ? Set.copyOf(bySocket.values()) : byUser.getOrDefault(event.userId(), Set.of());
        if (event.event() == ClientEvent.SESSION_DELETE) {
            // The session's sockets are told, then disconnected: they no longer have a credential.
            for (String id : event.ids()) {
                for (Socket s : List.copyOf(bySession.getOrDefault(UUID.fromString(id), Set.of()))) {
                    emit(s, event.event().wireName(), List.of(id));
                    s.session().send("41");
                    leave(s.session());
                }
            }
            return;
        }
        if (sockets.isEmpty()) {
            return;
        }
        String name = event.event().wireName();
        switch (event.event().payload()) {
            case ASSET -> {
                List<UUID> ids = event.ids().stream().map(UUID::fromString).toList();
                for (Object asset : assets.apply(event.userId(), ids)) {
                    sockets.forEach(s -> emit(s, name, List.of(asset)));
                }
            }
            case NOTIFICATION -> {
                List<UUID> ids = event.ids().stream().map(UUID::fromString).toList();
                for (Object notification : notifications.apply(event.userId(), ids)) {
                    sockets.forEach(s -> emit(s, name, List.of(notification)));
                }
            }
            case EACH_ID -> event.ids().forEach(id -> sockets.forEach(s -> emit(s, name, List.of(id))));
            case ID_LIST -> sockets.forEach(s -> emit(s, name, List.of(event.ids())));
            case NONE -> sockets.forEach(s -> emit(s, name, List.of()));
        }
    }

    private void emit(Socket socket, String event, List<?> args) {
        Object[] packet = new Object[args.size() + 1];
        packet[0] = event;
        for (int i = 0; i < args.size(); i++) {
            packet[i + 1] = args.get(i);
        }
        socket.session().send("42" + json(packet));
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            log.error("socket.io: cannot serialise an event: {}", e.getMessage());
            throw new IllegalStateException(e);
        }
    }

    /** For tests: the user of an open socket. */
    Optional<AuthUser> userOf(EngineIo.Session session) {
        return Optional.ofNullable(bySocket.get(session)).map(Socket::user);
    }
}
