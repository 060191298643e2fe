package app.shoebox.server.queues;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.contract.OpenApiContract;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static app.shoebox.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The queue API: Immich's v2 {@code /jobs} and v3 {@code /queues}, and Shoebox's pause leases. */
class QueueRoutesTest {

    static ServerFixture server;
    static TestCatalogue catalogue;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("queue_routes");
        catalogue = new TestCatalogue(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static boolean paused(String queue) {
        return json(server.get("/api/queues/" + queue, ADMIN_KEY)).get("isPaused").asBoolean();
    }

    @Test
    void everyImmichQueueIsListedInBothShapes() {
        var v2 = server.get("/api/jobs", ADMIN_KEY);
        OpenApiContract.assertValid("GET", "/jobs", v2);
        assertThat(json(v2).has("smartSearch")).as("ML queues are listed so clients that pause them do not fail").isTrue();
        var v3 = server.get("/api/queues", ADMIN_KEY);
        OpenApiContract.assertValid("GET", "/queues", v3);
        assertThat(json(v3)).hasSize(QueueNames.ALL.size());
        var untouched = server.get("/api/queues/ocr", ADMIN_KEY);
        OpenApiContract.assertValid("GET", "/queues/{name}", untouched);
        assertThat(json(untouched).get("concurrency").isNull()).as("no setting of its own: workers' defaults apply").isTrue();
        assertThat(json(untouched).get("isPaused").asBoolean()).isFalse();
    }

    @Test
    void immichGoPausesAndResumesThroughTheV2Api() {
        var pause = server.putJson("/api/jobs/faceDetection", ADMIN_KEY, Map.of("command", "pause", "force", false));
        OpenApiContract.assertValid("PUT", "/jobs/{name}", pause);
        assertThat(json(pause).at("/queueStatus/isPaused").asBoolean()).isTrue();
        assertThat(json(server.get("/api/jobs", ADMIN_KEY)).at("/faceDetection/queueStatus/isPaused").asBoolean()).isTrue();
        var resume = server.putJson("/api/jobs/faceDetection", ADMIN_KEY, Map.of("command", "resume", "force", false));
        assertThat(json(resume).at("/queueStatus/isPaused").asBoolean()).isFalse();

        var v3 = server.putJson("/api/queues/library", ADMIN_KEY, Map.of("isPaused", true));
        OpenApiContract.assertValid("PUT", "/queues/{name}", v3);
        assertThat(paused("library")).isTrue();
        server.putJson("/api/queues/library", ADMIN_KEY, Map.of("isPaused", false));
        assertThat(paused("library")).isFalse();
    }

    @Test
    void aPauseLeaseIsHeldByItsHolderAndOnlyItsHolderEndsIt() {
        String q = "thumbnailGeneration";
        assertThat(server.putJson("/api/queues/" + q + "/pause-lease", ADMIN_KEY,
                Map.of("holder", "uploader-a", "ttlSeconds", 600)).statusCode()).isEqualTo(200);
        assertThat(server.putJson("/api/queues/" + q + "/pause-lease", ADMIN_KEY,
                Map.of("holder", "uploader-b", "ttlSeconds", 600)).statusCode()).isEqualTo(200);
        assertThat(paused(q)).isTrue();

        // An admin's resume ends the admin's pause, not the uploaders' leases.
        server.putJson("/api/jobs/" + q, ADMIN_KEY, Map.of("command", "resume"));
        assertThat(paused(q)).isTrue();

        assertThat(server.send(server.request("/api/queues/" + q + "/pause-lease/uploader-a", ADMIN_KEY).DELETE().build())
                .statusCode()).isEqualTo(204);
        assertThat(paused(q)).as("uploader-b still holds its pause").isTrue();
        assertThat(server.send(server.request("/api/queues/" + q + "/pause-lease/uploader-b", ADMIN_KEY).DELETE().build())
                .statusCode()).isEqualTo(204);
        assertThat(paused(q)).isFalse();
        assertThat(server.send(server.request("/api/queues/" + q + "/pause-lease/uploader-b", ADMIN_KEY).DELETE().build())
                .statusCode()).isEqualTo(404);
    }

    @Test
    void aLeaseOnAllQueuesPausesEveryQueue() {
        server.putJson("/api/queues/all/pause-lease", ADMIN_KEY, Map.of("holder", "bulk-import", "ttlSeconds", 60));
        try {
            for (JsonNode q : json(server.get("/api/queues", ADMIN_KEY))) {
                assertThat(q.get("isPaused").asBoolean()).as(q.get("name").asText()).isTrue();
            }
        } finally {
            server.send(server.request("/api/queues/all/pause-lease/bulk-import", ADMIN_KEY).DELETE().build());
        }
        assertThat(paused("metadataExtraction")).isFalse();
    }

    @Test
    void concurrencyIsSetAtRunTime() {
        var r = server.putJson("/api/queues/thumbnailGeneration/concurrency", ADMIN_KEY, Map.of("concurrency", 3));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("concurrency").asInt()).isEqualTo(3);
        assertThat(json(server.get("/api/queues/thumbnailGeneration", ADMIN_KEY)).get("concurrency").asInt()).isEqualTo(3);
    }

