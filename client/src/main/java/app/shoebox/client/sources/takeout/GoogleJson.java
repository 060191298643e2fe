package app.shoebox.client.sources.takeout;

import app.shoebox.client.sources.Metadata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
     * {@code ignored} says what was left out as impossible (a date outside the years 1 to 9999,
     * which no server stores) or cut (NUL characters, an endless description).
     */
    record Photo(String title, Optional<Instant> takenAt, Optional<Metadata.Gps> gps, Optional<String> description,
                 Optional<Boolean> favorite, Optional<Boolean> archived, boolean trashed, List<String> ignored) implements GoogleJson {

        Metadata metadata() {
            return new Metadata(Metadata.Origin.GOOGLE_JSON, takenAt, gps, description, favorite, archived);
        }
    }

    /** An album folder's metadata: its title as the user named it. */
    record Album(String title, String description) implements GoogleJson {
    }

    record Other() implements GoogleJson {
    }

    /** {@code NaN} and {@code Infinity} are read (and then refused as positions) rather than losing the whole sidecar. */
    ObjectMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    /** Longer descriptions are cut: no one writes one, and servers refuse them (Shoebox at 65,536 characters). */
    int MAX_DESCRIPTION_CHARS = 65_536;

    static GoogleJson parse(byte[] json) throws IOException {
        JsonNode n = MAPPER.readTree(json);
        if (n == null || !n.isObject()) {
            return new Other();
        }
        if (n.has("photoTakenTime") || n.has("url") && n.has("creationTime")) {
            List<String> ignored = new ArrayList<>();
            return new Photo(n.path("title").asText(""), time(n.path("photoTakenTime"), ignored), gps(n),
                    description(n, ignored), flag(n, "favorited"), flag(n, "archived"), n.path("trashed").asBoolean(false),
                    List.copyOf(ignored));
        }
        JsonNode album = n.has("albumData") ? n.get("albumData") : n;
        if (n.has("albumData") || n.has("title") && (n.has("date") || n.has("access"))) {
            return new Album(album.path("title").asText("").strip(), album.path("description").asText("").strip());
        }
        return new Other();
    }

    private static Optional<Instant> time(JsonNode t, List<String> ignored) {
        String ts = t.path("timestamp").asText("");
        long s;
        try {
            s = Long.parseLong(ts.strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (s == 0) {
            return Optional.empty();
        }
        if (s < EARLIEST.getEpochSecond() || s > LATEST.getEpochSecond()) {
            ignored.add("the sidecar's photoTakenTime (" + s + " s) is outside the years 1 to 9999: ignored, the file's own date is used");
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(s));
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

    private static Optional<String> description(JsonNode n, List<String> ignored) {
        String s = n.path("description").asText("");
        if (s.indexOf('\0') >= 0) {
            s = s.replace("\0", "");
            ignored.add("the sidecar's description holds NUL characters, which no server stores: they were left out");
        }
        s = s.strip();
        if (s.length() > MAX_DESCRIPTION_CHARS) {
            ignored.add("the sidecar's description is " + s.length() + " characters long: only its first " + MAX_DESCRIPTION_CHARS
                    + " are set");
            s = s.substring(0, Character.isHighSurrogate(s.charAt(MAX_DESCRIPTION_CHARS - 1)) ? MAX_DESCRIPTION_CHARS - 1
                    : MAX_DESCRIPTION_CHARS);
        }
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static Optional<Boolean> flag(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isBoolean() ? Optional.empty() : Optional.of(v.booleanValue());
    }
}
