package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobError;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.jobs.JobStoreException;
import app.shoebox.media.MediaException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * A step's failure for good, kept on the asset so the user sees why it has no thumbnail or date
 * (the job keeps the same reason in the queue API). A later success of that step clears it.
 * {@link StepFailures} records them; handlers only say what went wrong.
 */
final class ProcessingErrors {

    private static final Logger log = LoggerFactory.getLogger(ProcessingErrors.class);

    private ProcessingErrors() {
    }

    /**
     * What a media failure means for the job: a file that moved mid-read (a storage-template move)
     * is tried again, a permanent failure (corrupt, truncated, empty) is discarded, anything else
     * (I/O, a tool's time limit) is retried. The reason names the original's file name.
     */
    static JobOutcome of(Jdbi jdbi, JobContext ctx, PipelineAsset asset, MediaException e) {
        String reason = asset.originalFileName() + ": " + e.getMessage();
        if (PipelineAsset.movedSince(jdbi, asset)) {
            return JobOutcome.retry("the original moved while it was read: " + reason);
        }
        return e.permanent() ? JobOutcome.discard(reason) : JobOutcome.retry(reason);
    }

    /**
     * Keeps {@code reason} on the asset for {@code step}, cleaned of what the database refuses (NUL,
     * control characters). If the database still refuses it as bad data, a reason saying so is kept
     * instead: the failure is never lost for want of a printable message.
     */
    static void record(Jdbi jdbi, UUID assetId, String step, String reason) {
        try {
            insert(jdbi, assetId, step, JobError.clean(reason));
        } catch (UnableToExecuteStatementException e) {
            String sqlState = JobStoreException.badDataSqlState(e).orElseThrow(() -> e);
            log.warn("asset {}: the reason of its failed step {} was refused as bad data (SQLSTATE {}): {}",
                    assetId, step, sqlState, JobError.clean(reason));
            insert(jdbi, assetId, step, "the reason could not be stored (the database refused it as bad data, SQLSTATE "
                    + sqlState + "); the worker's log has it");
        }
    }

    private static void insert(Jdbi jdbi, UUID assetId, String step, String reason) {
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
