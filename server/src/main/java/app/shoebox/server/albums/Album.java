package app.shoebox.server.albums;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** An album with the figures its answers carry; dates are absent while it holds no asset. */
public record Album(UUID id, UUID ownerId, String name, String description, Optional<UUID> thumbnailAssetId,
                    boolean activityEnabled, Order order, Instant createdAt, Instant updatedAt, long assetCount,
                    Optional<Instant> startDate, Optional<Instant> endDate, Optional<Instant> lastModifiedAssetTimestamp) {

    /** How the album's assets are sorted by date (Immich's {@code AssetOrder}). */
    public enum Order {
        ASC, DESC;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Order> fromWireName(String name) {
            return switch (name) {
                case "asc" -> Optional.of(ASC);
                case "desc" -> Optional.of(DESC);
                default -> Optional.empty();
            };
        }
    }
}
