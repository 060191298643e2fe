package app.shoebox.client.sources.takeout;

import app.shoebox.client.sources.Metadata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * The JSON files of a Google Photos Takeout: a photo's sidecar ({@code photoTakenTime},
 * {@code geoData}, ...), an album's {@code metadata.json} (its title), or something else
 * ({@code print-subscriptions.json}, comments) that is not about one file.
 */
sealed interface GoogleJson {

    /**
     * A photo or video's sidecar. {@code title} is the file's original name. GPS comes from
     * {@code geoDataExif} when it has a position, else from {@code geoData}; (0, 0) means none.
     */
    record Photo(String title, Optional<Instant> takenAt, Optional<Metadata.Gps> gps, Optional<String> description,
                 Optional<Boolean> favorite, Optional<Boolean> archived, boolean trashed) implements GoogleJson {

        Metadata metadata() {
            return new Metadata(Metadata.Origin.GOOGLE_JSON, takenAt, gps, description, favorite, archived);
        }
    }

    /** An album folder's metadata: its title as the user named it. */
    record Album(String title, String description) implements GoogleJson {
    }

    record Other() implements GoogleJson {
    }

    ObjectMapper MAPPER = new ObjectMapper();

    static GoogleJson parse(byte[] json) throws IOException {
        JsonNode n = MAPPER.readTree(json);
        if (n == null || !n.isObject()) {
            return new Other();
        }
        if (n.has("photoTakenTime") || n.has("url") && n.has("creationTime")) {
            return new Photo(n.path("title").asText(""), time(n.path("photoTakenTime")), gps(n), text(n, "description"),
                    flag(n, "favorited"), flag(n, "archived"), n.path("trashed").asBoolean(false));
        }
        JsonNode album = n.has("albumData") ? n.get("albumData") : n;
        if (n.has("albumData") || n.has("title") && (n.has("date") || n.has("access"))) {
            return new Album(album.path("title").asText("").strip(), album.path("description").asText("").strip());
        }
        return new Other();
    }

    private static Optional<Instant> time(JsonNode t) {
        String ts = t.path("timestamp").asText("");
        try {
            long s = Long.parseLong(ts.strip());
            return s == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Metadata.Gps> gps(JsonNode n) {
        for (String field : new String[]{"geoDataExif", "geoData"}) {
            JsonNode g = n.path(field);
            double lat = g.path("latitude").asDouble(0);
            double lon = g.path("longitude").asDouble(0);
            if ((lat != 0 || lon != 0) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
                return Optional.of(new Metadata.Gps(lat, lon));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> text(JsonNode n, String field) {
        String s = n.path(field).asText("").strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static Optional<Boolean> flag(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isBoolean() ? Optional.empty() : Optional.of(v.booleanValue());
    }
}
