package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobHandler;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.server.storage.StorageMover;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.UUID;

/**
 * Moves an original where the storage template says (see {@link StorageMover} for why that is
 * safe), then queues its thumbnails. The move is idempotent, so a crash between the move and the
 * completion re-runs it harmlessly.
 */
final class StorageHandler implements JobHandler {

    private static final Logger log = LoggerFactory.getLogger(StorageHandler.class);

    private final StorageMover mover;
    private final JobClient jobs;
    private final Jdbi jdbi;

    StorageHandler(StorageMover mover, JobClient jobs, Jdbi jdbi) {
        this.mover = mover;
        this.jobs = jobs;
        this.jdbi = jdbi;
    }

    @Override
    public JobOutcome handle(JobContext ctx) throws Exception {
        UUID id = AssetJobs.assetId(ctx);
        StorageMover.Outcome outcome;
        try {
            outcome = mover.move(id);
        } catch (IOException e) {
            return JobOutcome.retry("storage template move of asset " + id + " failed: " + e.getMessage());
        }
        switch (outcome) {
            case StorageMover.Outcome.Gone g -> {
                return JobOutcome.cancel("asset " + id + " was deleted");
            }
            case StorageMover.Outcome.Raced r -> {
                return JobOutcome.retry("asset " + id + " moved while this move ran");
            }
            case StorageMover.Outcome.Damaged d -> {
                // Trying again cannot help, but the asset is still there to be seen: it stays where
                // it is, with the reason on it, and goes on to its thumbnails.
                log.warn("asset {}: not moved by the storage template: {}", id, d.reason());
                ProcessingErrors.record(jdbi, id, ctx.kind(), d.reason());
            }
            case StorageMover.Outcome.Moved m -> { }
            case StorageMover.Outcome.AlreadyInPlace p -> { }
        }
        boolean placed = !(outcome instanceof StorageMover.Outcome.Damaged);
        ctx.completeInTransaction(tx -> {
            if (placed) {
                ProcessingErrors.clear(tx, id, ctx.kind());
            }
            AssetJobs.next(jobs, tx, AssetJobs.GENERATE_THUMBNAILS, id);
        });
        return JobOutcome.complete();
    }
}
