package app.shoebox.server.users;

import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.Validation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A user's preferences ({@code GET|PUT /users/me/preferences}): Immich's defaults with what the
 * user changed laid over them. An update may set any field the defaults have, of the same JSON
 * type; unknown fields are dropped, as Immich's schema strips them. Shoebox keeps them for its
 * clients and acts on none (it has no memories, people or e-mail), except what the web UI reads.
 */
public final class Preferences {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Immich's defaults (its {@code getDefaultPreferences}). */
    static final String DEFAULTS = """
            {"albums": {"defaultAssetOrder": "desc"},
             "cast": {"gCastEnabled": false},
             "download": {"archiveSize": 4294967296, "includeEmbeddedVideos": false},
             "emailNotifications": {"enabled": true, "albumInvite": true, "albumUpdate": true},
             "folders": {"enabled": false, "sidebarWeb": false},
             "memories": {"enabled": true, "duration": 5},
             "people": {"enabled": true, "sidebarWeb": false},
             "purchase": {"showSupportBadge": true, "hideBuyButtonUntil": "2022-02-12T00:00:00.000Z"},
             "ratings": {"enabled": false},
             "recentlyAdded": {"sidebarWeb": false},
             "sharedLinks": {"enabled": true, "sidebarWeb": false},
             "tags": {"enabled": false, "sidebarWeb": false}}""";

    /** Enum-valued fields and what they allow. */
    private static final Map<String, List<String>> ENUMS = Map.of("albums/defaultAssetOrder", List.of("asc", "desc"));

    private final Jdbi jdbi;

    public Preferences(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public JsonNode get(UUID userId) {
        ObjectNode prefs = defaults();
        jdbi.withHandle(h -> h.createQuery("SELECT value::text FROM user_preferences WHERE user_id = :user")
                .bind("user", userId).mapTo(String.class).findOne()).ifPresent(stored -> overlay(prefs, read(stored)));
        return prefs;
    }

    /** Validates {@code update} against the defaults' shape, stores it over the current ones, returns the result. */
    public JsonNode update(UUID userId, JsonNode update) {
        if (update == null || !update.isObject()) {
            throw Validation.fail(Validation.invalidType("object", update));
        }
        ObjectNode prefs = (ObjectNode) get(userId);
        List<Map<String, Object>> issues = new ArrayList<>();
        check(update, defaults(), new ArrayList<>(), issues);
        if (!issues.isEmpty()) {
            throw ApiException.validation(issues);
        }
        overlay(prefs, update);
        String value = prefs.toString();
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO user_preferences (user_id, value) VALUES (:user, CAST(:value AS jsonb))
                        ON CONFLICT (user_id) DO UPDATE SET value = excluded.value, updated_at = now()""")
                .bind("user", userId).bind("value", value).execute());
        return prefs;
    }

    private static void check(JsonNode update, JsonNode shape, List<Object> path, List<Map<String, Object>> issues) {
        for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode expected = shape.get(e.getKey());
            if (expected == null) {
                continue;
            }
            List<Object> at = new ArrayList<>(path);
            at.add(e.getKey());
            JsonNode value = e.getValue();
            if (expected.isObject()) {
                if (!value.isObject()) {
                    issues.add(Validation.invalidType("object", value, at.toArray()));
                } else {
                    check(value, expected, at, issues);
                }
            } else if (value.getNodeType() != expected.getNodeType() || (expected.isIntegralNumber() && !value.isIntegralNumber())) {
                issues.add(Validation.invalidType(expected.getNodeType() == JsonNodeType.NUMBER ? "number"
                        : expected.getNodeType().name().toLowerCase(java.util.Locale.ROOT), value, at.toArray()));
            } else {
                List<String> allowed = ENUMS.get(String.join("/", at.stream().map(String::valueOf).toList()));
                if (allowed != null && !allowed.contains(value.asText())) {
                    issues.add(Validation.invalidValue(allowed, at.toArray()));
                }
            }
        }
    }

    /** Copies the fields of {@code top} that {@code base} has onto it, object by object. */
    private static void overlay(ObjectNode base, JsonNode top) {
        for (Iterator<Map.Entry<String, JsonNode>> it = top.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode current = base.get(e.getKey());
            if (current == null) {
                continue;
            }
            if (current.isObject() && e.getValue().isObject()) {
                overlay((ObjectNode) current, e.getValue());
            } else if (!current.isObject()) {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    private static ObjectNode defaults() {
        return (ObjectNode) read(DEFAULTS);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored preferences are not JSON", e);
        }
    }
}
