package app.shoebox.server.assets;

import app.shoebox.media.MediaKind;
import app.shoebox.server.http.ApiException;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * One row of {@code assets}: an original file in the library and what the catalogue knows of it.
 * Paths are relative to the library folder, except those of an external library's files
 * ({@code libraryId} set), which are absolute and stay where the user keeps them.
 */
public record Asset(UUID id, UUID ownerId, Type type, Status status, String deviceAssetId, String deviceId,
                    String originalPath, String originalFileName, Optional<String> sidecarPath, String mimeType,
                    byte[] checksum, long fileSize, Instant fileCreatedAt, Instant fileModifiedAt,
                    Instant localDateTime, Instant createdAt, Instant updatedAt, Optional<Instant> deletedAt,
                    boolean isFavorite, Visibility visibility, Optional<Integer> durationMillis,
                    Optional<Integer> width, Optional<Integer> height, Optional<byte[]> thumbhash,
                    Optional<UUID> livePhotoVideoId, Optional<UUID> stackId, boolean isOffline, boolean isEdited,
                    Optional<String> thumbnailPath, Optional<String> previewPath, Optional<UUID> duplicateId,
                    Optional<UUID> libraryId) {

    /** Immich's {@code AssetTypeEnum}. */
    public enum Type {
        IMAGE, VIDEO, AUDIO, OTHER;

        static Type of(MediaKind kind) {
            return switch (kind) {
                case IMAGE -> IMAGE;
                case VIDEO -> VIDEO;
            };
        }

        static Type parse(String value, String field) {
            return parseEnum(Type.class, value.toUpperCase(Locale.ROOT), field);
        }
    }

    /** Whether the asset is in the timeline, in the trash, or being removed for good. */
    public enum Status {
        ACTIVE, TRASHED, DELETED;

        String dbName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Immich's {@code AssetVisibility}; the wire name is the lower-case constant name. */
    public enum Visibility {
        ARCHIVE, TIMELINE, HIDDEN, LOCKED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Visibility parse(String value, String field) {
            return parseEnum(Visibility.class, value.toUpperCase(Locale.ROOT), field);
        }
    }

    public boolean isTrashed() {
        return status != Status.ACTIVE;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            String allowed = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList().toString();
            throw ApiException.badRequest(field + " must be one of " + allowed + ", got '" + value + "'");
        }
    }
}
