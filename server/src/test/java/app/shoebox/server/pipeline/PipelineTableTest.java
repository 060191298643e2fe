package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobSchema;
import app.shoebox.jobs.QueueAdmin;
import app.shoebox.jobs.RetryPolicy;
import app.shoebox.server.ServerFixture;
import app.shoebox.server.assets.TestFiles;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline is its table: a row added to it (here between the thumbnails and the duplicates)
 * gets its queue, its handler and its "start" command, runs after its predecessor, is queued in
 * the transaction that completes the predecessor, and hands on to the row after it.
 */
class PipelineTableTest {

    static final String MARK = "AssetTestMark";
    static final String MARK_QUEUE = "testMark";

    static ServerFixture server;
    static Jdbi jdbi;
    static JobEngine engine;
    static QueueAdmin admin;
    static MediaPipeline pipeline;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("pipeline_table");
        jdbi = server.server().database().jdbi();
        jdbi.useHandle(h -> h.execute("CREATE TABLE test_marks (asset_id uuid PRIMARY KEY, thumbnail_path text)"));
        // The new step: one handler (it reads what the step before wrote) and one row.
        AssetStep mark = in -> AssetStep.Result.done(tx -> {
            try (var ps = tx.prepareStatement(
                    "INSERT INTO test_marks SELECT id, thumbnail_path FROM assets WHERE id = ?")) {
                ps.setObject(1, in.asset().id());
                ps.executeUpdate();
            }
        });
        List<PipelineStep> table = new ArrayList<>(AssetJobs.STEPS);
        table.add(table.indexOf(AssetJobs.step(AssetJobs.DETECT_DUPLICATES)), new PipelineStep(MARK, MARK_QUEUE,
                PipelineStep.Work.CATALOGUE, RetryPolicy.DEFAULT, Optional.empty(), "",
                "NOT EXISTS (SELECT 1 FROM test_marks m WHERE m.asset_id = a.id)", false, p -> mark));
        var ds = server.server().database().dataSource();
        admin = QueueAdmin.create(ds, JobSchema.DEFAULT);
        pipeline = new MediaPipeline(jdbi, JobClient.create(ds, JobSchema.DEFAULT), server.library(), Optional.empty(), table);
        engine = pipeline.register(JobEngine.builder().dataSource(ds).nodeId("pipeline-table")
                .pollInterval(Duration.ofMillis(100)), MediaPipeline.Tools.detect(), 2).build().start();
    }

    @AfterAll
    static void stop() {
        engine.stop(Duration.ofSeconds(5));
        server.close();
    }

    record Job(String state, String xmin) {}

    static Optional<Job> job(String kind, String assetId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT state, xmin::text AS xmin FROM shoebox_jobs.job WHERE kind = :kind AND unique_key = :asset
                        ORDER BY id DESC LIMIT 1""")
                .bind("kind", kind).bind("asset", assetId)
                .map((rs, c) -> new Job(rs.getString("state"), rs.getString("xmin"))).findOne());
    }

    static Job await(String kind, String assetId, String state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Job> j = job(kind, assetId);
            if (j.isPresent() && j.get().state().equals(state)) {
                return j.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError(kind + " of asset " + assetId + " never became " + state + ": " + job(kind, assetId));
    }

    @Test
    void kindsQueuesAndStartersComeFromTheTable() {
        assertThat(pipeline.kinds()).containsExactly(AssetJobs.EXTRACT_METADATA, AssetJobs.MIGRATE_STORAGE,
                AssetJobs.GENERATE_THUMBNAILS, MARK, AssetJobs.DETECT_DUPLICATES);
        assertThat(pipeline.starters().keySet()).containsExactly("metadataExtraction", "storageTemplateMigration",
                "thumbnailGeneration", MARK_QUEUE, "duplicateDetection");
        // Without a storage template the move is skipped: the metadata step hands straight to the thumbnails.
        assertThat(pipeline.next(AssetJobs.step(AssetJobs.EXTRACT_METADATA))).map(PipelineStep::kind)
                .contains(AssetJobs.GENERATE_THUMBNAILS);
        assertThat(AssetJobs.queueOf(AssetJobs.DETECT_DUPLICATES)).isEqualTo("duplicateDetection");
    }

    @Test
    void anAddedStepRunsAfterItsPredecessorQueuedInThePredecessorsCommit() throws Exception {
        admin.pause(MARK_QUEUE);
        String asset;
        try {
            asset = TestFiles.uploadNew(server, ADMIN_KEY, "table.jpg", MediaPipelineTest.jpeg(640, 480, 1, 0.9f));
            Job waiting = await(MARK, asset, "available");
            Job thumbnails = job(AssetJobs.GENERATE_THUMBNAILS, asset).orElseThrow();
            assertThat(thumbnails.state()).isEqualTo("completed");
            // One transaction wrote both rows: the thumbnail job's completion and the new step's job.
            assertThat(waiting.xmin()).isEqualTo(thumbnails.xmin());
            assertThat(job(AssetJobs.DETECT_DUPLICATES, asset)).as("the step after the new one waits for it").isEmpty();
        } finally {
            admin.resume(MARK_QUEUE);
        }
        await(AssetJobs.DETECT_DUPLICATES, asset, "completed");
        String seen = jdbi.withHandle(h -> h.createQuery("SELECT thumbnail_path FROM test_marks WHERE asset_id = :id")
                .bind("id", UUID.fromString(asset)).mapTo(String.class).one());
        assertThat(seen).as("the new step ran after the thumbnails were written").isNotNull();

        // Its "start" command queues the assets that lack it, and only those.
        String unmarked = TestFiles.uploadNew(server, ADMIN_KEY, "unmarked.jpg", MediaPipelineTest.jpeg(640, 480, 2, 0.9f));
        await(AssetJobs.DETECT_DUPLICATES, unmarked, "completed");
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM test_marks WHERE asset_id = :id")
                .bind("id", UUID.fromString(unmarked)).execute());
        Map<String, app.shoebox.server.queues.QueueService.QueueStarter> starters = pipeline.starters();
        assertThat(starters.get(MARK_QUEUE).start(false)).isEqualTo(1);
        await(MARK, unmarked, "completed");
    }
}
