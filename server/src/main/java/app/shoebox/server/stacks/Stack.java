package app.shoebox.server.stacks;

import java.util.List;
import java.util.UUID;

/** Assets shown as one (a burst, RAW+JPEG): the primary first, then the others by date. */
public record Stack(UUID id, UUID primaryAssetId, List<UUID> assetIds) {}
