package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobError;
import app.shoebox.jobs.JobHandler;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.jobs.JobStoreException;
import app.shoebox.server.storage.LibraryPaths;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * What every pipeline step's outcome goes through. A step that ends for good without success (a
 * discard, or a retry or an exception on the job's last attempt) leaves its reason on the asset
 * ({@code processingErrors}) and one warning in the log naming the asset, its file and the reason;
 * a retry that has attempts left is one info line. Reasons stored on the asset and the job show
 * paths relative to the library; the log keeps them absolute. An exception in which the database
 * refused the file's data as bad data (SQLSTATE class 22) fails the same way every time: discarded.
 */
final class StepFailures implements JobHandler {

    private static final Logger log = LoggerFactory.getLogger(StepFailures.class);

    private final Jdbi jdbi;
    private final Path library;
    private final JobHandler step;

    StepFailures(Jdbi jdbi, Path library, JobHandler step) {
        this.jdbi = jdbi;
        this.library = library;
        this.step = step;
    }

    @Override
    public JobOutcome handle(JobContext ctx) throws Exception {
        JobOutcome outcome;
        try {
            outcome = step.handle(ctx);
        } catch (Exception e) {
            Optional<String> badData = JobStoreException.badDataSqlState(e);
            if (badData.isEmpty()) {
                ended(ctx, ctx.attempt() >= ctx.maxAttempts() ? "failed" : null, String.valueOf(e.getMessage()), e);
                throw e;
            }
            outcome = JobOutcome.discard("the database refused what was read from the file as bad data (SQLSTATE "
                    + badData.get() + "): " + e.getMessage());
        }
        return switch (outcome) {
            case JobOutcome.Discard d -> {
                ended(ctx, "discarded", d.reason(), null);
                yield JobOutcome.discard(LibraryPaths.relative(library, d.reason()));
            }
            case JobOutcome.Retry r -> {
                ended(ctx, ctx.attempt() >= ctx.maxAttempts() ? "failed" : null, r.reason(), null);
                yield JobOutcome.retry(LibraryPaths.relative(library, r.reason()));
            }
            default -> outcome;
        };
    }

    /** {@code verb} is "failed" or "discarded" for an end for good, null for a retry to come. */
    private void ended(JobContext ctx, String verb, String reason, Exception thrown) {
        Optional<UUID> assetId = assetId(ctx);
        Optional<PipelineAsset> asset;
        try {
            asset = assetId.flatMap(id -> PipelineAsset.load(jdbi, id));
        } catch (RuntimeException e) {
            asset = Optional.empty(); // the database is down: the line names what it can
        }
        String file = asset.map(a -> a.originalFileName() + " (" + library.resolve(a.originalPath()) + ")").orElse("(no file)");
        String what = "asset " + assetId.map(UUID::toString).orElse(ctx.args()) + ", " + file + ": " + ctx.kind() + " job " + ctx.id();
        if (verb == null) {
            log.info("{} attempt {} of {} will be retried: {}", what, ctx.attempt(), ctx.maxAttempts(), JobError.clean(reason));
            return;
        }
        if (thrown != null) {
            log.warn("{} {} after attempt {}: {}", what, verb, ctx.attempt(), JobError.clean(reason), thrown);
        } else {
            log.warn("{} {} after attempt {}: {}", what, verb, ctx.attempt(), JobError.clean(reason));
        }
        if (asset.isPresent()) {
            try {
                ProcessingErrors.record(jdbi, asset.get().id(), ctx.kind(), LibraryPaths.relative(library, String.valueOf(reason)));
            } catch (RuntimeException e) {
                // Deleted meanwhile, or the database is down: the job keeps the reason all the same.
                log.warn("{}: could not keep the reason on the asset: {}", what, e.getMessage());
            }
        }
    }

    private static Optional<UUID> assetId(JobContext ctx) {
        try {
            return Optional.of(AssetJobs.assetId(ctx));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
