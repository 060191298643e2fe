package app.shoebox.server.assets;

import org.jdbi.v3.core.Jdbi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The {@code AssetResponseDto}s that other features embed (albums, stacks, duplicate groups):
 * the same mapping as {@code GET /api/assets/{id}}, one query for any number of ids. Callers have
 * already decided the caller may see these assets.
 */
public final class AssetViews {

    private final Jdbi jdbi;

    public AssetViews(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The full views (EXIF included) of those of {@code ids} that {@code ownerId} owns and are not
     * deleted, in the order of {@code ids}: what live events carry.
     */
    public List<?> ofOwner(UUID ownerId, List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<AssetRepository.WithExif> rows = jdbi.withHandle(h -> h.createQuery("SELECT a.*, " + AssetRepository.EXIF_COLUMNS
                        + " FROM assets a LEFT JOIN asset_exif e ON e.asset_id = a.id"
                        + " WHERE a.id = ANY(:ids) AND a.owner_id = :owner AND a.status <> 'deleted'")
                .bindArray("ids", UUID.class, ids).bind("owner", ownerId).map(AssetRepository.WITH_EXIF).list());
        Map<UUID, AssetDtos.AssetResponseDto> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.asset().id(), AssetDtos.AssetResponseDto.of(r, true)));
        return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
    }

    /** One view per id that exists (deleted assets are left out), in the order of {@code ids}. */
    public List<?> of(List<UUID> ids) {
        return of(ids, false);
    }

    /** As {@link #of(List)}, each with its {@code exifInfo} (as Immich embeds a stack's assets). */
    public List<?> withExif(List<UUID> ids) {
        return of(ids, true);
    }

    private List<?> of(List<UUID> ids, boolean withExif) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<AssetRepository.WithExif> rows = jdbi.withHandle(h -> h.createQuery("SELECT a.*, " + AssetRepository.EXIF_COLUMNS
                        + " FROM assets a LEFT JOIN asset_exif e ON e.asset_id = a.id WHERE a.id = ANY(:ids) AND a.status <> 'deleted'")
                .bindArray("ids", UUID.class, ids).map(AssetRepository.WITH_EXIF).list());
        Map<UUID, AssetDtos.AssetResponseDto> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.asset().id(), AssetDtos.AssetResponseDto.of(r, withExif)));
        return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
    }
}
