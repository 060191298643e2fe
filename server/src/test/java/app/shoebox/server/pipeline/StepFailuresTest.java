package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.jobs.JobRequest;
import app.shoebox.jobs.JobSchema;
import app.shoebox.jobs.RetryPolicy;
import app.shoebox.server.ServerFixture;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.server.queues.QueueNames;
import app.shoebox.testing.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static app.shoebox.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a pipeline step can end without success leaves the reason on the asset and one line in
 * the log: a discard, a retry on the last attempt, an exception on the last attempt, a write the
 * database refuses as bad data. Stored reasons are printable and show library paths relative; the
 * log keeps them absolute.
 */
class StepFailuresTest {

    static ServerFixture server;
    static Jdbi jdbi;
    static Path library;
    static JobEngine engine;
    static final String QUEUE = QueueNames.THUMBNAIL_GENERATION;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("step_failures");
        jdbi = server.server().database().jdbi();
        library = server.library();
        RetryPolicy twice = RetryPolicy.of(2, Duration.ZERO, Duration.ZERO);
        engine = JobEngine.builder().dataSource(server.server().database().dataSource()).schema(JobSchema.DEFAULT.name())
                .nodeId("step-failures-node").queue(QUEUE, 2).pollInterval(Duration.ofMillis(100))
                .handler("DiscardsDirty", new StepFailures(jdbi, library, ctx -> JobOutcome.discard(
                        "photo.jpg: " + library.resolve("upload/x/ab/cd/file.jpg") + " is corrupt\u0000 (libpng\u0007 said:\r\nbad)")), twice)
                .handler("AlwaysRetries", new StepFailures(jdbi, library, ctx -> JobOutcome.retry(
                        "disk full writing " + library.resolve("thumbs/x/preview.jpeg"))), twice)
                .handler("AlwaysThrows", new StepFailures(jdbi, library, ctx -> {
                    throw new java.io.IOException("cannot open " + library.resolve("upload/x/ab/cd/thrown.jpg"));
                }), twice)
                .handler("WritesBadData", new StepFailures(jdbi, library, ctx -> {
                    ctx.completeInTransaction(tx -> {
                        try (PreparedStatement ps = tx.prepareStatement("SELECT 'not a number'::int")) {
                            ps.execute();
                        }
                    });
                    return JobOutcome.complete();
                }), twice)
                // A server without ffmpeg: a video gets no poster, and the asset says why.
                .handler(AssetJobs.GENERATE_THUMBNAILS, new StepFailures(jdbi, library, new ThumbnailHandler(jdbi, library,
                        app.shoebox.jobs.JobClient.create(server.server().database().dataSource(), JobSchema.DEFAULT),
                        app.shoebox.media.thumbnails.Thumbnailers.imageIo(),
                        new app.shoebox.media.video.PosterFrame(java.util.Optional.empty(), Duration.ofSeconds(5)))), twice)
                .build().start();
    }

    @AfterAll
    static void stop() {
        engine.stop(Duration.ofSeconds(5));
        server.close();
    }

    private static String newAsset(String name) {
        return TestFiles.uploadNew(server, ADMIN_KEY, name, TestFiles.jpeg(2000));
    }

    private static JsonNode run(String kind, String assetId) throws InterruptedException {
        long id = engine.client().insert(JobRequest.builder(kind).queue(QUEUE)
                .args("{\"assetId\":\"" + assetId + "\"}").build()).id();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode j : json(server.get("/api/queues/" + QUEUE + "/jobs?status=failed", ADMIN_KEY))) {
                if (j.get("id").asText().equals(Long.toString(id))) {
                    return j;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " (" + kind + ") did not end: " + engine.client().get(id));
    }

    private static JsonNode processingError(String assetId, String kind) {
        for (JsonNode e : json(server.get("/api/assets/" + assetId, ADMIN_KEY)).get("processingErrors")) {
            if (e.get("step").asText().equals(kind)) {
                return e;
            }
        }
        throw new AssertionError("no processing error for " + kind + " on " + assetId);
    }

    @Test
    void aDiscardIsKeptOnTheAssetPrintableAndRelativeAndLoggedWhole() throws Exception {
        String asset = newAsset("discarded.jpg");
        try (LogCapture log = LogCapture.of("app.shoebox.server.pipeline")) {
            JsonNode job = run("DiscardsDirty", asset);
            assertThat(job.get("state").asText()).isEqualTo("discarded");
            assertThat(job.get("attempt").asInt()).isEqualTo(1);
            String expected = "photo.jpg: upload/x/ab/cd/file.jpg is corrupt (libpng said:  bad)";
            assertThat(job.at("/errors/0/message").asText()).isEqualTo(expected);
            assertThat(processingError(asset, "DiscardsDirty").get("reason").asText()).isEqualTo(expected);
            assertThat(log.linesWith(asset)).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("WARN").contains("discarded.jpg").contains("discarded after attempt 1")
                    .contains(library.resolve("upload/x/ab/cd/file.jpg").toString()));
        }
    }

    @Test
    void aRetryOnTheLastAttemptFailsTheStepForGoodOnTheAsset() throws Exception {
        String asset = newAsset("retried.jpg");
        try (LogCapture log = LogCapture.of("app.shoebox.server.pipeline")) {
            JsonNode job = run("AlwaysRetries", asset);
            assertThat(job.get("state").asText()).isEqualTo("failed");
            assertThat(job.get("attempt").asInt()).isEqualTo(2);
            assertThat(job.at("/errors/1/message").asText()).isEqualTo("disk full writing thumbs/x/preview.jpeg");
            assertThat(processingError(asset, "AlwaysRetries").get("reason").asText())
                    .isEqualTo("disk full writing thumbs/x/preview.jpeg");
            assertThat(log.linesWith(asset)).hasSize(2);
            assertThat(log.linesWith(asset).get(0)).startsWith("INFO").contains("attempt 1 of 2 will be retried");
            assertThat(log.linesWith(asset).get(1)).startsWith("WARN").contains("retried.jpg").contains("failed after attempt 2")
                    .contains(library.toString());
        }
    }

    @Test
    void anExceptionOnTheLastAttemptIsKeptOnTheAssetAndShownRelativeInTheQueue() throws Exception {
        String asset = newAsset("thrown.jpg");
        JsonNode job = run("AlwaysThrows", asset);
        assertThat(job.get("state").asText()).isEqualTo("failed");
        assertThat(job.at("/errors/1/errorClass").asText()).isEqualTo("java.io.IOException");
        assertThat(job.at("/errors/1/message").asText()).isEqualTo("cannot open upload/x/ab/cd/thrown.jpg");
        assertThat(job.toString()).doesNotContain(library.toString());
        assertThat(processingError(asset, "AlwaysThrows").get("reason").asText()).isEqualTo("cannot open upload/x/ab/cd/thrown.jpg");
    }

    @Test
    void dataTheDatabaseRefusesIsDiscardedAtOnceNotRetried() throws Exception {
        String asset = newAsset("bad-data.jpg");
        JsonNode job = run("WritesBadData", asset);
        assertThat(job.get("state").asText()).isEqualTo("discarded");
        assertThat(job.get("attempt").asInt()).isEqualTo(1);
        assertThat(processingError(asset, "WritesBadData").get("reason").asText()).contains("bad data").contains("22P02");
    }

    @Test
    void aVideoWithoutFfmpegSaysSoOnTheAssetWithoutTheServersPath() throws Exception {
        String asset = TestFiles.uploadNew(server, ADMIN_KEY, "clip.mp4", TestFiles.mp4(3000));
        long id = engine.client().insert(AssetJobs.request(AssetJobs.GENERATE_THUMBNAILS, UUID.fromString(asset), 10)).id();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!engine.client().get(id).orElseThrow().state().finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(engine.client().get(id).orElseThrow().state()).isEqualTo(app.shoebox.jobs.JobState.COMPLETED);
        String reason = processingError(asset, AssetJobs.GENERATE_THUMBNAILS).get("reason").asText();
        assertThat(reason).startsWith(ThumbnailHandler.NO_POSTER).contains("upload/").doesNotContain(library.toString());
    }

    @Test
    void aReasonTheDatabaseStillRefusesIsReplacedNotLost() {
        UUID asset = UUID.fromString(newAsset("refused.jpg"));
        jdbi.useHandle(h -> h.execute("""
                CREATE FUNCTION refuse_marked_reasons() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.reason LIKE '%refused-marker%' THEN
                    RAISE EXCEPTION 'bad reason' USING ERRCODE = '22023';
                  END IF;
                  RETURN NEW;
                END $$"""));
        jdbi.useHandle(h -> h.execute("CREATE TRIGGER refuse_marked_reasons BEFORE INSERT OR UPDATE ON asset_processing_errors"
                + " FOR EACH ROW EXECUTE FUNCTION refuse_marked_reasons()"));
        try {
            ProcessingErrors.record(jdbi, asset, "SomeStep", "a refused-marker reason");
            assertThat(processingError(asset.toString(), "SomeStep").get("reason").asText())
                    .contains("could not be stored").contains("22023").doesNotContain("refused-marker");
        } finally {
            jdbi.useHandle(h -> h.execute("DROP TRIGGER refuse_marked_reasons ON asset_processing_errors"));
        }
    }
}
