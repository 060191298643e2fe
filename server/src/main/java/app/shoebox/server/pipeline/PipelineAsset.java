package app.shoebox.server.pipeline;

import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** What a pipeline step needs to know of an asset. Paths are relative to the library folder. */
public record PipelineAsset(UUID id, UUID ownerId, boolean video, String originalPath, String originalFileName,
                     Optional<String> sidecarPath, Instant fileCreatedAt) {

    /**
     * Whether the original is no longer where {@code seen} says: a storage-template move (or a
     * re-run racing one) took it away mid-read, so a "file not found" is not the file's fault.
     */
    static boolean movedSince(Jdbi jdbi, PipelineAsset seen) {
        return load(jdbi, seen.id()).map(now -> !now.originalPath().equals(seen.originalPath())).orElse(false);
    }

    /** The asset, unless it was deleted (trashed assets are still processed: they can be restored). */
    static Optional<PipelineAsset> load(Jdbi jdbi, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, owner_id, type, original_path, original_file_name, sidecar_path, file_created_at
                        FROM assets WHERE id = :id AND status <> 'deleted'""")
                .bind("id", id)
                .map((rs, ctx) -> new PipelineAsset(rs.getObject("id", UUID.class), rs.getObject("owner_id", UUID.class),
                        "VIDEO".equals(rs.getString("type")), rs.getString("original_path"),
                        rs.getString("original_file_name"), Optional.ofNullable(rs.getString("sidecar_path")),
                        rs.getTimestamp("file_created_at").toInstant()))
                .findOne());
    }
}
