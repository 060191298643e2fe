package app.shoebox.server.albums;

import java.util.List;
import java.util.UUID;

/**
 * The {@code AssetResponseDto}s that albums and stacks embed. An interface so that the assets
 * feature's full mapping (EXIF, people, tags) can take the place of {@link MinimalAssetViews}
 * without touching albums or stacks.
 */
@FunctionalInterface
public interface AssetViews {

    /** One JSON-serialisable view per id that exists, in the order of {@code ids}. */
    List<?> of(List<UUID> ids);
}
