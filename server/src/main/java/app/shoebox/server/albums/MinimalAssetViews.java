package app.shoebox.server.albums;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The fields of Immich's {@code AssetResponseDto} that its spec requires, read from the assets
 * table alone. Enough for album and stack answers to follow the contract; a fuller mapping replaces
 * it through {@link AssetViews}.
 */
public final class MinimalAssetViews implements AssetViews {

    /**
     * The required fields of {@code AssetResponseDto} in v3, plus v2's device ids (empty when the
     * upload carried none) and the MIME type clients look at.
     */
    public record AssetResponseDto(String id, String ownerId, String type, String originalPath, String originalFileName,
                                   String originalMimeType, String checksum, Instant fileCreatedAt,
                                   Instant fileModifiedAt, Instant localDateTime, Instant createdAt, Instant updatedAt,
                                   boolean isFavorite, boolean isArchived, boolean isTrashed, boolean isOffline,
                                   boolean isEdited, boolean hasMetadata, String visibility, Integer duration,
                                   Integer width, Integer height, String thumbhash, String livePhotoVideoId,
                                   String deviceAssetId, String deviceId) {}

    private static final RowMapper<AssetResponseDto> MAPPER = (rs, ctx) -> {
        byte[] thumbhash = rs.getBytes("thumbhash");
        String visibility = rs.getString("visibility");
        return new AssetResponseDto(rs.getString("id"), rs.getString("owner_id"), rs.getString("type"),
                rs.getString("original_path"), rs.getString("original_file_name"), rs.getString("mime_type"),
                Base64.getEncoder().encodeToString(rs.getBytes("checksum")),
                instant(rs.getTimestamp("file_created_at")), instant(rs.getTimestamp("file_modified_at")),
                instant(rs.getTimestamp("local_date_time")), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")), rs.getBoolean("is_favorite"), "archive".equals(visibility),
                "trashed".equals(rs.getString("status")), rs.getBoolean("is_offline"), rs.getBoolean("is_edited"),
                rs.getBoolean("has_metadata"), visibility, null,
                (Integer) rs.getObject("width"), (Integer) rs.getObject("height"),
                thumbhash == null ? null : Base64.getEncoder().encodeToString(thumbhash),
                rs.getString("live_photo_video_id"),
                rs.getString("device_asset_id"), rs.getString("device_id"));
    };

    private final Jdbi jdbi;

    public MinimalAssetViews(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public List<AssetResponseDto> of(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<AssetResponseDto> found = jdbi.withHandle(h -> h.createQuery("""
                        SELECT a.*, EXISTS (SELECT 1 FROM asset_exif e WHERE e.asset_id = a.id) AS has_metadata
                        FROM assets a WHERE a.id = ANY(:ids)""")
                .bindArray("ids", UUID.class, ids).map(MAPPER).list());
        Map<String, AssetResponseDto> byId = new HashMap<>();
        found.forEach(a -> byId.put(a.id(), a));
        return ids.stream().map(id -> byId.get(id.toString())).filter(Objects::nonNull).toList();
    }

    private static Instant instant(Timestamp t) {
        return t.toInstant();
    }
}
