package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobHandler;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.server.storage.StorageMover;

import java.io.IOException;
import java.util.UUID;

/**
 * Moves an original where the storage template says (see {@link StorageMover} for why that is
 * safe), then queues its thumbnails. The move is idempotent, so a crash between the move and the
 * completion re-runs it harmlessly.
 */
final class StorageHandler implements JobHandler {

    private final StorageMover mover;
    private final JobClient jobs;

    StorageHandler(StorageMover mover, JobClient jobs) {
        this.mover = mover;
        this.jobs = jobs;
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
            case StorageMover.Outcome.Moved m -> { }
            case StorageMover.Outcome.AlreadyInPlace p -> { }
        }
        ctx.completeInTransaction(tx -> AssetJobs.next(jobs, tx, AssetJobs.GENERATE_THUMBNAILS, id));
        return JobOutcome.complete();
    }
}
