package app.shoebox.server.assets;

import app.shoebox.server.http.ApiException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The changes of {@code PUT /assets/{id}} ({@code UpdateAssetDto}) and {@code PUT /assets}
 * ({@code AssetBulkUpdateDto}): only the fields the client sent.
 */
record AssetEdit(Optional<String> description, Optional<OffsetDateTime> dateTimeOriginal, Optional<Long> dateTimeRelativeMinutes,
                 Optional<String> timeZone,
                 Optional<Double> latitude, Optional<Double> longitude, Change<Integer> rating,
                 Optional<Boolean> isFavorite, Optional<Asset.Visibility> visibility, Change<UUID> livePhotoVideoId) {

    /** A nullable field: left alone, set, or cleared with an explicit null. */
    sealed interface Change<T> {
        record Keep<T>() implements Change<T> {}

        record Set<T>(T value) implements Change<T> {}

        record Clear<T>() implements Change<T> {}
    }

    /**
     * The EXIF fields this edit sets, under the names Immich locks them by, so metadata extraction
     * leaves them as the user made them.
     */
    List<String> lockedProperties() {
        List<String> locked = new ArrayList<>();
        description.ifPresent(x -> locked.add("description"));
        if (dateTimeOriginal.isPresent() || dateTimeRelativeMinutes.isPresent()) {
            locked.add("dateTimeOriginal");
        }
        timeZone.ifPresent(x -> locked.add("timeZone"));
        latitude.ifPresent(x -> locked.add("latitude"));
        longitude.ifPresent(x -> locked.add("longitude"));
        if (!(rating instanceof Change.Keep<Integer>)) {
            locked.add("rating");
        }
        return locked;
    }

    boolean touchesExif() {
        return !lockedProperties().isEmpty();
    }

    static AssetEdit parse(JsonNode body, String request) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(request + " needs a JSON object body");
        }
        Optional<Double> latitude = number(body, "latitude", -90, 90, request);
        Optional<Double> longitude = number(body, "longitude", -180, 180, request);
        JsonNode relative = body.get("dateTimeRelative");
        if (relative != null && !relative.isNull() && (!relative.isIntegralNumber() || !relative.canConvertToInt())) {
            throw ApiException.badRequest(request + ": dateTimeRelative must be a whole number of minutes, got " + relative);
        }
        if (relative != null && !relative.isNull() && body.hasNonNull("dateTimeOriginal")) {
            throw ApiException.badRequest(request + ": send dateTimeOriginal or dateTimeRelative, not both");
        }
        if (latitude.isPresent() != longitude.isPresent()) {
            throw ApiException.badRequest(request + ": latitude and longitude must be sent together");
        }
        return new AssetEdit(
                text(body, "description", request),
                text(body, "dateTimeOriginal", request).map(v -> UploadService.dateTime(v, "dateTimeOriginal")),
                relative == null || relative.isNull() ? Optional.empty() : Optional.of(relative.longValue()),
                text(body, "timeZone", request),
                latitude, longitude,
                change(body, "rating", request, n -> {
                    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < -1 || n.intValue() > 5 || n.intValue() == 0) {
                        throw ApiException.badRequest(request + ": rating must be 1 to 5, -1 (rejected) or null (unrated), got " + n);
                    }
                    return n.intValue();
                }),
                bool(body, "isFavorite", request),
                text(body, "visibility", request).map(v -> Asset.Visibility.parse(v, "visibility")),
                change(body, "livePhotoVideoId", request, n -> UploadService.uuid(n.asText(), "livePhotoVideoId")));
    }

    /** The {@code ids} of a bulk request, at least one. */
    static List<UUID> ids(JsonNode body, String request) {
        JsonNode ids = body == null ? null : body.get("ids");
        if (ids == null || !ids.isArray()) {
            throw ApiException.badRequest(request + " needs \"ids\": an array of asset ids");
        }
        List<UUID> out = new ArrayList<>();
        ids.forEach(n -> out.add(UploadService.uuid(n.asText(), "ids[" + out.size() + "]")));
        return out;
    }

    private static Optional<String> text(JsonNode body, String field, String request) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(request + ": " + field + " must be a string");
        }
        return Optional.of(n.asText());
    }

    private static Optional<Boolean> bool(JsonNode body, String field, String request) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest(request + ": " + field + " must be true or false");
        }
        return Optional.of(n.booleanValue());
    }

    private static Optional<Double> number(JsonNode body, String field, double min, double max, String request) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isNumber() || n.doubleValue() < min || n.doubleValue() > max) {
            throw ApiException.badRequest(request + ": " + field + " must be a number from " + min + " to " + max + ", got " + n);
        }
        return Optional.of(n.doubleValue());
    }

    private static <T> Change<T> change(JsonNode body, String field, String request,
                                        java.util.function.Function<JsonNode, T> parse) {
        if (!body.has(field)) {
            return new Change.Keep<>();
        }
        JsonNode n = body.get(field);
        return n.isNull() ? new Change.Clear<>() : new Change.Set<>(parse.apply(n));
    }
}
