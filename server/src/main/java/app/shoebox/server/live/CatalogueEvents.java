package app.shoebox.server.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jdbi.v3.core.Handle;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Publishes catalogue events with PostgreSQL's NOTIFY, inside the transaction that makes the change:
 * the event is delivered only if that transaction commits, to every server listening, whichever
 * process (server or worker) made the change. Payloads carry ids only and are cut into pieces well
 * under NOTIFY's 8000-byte limit; the server builds what clients receive.
 */
public final class CatalogueEvents {

    /** The catalogue's own channel, apart from the job engine's. */
    public static final String CHANNEL = "shoebox_catalogue_events";

    /** 150 ids of 39 bytes each (quotes and comma) is about 5.9 kB, leaving room for the rest. */
    static final int IDS_PER_NOTIFICATION = 150;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One notification: an event for a user, about some ids (assets, or a session). */
    public record Event(ClientEvent event, UUID userId, List<String> ids) {
        String toJson() {
            ObjectNode node = JSON.createObjectNode().put("e", event.wireName()).put("u", userId.toString());
            ArrayNode array = node.putArray("ids");
            ids.forEach(array::add);
            return node.toString();
        }

        static Event parse(String payload) throws IOException {
            JsonNode node = JSON.readTree(payload);
            List<String> ids = new ArrayList<>();
            node.path("ids").forEach(n -> ids.add(n.asText()));
            return new Event(ClientEvent.fromWireName(node.path("e").asText()), UUID.fromString(node.path("u").asText()), ids);
        }
    }

    private CatalogueEvents() {
    }

    public static void publish(Handle tx, ClientEvent event, UUID userId, Collection<UUID> ids) {
        publish(tx.getConnection(), event, userId, ids);
    }

    public static void publish(Handle tx, ClientEvent event, UUID userId) {
        publish(tx.getConnection(), event, userId, List.of());
    }

    /** Queues the notifications on {@code tx}; PostgreSQL sends them when it commits. */
    public static void publish(Connection tx, ClientEvent event, UUID userId, Collection<UUID> ids) {
        List<String> all = ids.stream().map(UUID::toString).toList();
        try (PreparedStatement ps = tx.prepareStatement("SELECT pg_notify(?, ?)")) {
            if (all.isEmpty()) {
                notify(ps, new Event(event, userId, List.of()));
                return;
            }
            for (int from = 0; from < all.size(); from += IDS_PER_NOTIFICATION) {
                notify(ps, new Event(event, userId, all.subList(from, Math.min(all.size(), from + IDS_PER_NOTIFICATION))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot publish " + event.wireName() + " for user " + userId + ": " + e.getMessage(), e);
        }
    }

    private static void notify(PreparedStatement ps, Event e) throws SQLException {
        ps.setString(1, CHANNEL);
        ps.setString(2, e.toJson());
        ps.execute();
    }
}
