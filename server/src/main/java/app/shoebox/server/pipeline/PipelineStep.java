package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobRequest;
import app.shoebox.jobs.RetryPolicy;
import app.shoebox.server.storage.StorageTemplate;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * One row of the pipeline table ({@link AssetJobs#STEPS}): everything the engine, the "start"
 * commands and the step before need to know of a step. The step after a row is the next row that
 * runs in this process's configuration.
 *
 * @param kind      the job kind (Immich's job name)
 * @param queue     the queue it runs on (Immich's queue name)
 * @param work      media work (decoding: a time limit per attempt, one job per core) or catalogue work
 * @param retries   attempts and backoff
 * @param typeCheck when present, the step needs a known file type, and an asset of unknown type is
 *                  discarded with "cannot {typeCheck} {file}: unknown file type"
 * @param eligible  SQL condition on {@code assets a}: the assets "start" may queue at all ("" for every asset)
 * @param lacking   SQL condition on {@code assets a}: the assets that lack the step ("" when that
 *                  cannot be told, and "start" queues every eligible asset)
 * @param needsTemplate whether the step runs only when a storage template is set
 * @param handler   makes the step's work from the process's parts
 */
public record PipelineStep(String kind, String queue, Work work, RetryPolicy retries, Optional<String> typeCheck,
                           String eligible, String lacking, boolean needsTemplate,
                           Function<Parts, AssetStep> handler) {

    /** Whether the step runs in a process configured with (or without) a storage template. */
    public boolean runsWith(Optional<StorageTemplate> template) {
        return !needsTemplate || template.isPresent();
    }

    /** What decides a queue's concurrency and whether an attempt is time-limited. */
    public enum Work { MEDIA, CATALOGUE }

    /** What a step's work may be made of; {@code jobs} queues work beyond the next step (a motion photo's new video). */
    public record Parts(Jdbi jdbi, JobClient jobs, Path library, MediaPipeline.Tools tools, Optional<StorageTemplate> template) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One pending job of this step per asset (the engine's unique key), so a re-run while a step is
     * waiting does not queue it twice.
     */
    public JobRequest request(UUID assetId, int priority) {
        String args = JSON.createObjectNode().put("assetId", assetId.toString()).toString();
        return JobRequest.builder(kind).queue(queue).args(args).priority(priority).uniqueKey(assetId.toString()).build();
    }
}
