package app.shoebox.server.live;

/**
 * The events Immich's clients listen for on {@code /api/socket.io}, with their wire names and what
 * travels with each. Events about assets carry ids through PostgreSQL; the server that owns the
 * sockets turns them into the payloads Immich sends.
 */
public enum ClientEvent {
    /** One {@code AssetResponseDto} per new asset. */
    UPLOAD_SUCCESS("on_upload_success", Payload.ASSET),
    /** One {@code AssetResponseDto} per changed asset (e.g. its thumbnail is ready). */
    ASSET_UPDATE("on_asset_update", Payload.ASSET),
    /** One event per id, the id as a string. */
    ASSET_DELETE("on_asset_delete", Payload.EACH_ID),
    /** One event with the array of ids. */
    ASSET_TRASH("on_asset_trash", Payload.ID_LIST),
    ASSET_RESTORE("on_asset_restore", Payload.ID_LIST),
    /** No arguments. */
    ASSET_STACK_UPDATE("on_asset_stack_update", Payload.NONE),
    /** One event per id: the motion part of a live photo was hidden. */
    ASSET_HIDDEN("on_asset_hidden", Payload.EACH_ID),
    /** Sent to the sockets of that session only, with the session id. */
    SESSION_DELETE("on_session_delete", Payload.EACH_ID),
    /** One {@code NotificationDto} per new notification, to its recipient (e.g. an album shared with them). */
    NOTIFICATION("on_notification", Payload.NOTIFICATION),
    /** To every connected client: a user was removed for good, with their id. */
    USER_DELETE("on_user_delete", Payload.EACH_ID, true),
    /** To every connected client: the system configuration changed. No arguments. */
    CONFIG_UPDATE("on_config_update", Payload.NONE, true);

    /** What the event's arguments are made of. */
    public enum Payload { ASSET, NOTIFICATION, EACH_ID, ID_LIST, NONE }

    private final String wireName;
    private final Payload payload;
    private final boolean broadcast;

    ClientEvent(String wireName, Payload payload) {
        this(wireName, payload, false);
    }

    ClientEvent(String wireName, Payload payload, boolean broadcast) {
        this.wireName = wireName;
        this.payload = payload;
        this.broadcast = broadcast;
    }

    /** Whether every connected client gets it, not only the user it names. */
    public boolean broadcast() {
        return broadcast;
    }

    public String wireName() {
        return wireName;
    }

    public Payload payload() {
        return payload;
    }

    static ClientEvent fromWireName(String name) {
        for (ClientEvent e : values()) {
            if (e.wireName.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown client event " + name);
    }
}
