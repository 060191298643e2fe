package app.shoebox.server.assets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** The JSON shapes of Immich's OpenAPI spec (v3.1.0) that the asset endpoints answer with. */
final class AssetDtos {

    private AssetDtos() {
    }

    record AssetMediaResponseDto(String id, String status) {}

    record AssetBulkUploadCheckResult(String id, String action,
                                      @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
                                      @JsonInclude(JsonInclude.Include.NON_NULL) String assetId,
                                      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean isTrashed) {}

    record AssetBulkUploadCheckResponseDto(List<AssetBulkUploadCheckResult> results) {}

    record AssetStatsResponseDto(long images, long videos, long total) {}

    record ExifResponseDto(String make, String model, String lensModel, String exposureTime,
                           @JsonProperty("fNumber") Double fNumber, Integer iso, Double focalLength,
                           Integer exifImageWidth, Integer exifImageHeight, Long fileSizeInByte, String orientation,
                           Instant dateTimeOriginal, Instant modifyDate, String timeZone, Double latitude,
                           Double longitude, String city, String state, String country, String description,
                           Integer rating, String projectionType) {

        static ExifResponseDto of(Exif e) {
            return new ExifResponseDto(e.make(), e.model(), e.lensModel(), e.exposureTime(), e.fNumber(), e.iso(),
                    e.focalLength(), e.exifImageWidth(), e.exifImageHeight(), e.fileSizeInByte(), e.orientation(),
                    e.dateTimeOriginal(), e.modifyDate(), e.timeZone(), e.latitude(), e.longitude(), e.city(), e.state(),
                    e.country(), e.description(), e.rating(), e.projectionType());
        }

        /** What the catalogue knows before metadata extraction ran: the file size. */
        static ExifResponseDto empty(Asset a) {
            return new ExifResponseDto(null, null, null, null, null, null, null, null, null, a.fileSize(), null,
                    null, null, null, null, null, null, null, null, "", null, null);
        }
    }

    /** Immich's {@code AssetResponseDto}; {@code exifInfo} only when asked for (left out otherwise, as Immich does). */
    record AssetResponseDto(String id, String ownerId, String deviceAssetId, String deviceId, String type,
                            String originalPath, String originalFileName,
                            String originalMimeType, String checksum, Instant createdAt, Instant fileCreatedAt,
                            Instant fileModifiedAt, Instant localDateTime, Instant updatedAt, boolean isFavorite,
                            boolean isArchived, boolean isTrashed, boolean isOffline, boolean isEdited,
                            String visibility, Integer duration, Integer width, Integer height, String thumbhash,
                            boolean hasMetadata, String livePhotoVideoId, String libraryId, String duplicateId,
                            Object stack, boolean resized, List<Object> people, List<Object> tags,
                            @JsonInclude(JsonInclude.Include.NON_NULL) ExifResponseDto exifInfo,
                            @JsonRawValue String processingErrors) {

        /** With {@code stack}: Immich's {@code AssetStackResponseDto}, or null for an asset in no stack. */
        AssetResponseDto withStack(AssetStackResponseDto stack) {
            return new AssetResponseDto(id, ownerId, deviceAssetId, deviceId, type, originalPath, originalFileName,
                    originalMimeType, checksum, createdAt, fileCreatedAt, fileModifiedAt, localDateTime, updatedAt, isFavorite,
                    isArchived, isTrashed, isOffline, isEdited, visibility, duration, width, height, thumbhash, hasMetadata,
                    livePhotoVideoId, libraryId, duplicateId, stack, resized, people, tags, exifInfo, processingErrors);
        }

        static AssetResponseDto of(AssetRepository.WithExif row, boolean withExif) {
            Asset a = row.asset();
            ExifResponseDto exif = withExif ? row.exif().map(ExifResponseDto::of).orElseGet(() -> ExifResponseDto.empty(a)) : null;
            return new AssetResponseDto(a.id().toString(), a.ownerId().toString(), a.deviceAssetId(), a.deviceId(),
                    a.type().name(), a.originalPath(),
                    a.originalFileName(), a.mimeType(), Checksums.base64(a.checksum()), a.createdAt(), a.fileCreatedAt(),
                    a.fileModifiedAt(), a.localDateTime(), a.updatedAt(), a.isFavorite(),
                    a.visibility() == Asset.Visibility.ARCHIVE, a.isTrashed(), a.isOffline(), a.isEdited(),
                    a.visibility().wireName(), a.durationMillis().orElse(null), a.width().orElse(null),
                    a.height().orElse(null), a.thumbhash().map(t -> Base64.getEncoder().encodeToString(t)).orElse(null),
                    row.exif().isPresent(), a.livePhotoVideoId().map(Object::toString).orElse(null),
                    a.libraryId().map(Object::toString).orElse(null),
                    a.duplicateId().map(Object::toString).orElse(null), null, a.thumbnailPath().isPresent(), List.of(),
                    List.of(), exif, row.processingErrorsJson());
        }
    }

    /** Immich's {@code AssetStackResponseDto}: the stack an asset is in, as {@code GET /assets/{id}} shows it. */
    record AssetStackResponseDto(String id, String primaryAssetId, long assetCount) {}

    record SearchFacetResponseDto(String fieldName, List<Object> counts) {}

    record SearchAlbumResponseDto(long total, int count, List<Object> items, List<SearchFacetResponseDto> facets) {}

    record SearchAssetResponseDto(long total, int count, List<AssetResponseDto> items,
                                  List<SearchFacetResponseDto> facets, String nextPage) {}

    record SearchResponseDto(SearchAlbumResponseDto albums, SearchAssetResponseDto assets) {}
}
