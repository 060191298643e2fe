package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.media.MediaException;
import org.jdbi.v3.core.Jdbi;

import java.util.UUID;

/**
 * A step's permanent failure, kept on the asset so the user sees why it has no thumbnail or date
 * (the job keeps the same reason in the queue API). A later success of that step clears it.
 */
final class ProcessingErrors {

    private ProcessingErrors() {
    }

    /** Fails the step for good: the reason goes on the asset and on the discarded job. */
    static JobOutcome discard(Jdbi jdbi, JobContext ctx, UUID assetId, String reason) {
        record(jdbi, assetId, ctx.kind(), reason);
        return JobOutcome.discard(reason);
    }

    /**
     * What a media failure means for the job: a file that moved mid-read (a storage-template move)
     * is tried again, a permanent failure (corrupt, truncated, empty) is discarded with its reason
     * on the asset, anything else (I/O, a tool's time limit) is retried.
     */
    static JobOutcome of(Jdbi jdbi, JobContext ctx, PipelineAsset asset, MediaException e) {
        String reason = asset.originalFileName() + ": " + e.getMessage();
        if (PipelineAsset.movedSince(jdbi, asset)) {
            return JobOutcome.retry("the original moved while it was read: " + reason);
        }
        return e.permanent() ? discard(jdbi, ctx, asset.id(), reason) : JobOutcome.retry(reason);
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