    @Test
    void badRequestsAreClear() {
        var unknown = server.putJson("/api/jobs/noSuchQueue", ADMIN_KEY, Map.of("command", "pause"));
        OpenApiContract.assertImmichError(400, unknown);
        assertThat(json(unknown).get("message").asText()).contains("noSuchQueue");
        OpenApiContract.assertImmichError(400, server.putJson("/api/jobs/library", ADMIN_KEY, Map.of("command", "explode")));
        OpenApiContract.assertImmichError(400, server.putJson("/api/queues/library/pause-lease", ADMIN_KEY,
                Map.of("holder", "x", "ttlSeconds", 0)));
        OpenApiContract.assertImmichError(400, server.putJson("/api/queues/library/pause-lease", ADMIN_KEY,
                Map.of("ttlSeconds", 60)));
        OpenApiContract.assertImmichError(400, server.get("/api/queues/library/jobs?limit=nope", ADMIN_KEY));
    }

    @Test
    void queuesAreForAdminsOnly() {
        TestCatalogue.TestUser user = catalogue.newUser("not-admin@test.local");
        OpenApiContract.assertImmichError(403, server.get("/api/jobs", user.apiKey()));
        OpenApiContract.assertImmichError(403, server.putJson("/api/queues/library/pause-lease", user.apiKey(),
                Map.of("holder", "x", "ttlSeconds", 60)));
        OpenApiContract.assertImmichError(401, server.get("/api/queues", null));
    }

    @Test
    void jobsAreListedByStatusAndEmptyClearsTheWaitingOnes() {
        var jobs = app.shoebox.jobs.JobClient.create(server.server().database().dataSource(), app.shoebox.jobs.JobSchema.DEFAULT);
        for (int i = 0; i < 3; i++) {
            jobs.insert(app.shoebox.jobs.JobRequest.builder("LibraryScan").queue("library").args("{\"n\":" + i + "}").build());
        }
        jobs.insert(app.shoebox.jobs.JobRequest.builder("LibraryScan").queue("library")
                .runAt(java.time.Instant.now().plusSeconds(3600)).build());

        assertThat(json(server.get("/api/queues/library/jobs?status=waiting", ADMIN_KEY))).hasSize(3);
        assertThat(json(server.get("/api/queues/library/jobs?status=delayed", ADMIN_KEY))).hasSize(1);
        server.putJson("/api/queues/library", ADMIN_KEY, Map.of("isPaused", true));
        assertThat(json(server.get("/api/queues/library/jobs?status=paused", ADMIN_KEY))).hasSize(3);
        assertThat(json(server.get("/api/queues/library/jobs?status=waiting", ADMIN_KEY))).isEmpty();
        server.putJson("/api/queues/library", ADMIN_KEY, Map.of("isPaused", false));
        OpenApiContract.assertImmichError(400, server.get("/api/queues/library/jobs?status=sleeping", ADMIN_KEY));

        var emptied = server.putJson("/api/jobs/library", ADMIN_KEY, Map.of("command", "empty"));
        assertThat(emptied.statusCode()).isEqualTo(200);
        assertThat(json(emptied).at("/jobCounts/waiting").asLong()).isZero();
        assertThat(json(emptied).at("/jobCounts/delayed").asLong()).isZero();
    }
}
