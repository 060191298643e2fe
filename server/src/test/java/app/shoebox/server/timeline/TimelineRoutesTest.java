package app.shoebox.server.timeline;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

class TimelineRoutesTest {

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser ann;
    static TestUser bob;
    static UUID mayLate;
    static UUID mayEarly;
    static UUID march;
    static UUID archived;
    static UUID trashed;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("timeline_routes");
        catalogue = new TestCatalogue(server);
        ann = catalogue.newUser("ann@example.com");
        bob = catalogue.newUser("bob@example.com");
        mayEarly = catalogue.asset(ann.id(), "may-early.jpg", Instant.parse("2024-05-02T08:00:00Z"));
        mayLate = catalogue.asset(ann.id(), "may-late.jpg", Instant.parse("2024-05-30T08:00:00Z"));
        march = catalogue.asset(ann.id(), "march.jpg", Instant.parse("2023-03-15T12:00:00Z"));
        archived = catalogue.asset(ann.id(), "archived.jpg", Instant.parse("2023-03-16T12:00:00Z"));
        trashed = catalogue.asset(ann.id(), "trashed.jpg", Instant.parse("2022-01-01T12:00:00Z"));
        catalogue.asset(bob.id(), "bob.jpg", Instant.parse("2024-05-03T08:00:00Z"));
        server.server().database().jdbi().useHandle(h -> {
            h.execute("UPDATE assets SET visibility = 'archive' WHERE id = ?", archived);
            h.execute("UPDATE assets SET status = 'trashed', deleted_at = now() WHERE id = ?", trashed);
            // Taken at 23:30 on 31 May in Tokyo: 14:30 UTC, but May on the photographer's clock.
            h.execute("UPDATE assets SET local_date_time = '2024-05-31T23:30:00Z', file_created_at = '2024-05-31T14:30:00Z',"
                    + " width = 4000, height = 3000 WHERE id = ?", mayLate);
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void bucketsCountMonthsNewestFirstAndOnlyTheCallersAssets() {
        HttpResponse<String> r = server.get("/api/timeline/buckets", ann.apiKey());
        assertThat(r.statusCode()).isEqualTo(200);
        assertValid("GET", "/timeline/buckets", r);
        assertThat(json(r).toString()).isEqualTo("[{\"timeBucket\":\"2024-05-01\",\"count\":2},{\"timeBucket\":\"2023-03-01\",\"count\":2}]");

        assertThat(json(server.get("/api/timeline/buckets?visibility=timeline", ann.apiKey())).toString())
                .isEqualTo("[{\"timeBucket\":\"2024-05-01\",\"count\":2},{\"timeBucket\":\"2023-03-01\",\"count\":1}]");
        assertThat(json(server.get("/api/timeline/buckets?isTrashed=true", ann.apiKey())).toString())
                .isEqualTo("[{\"timeBucket\":\"2022-01-01\",\"count\":1}]");
        assertThat(json(server.get("/api/timeline/buckets?order=asc", ann.apiKey())).get(0).get("timeBucket").asText())
                .isEqualTo("2023-03-01");
    }

    @Test
    void aBucketIsColumnsOfOneMonthSortedByCaptureTime() {
        HttpResponse<String> r = server.get("/api/timeline/bucket?timeBucket=2024-05-01", ann.apiKey());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertValid("GET", "/timeline/bucket", r);
        JsonNode b = json(r);
        assertThat(b.get("id")).extracting(JsonNode::asText).containsExactly(mayLate.toString(), mayEarly.toString());
        assertThat(b.get("ratio").get(0).asDouble()).isEqualTo(4000.0 / 3000);
        assertThat(b.get("localOffsetHours").get(0).asDouble()).isEqualTo(9.0);
        assertThat(b.get("fileCreatedAt").get(0).asText()).isEqualTo("2024-05-31T14:30:00Z");
        assertThat(b.get("isImage").get(0).asBoolean()).isTrue();
        assertThat(b.get("resized").get(0).asBoolean()).isFalse();
        assertThat(b.has("latitude")).isFalse();
        assertThat(json(server.get("/api/timeline/bucket?timeBucket=2024-05-01&withCoordinates=true", ann.apiKey()))
                .get("latitude")).hasSize(2);
        // Bob's asset of the same month is not in Ann's bucket, nor hers in his.
        assertThat(json(server.get("/api/timeline/bucket?timeBucket=2024-05-01", bob.apiKey())).get("id")).hasSize(1);
    }

    @Test
    void filtersNarrowABucket() {
        assertThat(json(server.get("/api/timeline/bucket?timeBucket=2023-03-01&visibility=archive", ann.apiKey())).get("id"))
                .extracting(JsonNode::asText).containsExactly(archived.toString());
        JsonNode trash = json(server.get("/api/timeline/bucket?timeBucket=2022-01-01&isTrashed=true", ann.apiKey()));
        assertThat(trash.get("id")).extracting(JsonNode::asText).containsExactly(trashed.toString());
        assertThat(trash.get("isTrashed").get(0).asBoolean()).isTrue();

        String album = json(server.postJson("/api/albums", ann.apiKey(),
                Map.of("albumName", "Spring", "assetIds", List.of(march.toString())))).get("id").asText();
        assertThat(json(server.get("/api/timeline/buckets?albumId=" + album, ann.apiKey())).toString())
                .isEqualTo("[{\"timeBucket\":\"2023-03-01\",\"count\":1}]");
        // Another user's album is refused, never shown.
        assertThat(server.get("/api/timeline/buckets?albumId=" + album, bob.apiKey()).statusCode()).isEqualTo(400);
        assertThat(server.get("/api/timeline/buckets?isFavorite=true", ann.apiKey()).body()).isEqualTo("[]");
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        assertThat(server.get("/api/timeline/bucket", ann.apiKey()).body()).contains("timeBucket is required");
        assertThat(server.get("/api/timeline/bucket?timeBucket=May", ann.apiKey()).statusCode()).isEqualTo(400);
        assertThat(server.get("/api/timeline/buckets?order=sideways", ann.apiKey()).statusCode()).isEqualTo(400);
        assertThat(server.get("/api/timeline/buckets?userId=" + bob.id(), ann.apiKey()).statusCode()).isEqualTo(400);
        assertThat(server.get("/api/timeline/buckets?bbox=1,2,3", ann.apiKey()).statusCode()).isEqualTo(400);
        assertThat(server.get("/api/timeline/buckets", null).statusCode()).isEqualTo(401);
    }
}
