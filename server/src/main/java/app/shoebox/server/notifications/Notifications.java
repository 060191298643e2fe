package app.shoebox.server.notifications;

import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * In-app notifications ({@code /api/notifications}, Immich's bell). Each is created inside the
 * transaction of the change it reports and announced with {@code on_notification} to its
 * recipient once that commits.
 */
public final class Notifications {

    /** Immich's {@code NotificationDto}. */
    public record NotificationDto(String id, Instant createdAt, String level, String type, String title,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) String description,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) @JsonRawValue String data,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) Instant readAt) {}

    /** What {@code GET /notifications} may filter on. */
    public record Filter(Optional<UUID> id, Optional<String> level, Optional<String> type, Optional<Boolean> unread) {}

    static final RowMapper<NotificationDto> MAPPER = (rs, c) -> new NotificationDto(rs.getObject("id", UUID.class).toString(),
            rs.getTimestamp("created_at").toInstant(), rs.getString("level"), rs.getString("type"), rs.getString("title"),
            rs.getString("description"), rs.getString("data"),
            Optional.ofNullable(rs.getTimestamp("read_at")).map(java.sql.Timestamp::toInstant).orElse(null));

    private final Jdbi jdbi;

    public Notifications(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Creates a notification for {@code userId} in {@code tx}; {@code dataJson} is a JSON object
     * (e.g. {@code {"albumId": ...}}) or null.
     */
    public static void create(Handle tx, UUID userId, String level, String type, String title, String description, String dataJson) {
        UUID id = tx.createQuery("""
                        INSERT INTO notifications (user_id, level, type, title, description, data)
                        VALUES (:user, :level, :type, :title, :description, CAST(:data AS jsonb)) RETURNING id""")
                .bind("user", userId).bind("level", level).bind("type", type).bind("title", title)
                .bind("description", description).bind("data", dataJson).mapTo(UUID.class).one();
        CatalogueEvents.publish(tx, ClientEvent.NOTIFICATION, userId, List.of(id));
    }

    public List<NotificationDto> list(UUID userId, Filter f) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM notifications WHERE user_id = :user
                          AND (CAST(:id AS uuid) IS NULL OR id = :id)
                          AND (CAST(:level AS text) IS NULL OR level = :level)
                          AND (CAST(:type AS text) IS NULL OR type = :type)
                          AND (CAST(:unread AS boolean) IS NULL OR (read_at IS NULL) = :unread)
                        ORDER BY created_at DESC, id""")
                .bind("user", userId).bind("id", f.id().orElse(null)).bind("level", f.level().orElse(null))
                .bind("type", f.type().orElse(null)).bind("unread", f.unread().orElse(null)).map(MAPPER).list());
    }

    /** The user's notifications among {@code ids}, for a live event or a read; others are left out. */
    public List<NotificationDto> of(UUID userId, List<UUID> ids) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM notifications WHERE user_id = :user AND id = ANY(:ids) ORDER BY created_at")
                .bind("user", userId).bindArray("ids", UUID.class, ids).map(MAPPER).list());
    }

    /** Marks the user's notifications read (or unread, with null); returns how many were theirs. */
    public int setRead(UUID userId, List<UUID> ids, Optional<Instant> readAt) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE notifications SET read_at = :at WHERE user_id = :user AND id = ANY(:ids)")
                .bind("at", readAt.map(java.sql.Timestamp::from).orElse(null)).bind("user", userId)
                .bindArray("ids", UUID.class, ids).execute());
    }

    /** Deletes the user's notifications among {@code ids}; returns how many were theirs. */
    public int delete(UUID userId, List<UUID> ids) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM notifications WHERE user_id = :user AND id = ANY(:ids)")
                .bind("user", userId).bindArray("ids", UUID.class, ids).execute());
    }
}
