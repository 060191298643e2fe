package app.shoebox.server.pipeline;

import org.jdbi.v3.core.Jdbi;

import java.util.UUID;

/**
 * A step's permanent failure, kept on the asset so the user sees why it has no thumbnail or date
 * (the job keeps the same reason in the queue API). A later success of that step clears it.
 */
final class ProcessingErrors {

    private ProcessingErrors() {
    }

    static void record(Jdbi jdbi, UUID assetId, String step, String reason) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO asset_processing_errors (asset_id, step, reason) VALUES (:id, :step, :reason)
                        ON CONFLICT (asset_id, step) DO UPDATE SET reason = EXCLUDED.reason, failed_at = now()""")
                .bind("id", assetId).bind("step", step).bind("reason", reason).execute());
    }

    static void clear(java.sql.Connection tx, UUID assetId, String step) throws java.sql.SQLException {
        try (var ps = tx.prepareStatement("DELETE FROM asset_processing_errors WHERE asset_id = ? AND step = ?")) {
            ps.setObject(1, assetId);
            ps.setString(2, step);
            ps.executeUpdate();
        }
    }
}
