package app.shoebox.client.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Typed calls to a Shoebox or Immich server (the shapes of Immich's OpenAPI spec, v2.7 and v3.1).
 * Every call goes through {@link Http}: the API key, retries of transient failures, idle timeouts.
 * Errors surface as {@link ApiException}, whose message is the server's {@code message}.
 */
public final class ApiClient implements AutoCloseable {

    /** One file to check: {@code id} is the caller's own and comes back in the result. */
    public record CheckItem(String id, String sha1Hex) {
    }

    /** The server's verdict: accept (it lacks the bytes), or reject with the asset it already has. */
    public record CheckResult(String id, boolean accept, Optional<String> reason, Optional<String> assetId, boolean isTrashed) {
    }

    /** A file's bytes to send. */
    public record FileBytes(String fileName, long size, String describe, MultipartBody.Opener opener) {
    }

    /**
     * An upload. {@code fileCreatedAt} carries the offset the timeline should show; {@code xmp} is
     * sent as Immich's {@code sidecarData}.
     */
    public record UploadRequest(FileBytes file, String sha1Hex, OffsetDateTime fileCreatedAt, OffsetDateTime fileModifiedAt,
                                boolean favorite, boolean archived, Optional<String> livePhotoVideoId, Optional<FileBytes> xmp) {
    }

    /** {@code created} false means the server already had the bytes (status 200, "duplicate"). */
    public record UploadResult(String assetId, boolean created, long serverNanos) {
    }

    /** What the server holds about an asset, as far as the uploader compares it. */
    public record AssetInfo(String id, Optional<Instant> dateTimeOriginal, Optional<Instant> fileCreatedAt,
                            Optional<Double> latitude, Optional<Double> longitude, String description, boolean favorite,
                            boolean archived, Optional<String> livePhotoVideoId) {
    }

    public record AlbumInfo(String id, String name) {
    }

    /** One queue's state, from either queue API. */
    public record QueueState(String name, boolean isPaused, long active, long waiting, long delayed, long paused, long failed) {
        /** Jobs not finished: what {@code --wait-for-jobs} waits for. */
        public long pending() {
            return active + waiting + delayed + paused;
        }
    }

    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final Http http;
    private final LongAdder bytesSent = new LongAdder();
    private volatile ServerInfo info;

    public ApiClient(Http http) {
        this.http = http;
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    public static ApiClient open(ServerAddress address, String apiKey, Http.Settings settings) {
        return new ApiClient(new Http(address, apiKey, settings, mapper()));
    }

    public Http http() {
        return http;
    }

    /** Body bytes handed to the connection so far (retries included), for rates. */
    public long bytesSent() {
        return bytesSent.sum();
    }

    /**
     * Asks who the server is and who the key belongs to: version, kind (Shoebox or Immich), media
     * types, user. The first call; a wrong URL or key fails here with what to fix.
     */
    public ServerInfo connect() {
        JsonNode v;
        try {
            // A wrong address should not take a minute of retries to say so: three quick tries.
            v = http.json("GET", "/server/version", null, new RetryPolicy(3, java.time.Duration.ofMillis(300),
                    java.time.Duration.ofSeconds(2)));
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw new ApiException(e.request(), 404, "no Immich-compatible API at " + http.address()
                        + "; give the server's address, e.g. http://host:2283", e);
            }
            throw e;
        }
        ServerInfo.Version version = new ServerInfo.Version(v.path("major").asInt(), v.path("minor").asInt(), v.path("patch").asInt());
        JsonNode me;
        try {
            me = http.json("GET", "/users/me", null, true);
        } catch (ApiException e) {
            if (e.status() == 401) {
                throw new ApiException(e.request(), 401, e.serverMessage() + " (check the API key)", e);
            }
            throw e;
        }
        ServerInfo.User user = new ServerInfo.User(me.path("id").asText(), me.path("email").asText(), me.path("name").asText(),
                me.path("isAdmin").asBoolean(false));
        JsonNode mt = http.json("GET", "/server/media-types", null, true);
        ServerInfo.MediaTypes types = ServerInfo.MediaTypes.of(strings(mt.path("image")), strings(mt.path("video")),
                strings(mt.path("sidecar")));
        ServerInfo.Kind kind = ServerInfo.Kind.IMMICH;
        try {
            JsonNode about = http.json("GET", "/server/about", null, true);
            if ("shoebox".equalsIgnoreCase(about.path("repository").asText())) {
                kind = ServerInfo.Kind.SHOEBOX;
            }
        } catch (ApiException e) {
            if (!e.isForbidden() && !e.isNotFound()) {
                throw e;
            }
            // A key without server.about: treated as Immich, whose calls Shoebox also answers.
        }
        info = new ServerInfo(version, kind, types, user);
        return info;
    }

    public ServerInfo info() {
        if (info == null) {
            throw new IllegalStateException("connect() first");
        }
        return info;
    }

    /** {@code POST /assets/bulk-upload-check}: which of these checksums the server lacks. */
    public List<CheckResult> bulkCheck(List<CheckItem> items) {
        ObjectNode body = http.mapper().createObjectNode();
        ArrayNode list = body.putArray("assets");
        for (CheckItem i : items) {
            list.addObject().put("id", i.id()).put("checksum", i.sha1Hex());
        }
        JsonNode r = http.json("POST", "/assets/bulk-upload-check", body, true);
        List<CheckResult> out = new ArrayList<>(items.size());
        for (JsonNode n : r.path("results")) {
            out.add(new CheckResult(n.path("id").asText(), "accept".equals(n.path("action").asText()),
                    text(n, "reason"), text(n, "assetId"), n.path("isTrashed").asBoolean(false)));
        }
        return out;
    }

    /**
     * {@code POST /assets}: the file streamed in a multipart body, with its SHA-1 in
     * {@code x-immich-checksum} so a server that already has it answers before the body.
     */
    public UploadResult upload(UploadRequest u) {
        ServerInfo server = info();
        MultipartBody body = new MultipartBody();
        if (server.wantsDeviceIds()) {
            body.field("deviceAssetId", u.file().fileName() + "-" + u.file().size()).field("deviceId", "shoebox-upload");
        }
        body.field("fileCreatedAt", ISO.format(u.fileCreatedAt())).field("fileModifiedAt", ISO.format(u.fileModifiedAt()))
                .field("filename", u.file().fileName());
        if (u.favorite()) {
            body.field("isFavorite", "true");
        }
        if (u.archived()) {
            body.field("visibility", "archive");
        }
        u.livePhotoVideoId().ifPresent(id -> body.field("livePhotoVideoId", id));
        u.xmp().ifPresent(x -> body.file("sidecarData", x.fileName(), x.size(), x.describe(), x.opener()));
        FileBytes f = u.file();
        body.file("assetData", f.fileName(), f.size(), f.describe(), f.opener());
        Http.Response r = http.send("POST", "/assets", exchange -> body.publisher(exchange, bytesSent),
                Map.of("content-type", body.contentType(), "x-immich-checksum", u.sha1Hex()), true);
        JsonNode n = http.parse("POST /assets", r);
        String id = n.path("id").asText("");
        if (id.isEmpty()) {
            throw new ApiException("POST /assets", r.status(), "the answer has no asset id: " + n, null);
        }
        return new UploadResult(id, r.status() == 201 || "created".equals(n.path("status").asText()), r.serverNanos());
    }

    public AssetInfo asset(String id) {
        JsonNode a = http.json("GET", "/assets/" + ServerAddress.segment(id), null, true);
        JsonNode exif = a.path("exifInfo");
        return new AssetInfo(a.path("id").asText(), instant(exif, "dateTimeOriginal"), instant(a, "fileCreatedAt"),
                number(exif, "latitude"), number(exif, "longitude"), exif.path("description").asText(""),
                a.path("isFavorite").asBoolean(false),
                a.path("isArchived").asBoolean(false) || "archive".equals(a.path("visibility").asText()),
                text(a, "livePhotoVideoId"));
    }

    /** {@code PUT /assets/{id}} with only the given fields ({@code UpdateAssetDto}). */
    public void updateAsset(String id, Map<String, Object> changes) {
        if (!changes.isEmpty()) {
            http.json("PUT", "/assets/" + ServerAddress.segment(id), changes, true);
        }
    }

    public List<AlbumInfo> albums() {
        return albumList(http.json("GET", "/albums", null, true));
    }

    /** The albums that hold an asset ({@code GET /albums?assetId=}). */
    public List<AlbumInfo> albumsOf(String assetId) {
        return albumList(http.json("GET", "/albums?assetId=" + ServerAddress.segment(assetId), null, true));
    }

    /**
     * {@code POST /albums}. Not retried: a lost answer could mean the album exists; the caller
     * looks for it before trying again.
     */
    public AlbumInfo createAlbum(String name, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("albumName", name);
        if (description != null && !description.isBlank()) {
            body.put("description", description);
        }
        JsonNode a = http.json("POST", "/albums", body, false);
        return new AlbumInfo(a.path("id").asText(), a.path("albumName").asText(name));
    }

    /** {@code PUT /albums/{id}/assets}; answers how many were added (the rest were already there). */
    public int addToAlbum(String albumId, List<String> assetIds) {
        JsonNode r = http.json("PUT", "/albums/" + ServerAddress.segment(albumId) + "/assets", Map.of("ids", assetIds), true);
        int added = 0;
        for (JsonNode n : r) {
            if (n.path("success").asBoolean(false)) {
                added++;
            } else if (!"duplicate".equals(n.path("error").asText())) {
                throw new ApiException("PUT /albums/" + albumId + "/assets", 200, "asset " + n.path("id").asText()
                        + " could not be added: " + n.path("error").asText() + " " + n.path("errorMessage").asText(""), null);
            }
        }
        return added;
    }

    /** {@code POST /stacks}: the first id becomes the stack's cover. */
    public String createStack(List<String> assetIds) {
        return http.json("POST", "/stacks", Map.of("assetIds", assetIds), true).path("id").asText();
    }

    /** Every queue with its counts, through the queue API this server has. Admin only. */
    public List<QueueState> queues() {
        List<QueueState> out = new ArrayList<>();
        if (info().queueApi() == ServerInfo.QueueApi.QUEUES) {
            for (JsonNode q : http.json("GET", "/queues", null, true)) {
                out.add(queue(q.path("name").asText(), q.path("isPaused").asBoolean(false), q.path("statistics")));
            }
        } else {
            http.json("GET", "/jobs", null, true).properties().forEach(e -> out.add(queue(e.getKey(),
                    e.getValue().path("queueStatus").path("isPaused").asBoolean(false), e.getValue().path("jobCounts"))));
        }
        return out;
    }

    /** Immich's plain pause or resume, through the queue API this server has. */
    public void setPaused(String queue, boolean paused) {
        String q = ServerAddress.segment(queue);
        if (info().queueApi() == ServerInfo.QueueApi.QUEUES) {
            http.json("PUT", "/queues/" + q, Map.of("isPaused", paused), true);
        } else {
            http.json("PUT", "/jobs/" + q, Map.of("command", paused ? "pause" : "resume", "force", false), true);
        }
    }

    /** Shoebox's pause lease ({@code PUT /queues/{name}/pause-lease}): taken or renewed. */
    public void takeLease(String queue, String holder, int ttlSeconds) {
        Map<String, Object> body = new HashMap<>();
        body.put("holder", holder);
        body.put("ttlSeconds", ttlSeconds);
        http.json("PUT", "/queues/" + ServerAddress.segment(queue) + "/pause-lease", body, true);
    }

    /** Ends this holder's lease; false when it had none (already expired). */
    public boolean releaseLease(String queue, String holder) {
        try {
            http.json("DELETE", "/queues/" + ServerAddress.segment(queue) + "/pause-lease/" + ServerAddress.segment(holder),
                    null, true);
            return true;
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    private static QueueState queue(String name, boolean paused, JsonNode c) {
        return new QueueState(name, paused, c.path("active").asLong(), c.path("waiting").asLong(), c.path("delayed").asLong(),
                c.path("paused").asLong(), c.path("failed").asLong());
    }

    private static List<AlbumInfo> albumList(JsonNode list) {
        List<AlbumInfo> out = new ArrayList<>();
        for (JsonNode a : list) {
            out.add(new AlbumInfo(a.path("id").asText(), a.path("albumName").asText()));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    private static Optional<Double> number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isNumber() ? Optional.empty() : Optional.of(v.asDouble());
    }

    private static Optional<Instant> instant(JsonNode n, String field) {
        return text(n, field).flatMap(s -> {
            try {
                return Optional.of(OffsetDateTime.parse(s).toInstant());
            } catch (DateTimeParseException e) {
                try {
                    return Optional.of(Instant.parse(s));
                } catch (DateTimeParseException e2) {
                    return Optional.empty();
                }
            }
        });
    }

    @Override
    public void close() {
        http.close();
    }
}
