package app.shoebox.server.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;

import java.util.Optional;

/** Server-wide facts clients set and read, one JSON value per key (table {@code system_metadata}). */
public final class SystemMetadata {

    private final Jdbi jdbi;
    private final ObjectMapper mapper;

    public SystemMetadata(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.mapper = mapper;
    }

    public Optional<JsonNode> get(String key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT value::text FROM system_metadata WHERE key = :key")
                .bind("key", key).mapTo(String.class).findOne()).map(this::read);
    }

    public void put(String key, JsonNode value) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO system_metadata (key, value) VALUES (:key, CAST(:value AS jsonb))
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value""")
                .bind("key", key).bind("value", value.toString()).execute());
    }

    /** Tells every connected client that the system configuration changed ({@code on_config_update}). */
    public void announceConfigUpdate(java.util.UUID by) {
        jdbi.useTransaction(h -> app.shoebox.server.live.CatalogueEvents.publish(h, app.shoebox.server.live.ClientEvent.CONFIG_UPDATE, by));
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("system_metadata holds a value that is not JSON", e);
        }
    }
}
