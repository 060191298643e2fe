package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobOutcome;
import app.shoebox.server.storage.StorageMover;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.UUID;

/**
 * Moves an original where the storage template says (see {@link StorageMover} for why that is
 * safe). The move is idempotent, so a crash between the move and the completion re-runs it
 * harmlessly.
 */
final class StorageHandler implements AssetStep {

    private static final Logger log = LoggerFactory.getLogger(StorageHandler.class);

    private final StorageMover mover;
    private final Jdbi jdbi;

    StorageHandler(StorageMover mover, Jdbi jdbi) {
        this.mover = mover;
        this.jdbi = jdbi;
    }

    @Override
    public Result run(Input in) throws Exception {
        UUID id = in.asset().id();
        StorageMover.Outcome outcome;
        try {
            outcome = mover.move(id);
        } catch (IOException e) {
            return Result.ended(JobOutcome.retry("storage template move of asset " + id + " failed: " + e.getMessage()));
        }
        return switch (outcome) {
            case StorageMover.Outcome.Gone g -> Result.ended(JobOutcome.cancel("asset " + id + " was deleted"));
            case StorageMover.Outcome.Raced r -> Result.ended(JobOutcome.retry("asset " + id + " moved while this move ran"));
            case StorageMover.Outcome.Damaged d -> {
                // Trying again cannot help, but the asset is still there to be seen: it stays where
                // it is, with the reason on it, and goes on to the next step.
                log.warn("asset {}: not moved by the storage template: {}", id, d.reason());
                ProcessingErrors.record(jdbi, id, in.ctx().kind(), d.reason());
                yield new Result.Done(Writes.NONE, false);
            }
            case StorageMover.Outcome.Moved m -> Result.done(Writes.NONE);
            case StorageMover.Outcome.AlreadyInPlace p -> Result.done(Writes.NONE);
        };
    }
}
