package app.shoebox.server.libraries;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** An external library: folders of one user's photos, indexed where they are. */
public record Library(UUID id, UUID ownerId, String name, List<String> importPaths, List<String> exclusionPatterns,
                      boolean followOutsideSymlinks, Instant createdAt, Instant updatedAt, Optional<Instant> refreshedAt) {

    public Library {
        importPaths = List.copyOf(importPaths);
        exclusionPatterns = List.copyOf(exclusionPatterns);
    }

    /** The import paths as paths (each absolute, as validation demanded when it was set). */
    public List<Path> roots() {
        return importPaths.stream().map(Path::of).toList();
    }
}
