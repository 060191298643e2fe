package app.shoebox.server.assets;

import app.shoebox.media.FileType;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.LogText;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Takes an upload from the request stream to a catalogued original: streamed to a temp file in the
 * library while hashed, type checked, compared with the owner's checksums, fsynced, renamed into
 * place, and the row committed together with the {@link AssetCreatedHook}. Any failure removes the
 * files it made; the unique index on (owner, checksum) settles concurrent uploads of the same bytes.
 */
public final class UploadService {

    /** What happened to an upload. */
    public sealed interface Outcome {
        UUID id();

        record Created(UUID id) implements Outcome {}

        /** The owner already has these bytes (possibly in the trash) under {@code id}. */
        record Duplicate(UUID id) implements Outcome {}
    }

    private static final int MAX_FILE_NAME_LENGTH = 255;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UploadService.class);

    private final Jdbi jdbi;
    private final AssetFiles files;
    private final AssetCreatedHook hook;
    private final long maxUploadBytes;

    public UploadService(Jdbi jdbi, AssetFiles files, AssetCreatedHook hook, long maxUploadBytes) {
        this.jdbi = jdbi;
        this.files = files;
        this.hook = hook;
        this.maxUploadBytes = maxUploadBytes;
    }

    /** The early answer to {@code x-immich-checksum}: the owner's asset with these bytes, if any. */
    public Optional<UUID> duplicateOf(UUID ownerId, String checksumHeader) {
        byte[] checksum = Checksums.require(checksumHeader, "header x-immich-checksum");
        Optional<UUID> existing = jdbi.withHandle(h -> AssetRepository.findByChecksum(h, ownerId, checksum))
                .map(AssetRepository.Existing::id);
        existing.ifPresent(id -> log.info("upload by user {}: duplicate of asset {} (known by its checksum header; body not read)",
                ownerId, id));
        return existing;
    }

    /**
     * Reads a {@code multipart/form-data} upload from {@code body} and stores it for {@code ownerId}.
     * Every upload leaves one line in the log: the file, its size, the user, and what became of it.
     *
     * @param contentLength the declared body length, when the client declared one (checked before reading)
     */
    public Outcome upload(UUID ownerId, InputStream body, String contentType, OptionalLong contentLength) {
        Seen seen = new Seen();
        try {
            Outcome outcome = receive(ownerId, body, contentType, contentLength, seen);
            switch (outcome) {
                case Outcome.Created c -> log.info("upload {} by user {}: created asset {}", seen, ownerId, c.id());
                case Outcome.Duplicate d -> log.info("upload {} by user {}: duplicate of asset {}", seen, ownerId, d.id());
            }
            return outcome;
        } catch (ApiException e) {
            log.info("upload {} by user {}: refused ({}): {}", seen, ownerId, e.status(), e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            log.warn("upload {} by user {}: failed: {}", seen, ownerId, e.toString());
            throw e;
        }
    }

    /** What is known of an upload so far, for its log line. */
    private static final class Seen {
        String name;
        long size = -1;
        long declared = -1;

        @Override
        public String toString() {
            String n = name == null ? "(no file yet)" : name;
            return n + (size >= 0 ? " (" + size + " bytes)" : declared >= 0 ? " (body of " + declared + " bytes declared)" : "");
        }
    }

    private Outcome receive(UUID ownerId, InputStream body, String contentType, OptionalLong contentLength, Seen seen) {
        contentLength.ifPresent(n -> seen.declared = n);
        if (contentLength.isPresent() && contentLength.getAsLong() > maxUploadBytes) {
            throw UploadStream.tooLarge(maxUploadBytes);
        }
        try (UploadStream.Received received = UploadStream.read(body, contentType, maxUploadBytes, files)) {
            UploadStream.FilePart file = received.file(UploadStream.ASSET_PART).orElseThrow(() -> ApiException.badRequest(
                    "upload has no file part named 'assetData'; send the file as the multipart part assetData"));
            seen.name = safeFileName(received.fieldToClean("filename").orElse(file.clientFileName()));
            seen.size = file.size();
            Fields fields = Fields.of(received);
            String fileName = seen.name;
            FileType type = switch (FileType.detect(fileName, file.head())) {
                case FileType.Detection.Accepted a -> a.type();
                case FileType.Detection.Refused r -> throw ApiException.badRequest(r.reason());
            };
            Optional<AssetRepository.Existing> existing = jdbi.withHandle(h -> AssetRepository.findByChecksum(h, ownerId, file.sha1()));
            if (existing.isPresent()) {
                return new Outcome.Duplicate(existing.get().id());
            }
            fields.livePhotoVideoId().ifPresent(v -> requireOwnedVideo(ownerId, v));
            return store(ownerId, file, received.file(UploadStream.SIDECAR_PART).filter(s -> s.size() > 0), fields, fileName, type);
        }
    }

    private Outcome store(UUID ownerId, UploadStream.FilePart file, Optional<UploadStream.FilePart> sidecar,
                          Fields fields, String fileName, FileType type) {
        UUID id = UUID.randomUUID();
        // The extension on disk comes from the closed list of the detected type, never from the request.
        String extension = FileType.extension(fileName).filter(type.extensions()::contains).orElse(type.extensions().getFirst());
        String originalPath = AssetFiles.originalPath(ownerId, id, extension);
        Optional<String> sidecarPath = sidecar.map(s -> AssetFiles.sidecarPath(originalPath));
        Instant now = Instant.now();
        Asset asset = new Asset(id, ownerId, Asset.Type.of(type.kind()), Asset.Status.ACTIVE,
                fields.deviceAssetId(), fields.deviceId(), originalPath, fileName, sidecarPath, type.mimeType(),
                file.sha1(), file.size(), fields.fileCreatedAt().toInstant(), fields.fileModifiedAt(),
                fields.fileCreatedAt().toLocalDateTime().toInstant(ZoneOffset.UTC), now, now, Optional.empty(),
                fields.isFavorite(), fields.visibility(), fields.durationMillis(), Optional.empty(), Optional.empty(),
                Optional.empty(), fields.livePhotoVideoId(), Optional.empty(), false, false, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        List<String> placed = new ArrayList<>();
        try {
            files.moveIntoPlace(file.temp(), originalPath);
            placed.add(originalPath);
            if (sidecar.isPresent()) {
                files.moveIntoPlace(sidecar.get().temp(), sidecarPath.orElseThrow());
                placed.add(sidecarPath.orElseThrow());
            }
            jdbi.useTransaction(tx -> {
                AssetRepository.insert(tx, asset);
                asset.livePhotoVideoId().ifPresent(v -> AssetRepository.hideMotionPart(tx, ownerId, v));
                hook.onCreated(tx, asset);
            });
            return new Outcome.Created(id);
        } catch (UnableToExecuteStatementException e) {
            placed.forEach(p -> files.deleteQuietly(files.resolve(p)));
            if (isChecksumConflict(e)) {
                // Another upload of the same bytes committed first.
                return jdbi.withHandle(h -> AssetRepository.findByChecksum(h, ownerId, file.sha1()))
                        .<Outcome>map(x -> new Outcome.Duplicate(x.id())).orElseThrow(() -> e);
            }
            throw e;
        } catch (IOException e) {
            placed.forEach(p -> files.deleteQuietly(files.resolve(p)));
            throw new UncheckedIOException("cannot move the upload of " + fileName + " into " + files.root() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            placed.forEach(p -> files.deleteQuietly(files.resolve(p)));
            throw e;
        }
    }

    private void requireOwnedVideo(UUID ownerId, UUID videoId) {
        boolean ok = jdbi.withHandle(h -> AssetRepository.findOwned(h, ownerId, videoId))
                .filter(a -> a.type() == Asset.Type.VIDEO).isPresent();
        if (!ok) {
            throw ApiException.badRequest("livePhotoVideoId " + videoId + " is not one of your videos; upload the video first");
        }
    }

    private static boolean isChecksumConflict(UnableToExecuteStatementException e) {
        return e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())
                && String.valueOf(s.getMessage()).contains("assets_owner_checksum_key");
    }

    /**
     * The name to keep in the catalogue: the last path segment only (a client may send a path, or
     * {@code ../}), without control or invisible formatting characters, at most 255 characters.
     */
    static String safeFileName(String raw) {
        String base = raw;
        int slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
        if (slash >= 0) {
            base = base.substring(slash + 1);
        }
        StringBuilder clean = new StringBuilder();
        base.codePoints()
                .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .forEach(clean::appendCodePoint);
        String name = clean.toString().strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return "unnamed";
        }
        if (name.codePointCount(0, name.length()) > MAX_FILE_NAME_LENGTH) {
            Optional<String> ext = FileType.extension(name).filter(e -> e.length() < 16);
            int keep = MAX_FILE_NAME_LENGTH - ext.map(String::length).orElse(0);
            name = name.substring(0, name.offsetByCodePoints(0, keep)) + ext.orElse("");
        }
        return name;
    }

    /** The form fields of an upload, validated. */
    record Fields(OffsetDateTime fileCreatedAt, Instant fileModifiedAt, String deviceAssetId, String deviceId,
                  Optional<Integer> durationMillis, boolean isFavorite, Asset.Visibility visibility,
                  Optional<UUID> livePhotoVideoId) {

        static Fields of(UploadStream.Received r) {
            OffsetDateTime created = dateTime(r.field("fileCreatedAt").orElseThrow(() -> missing("fileCreatedAt")), "fileCreatedAt");
            Instant modified = dateTime(r.field("fileModifiedAt").orElseThrow(() -> missing("fileModifiedAt")), "fileModifiedAt").toInstant();
            return new Fields(created, modified,
                    r.field("deviceAssetId").orElse(""), r.field("deviceId").orElse(""),
                    r.field("duration").flatMap(UploadService::durationMillis),
                    r.field("isFavorite").map(v -> bool(v, "isFavorite")).orElse(false),
                    r.field("visibility").map(v -> Asset.Visibility.parse(v, "visibility")).orElse(Asset.Visibility.TIMELINE),
                    r.field("livePhotoVideoId").map(v -> uuid(v, "livePhotoVideoId")));
        }

        private static ApiException missing(String field) {
            return ApiException.badRequest("upload has no '" + field + "' field; it is required (an ISO-8601 date such as 2024-01-01T00:00:00.000Z)");
        }
    }

    /**
     * ISO-8601 with an offset, or without one (read as UTC), in years 1 to 9999 both as written and
     * in UTC: what four-digit ISO dates can say, what every client can print, and well inside
     * what PostgreSQL stores (which would otherwise fail the request with a 500).
     */
    static OffsetDateTime dateTime(String value, String field) {
        OffsetDateTime parsed;
        try {
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(value.strip());
            parsed = t.isSupported(ChronoField.OFFSET_SECONDS) ? OffsetDateTime.from(t) : LocalDateTime.from(t).atOffset(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            throw ApiException.badRequest(field + " must be an ISO-8601 date and time such as 2024-01-01T00:00:00.000Z, got '"
                    + LogText.safe(value, 100) + "'");
        }
        int utcYear = parsed.atZoneSameInstant(ZoneOffset.UTC).getYear();
        if (parsed.getYear() < 1 || parsed.getYear() > 9999 || utcYear < 1 || utcYear > 9999) {
            throw ApiException.badRequest(field + " must be between 0001-01-01 and 9999-12-31, got '" + LogText.safe(value, 100) + "'");
        }
        return parsed;
    }

    /** Immich v3 sends milliseconds; v2 clients send {@code H:MM:SS.ffffff}. Zero means none. */
    static Optional<Integer> durationMillis(String value) {
        String v = value.strip();
        try {
            long ms;
            if (v.contains(":")) {
                String[] p = v.split(":");
                if (p.length != 3) {
                    throw new NumberFormatException();
                }
                ms = Math.round((Long.parseLong(p[0]) * 3600 + Long.parseLong(p[1]) * 60 + Double.parseDouble(p[2])) * 1000);
            } else {
                ms = Math.round(Double.parseDouble(v));
            }
            if (ms < 0 || ms > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return ms == 0 ? Optional.empty() : Optional.of((int) ms);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("duration must be milliseconds or H:MM:SS.ffffff, got '" + value + "'");
        }
    }

    static boolean bool(String value, String field) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(field + " must be true or false, got '" + value + "'");
        };
    }

    static UUID uuid(String value, String field) {
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + " must be a UUID, got '" + value + "'");
        }
    }
}
