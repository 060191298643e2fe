package app.shoebox.server.tags;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A tag: {@code value} is its full path ("Travel/2024/Rome"), {@code name} the last part. */
public record Tag(UUID id, String value, Optional<UUID> parentId, Optional<String> color, Instant createdAt,
                  Instant updatedAt) {

    public String name() {
        return value.substring(value.lastIndexOf('/') + 1);
    }
}
