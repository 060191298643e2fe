package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.media.FileType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The work of one pipeline step for one asset, without the parts every step shares: the job's
 * asset is loaded (a deleted one cancels the job), its file type checked when the step's row asks,
 * and on {@link Result.Done} the step's writes, the clearing of its old failure and the next step's
 * enqueue commit in one transaction ({@link StepRunner}). A step does its slow work holding no
 * connection and returns what to write.
 */
@FunctionalInterface
public interface AssetStep {

    Result run(Input in) throws Exception;

    /** The job and its asset; {@code type} is the original's type by its name, known when the row checks it. */
    record Input(JobContext ctx, PipelineAsset asset, Optional<FileType> type) {

        /** The checked file type; only for steps whose row checks it. */
        public FileType fileType() {
            return type.orElseThrow(() -> new IllegalStateException("the step of " + ctx.kind() + " does not check the file type"));
        }
    }

    /** Writes made in the transaction that completes the step. */
    @FunctionalInterface
    interface Writes {
        Writes NONE = tx -> { };

        void write(Connection tx) throws SQLException;
    }

    /** How a step ended. */
    sealed interface Result {

        /**
         * Success: {@code writes}, then (when {@code clearsFailure}) the step's old failure removed
         * from the asset, then the next step queued, all in one commit.
         */
        record Done(Writes writes, boolean clearsFailure) implements Result {}

        /** The job ends with this outcome and the pipeline stops here for this asset. */
        record Ended(JobOutcome outcome) implements Result {}

        static Result done(Writes writes) {
            return new Done(writes, true);
        }

        static Result ended(JobOutcome outcome) {
            return new Ended(outcome);
        }
    }
}
