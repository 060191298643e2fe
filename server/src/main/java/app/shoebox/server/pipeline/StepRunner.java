package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobHandler;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.media.FileType;
import org.jdbi.v3.core.Jdbi;

import java.util.Optional;
import java.util.UUID;

/**
 * Runs one row of the pipeline table as a job handler: the preamble every step shares (load the
 * asset, cancel if it was deleted, check its type), the step, then one transaction holding the
 * step's writes, the clearing of its old failure and the enqueue of the next row's step. So no crash
 * leaves an asset done with one step and not queued for the next.
 */
final class StepRunner implements JobHandler {

    private final Jdbi jdbi;
    private final JobClient jobs;
    private final PipelineStep row;
    private final AssetStep step;
    private final Optional<PipelineStep> next;

    StepRunner(Jdbi jdbi, JobClient jobs, PipelineStep row, AssetStep step, Optional<PipelineStep> next) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.row = row;
        this.step = step;
        this.next = next;
    }

    @Override
    public JobOutcome handle(JobContext ctx) throws Exception {
        UUID id = AssetJobs.assetId(ctx);
        Optional<PipelineAsset> found = PipelineAsset.load(jdbi, id);
        if (found.isEmpty()) {
            return JobOutcome.cancel("asset " + id + " was deleted");
        }
        PipelineAsset asset = found.get();
        Optional<FileType> type = FileType.fromFileName(asset.originalPath());
        if (row.typeCheck().isPresent() && type.isEmpty()) {
            return JobOutcome.discard("cannot " + row.typeCheck().get() + " " + asset.originalFileName() + ": unknown file type");
        }
        return switch (step.run(new AssetStep.Input(ctx, asset, type))) {
            case AssetStep.Result.Ended e -> e.outcome();
            case AssetStep.Result.Done d -> {
                ctx.completeInTransaction(tx -> {
                    d.writes().write(tx);
                    if (d.clearsFailure()) {
                        ProcessingErrors.clear(tx, id, ctx.kind());
                    }
                    if (next.isPresent()) {
                        jobs.insert(tx, next.get().request(id, AssetJobs.UPLOAD_PRIORITY));
                    }
                });
                yield JobOutcome.complete();
            }
        };
    }
}
