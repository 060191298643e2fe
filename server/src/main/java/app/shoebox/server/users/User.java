package app.shoebox.server.users;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A user of the library. */
public record User(UUID id, String email, String name, boolean isAdmin, boolean shouldChangePassword,
                   Optional<String> storageLabel, Optional<Long> quotaSizeInBytes,
                   Instant createdAt, Instant updatedAt, Instant profileChangedAt) {
}
