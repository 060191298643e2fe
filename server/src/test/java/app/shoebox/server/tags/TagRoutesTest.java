package app.shoebox.server.tags;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import app.shoebox.server.auth.Permission;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.TestCatalogue.bulkResults;
import static app.shoebox.server.TestCatalogue.ids;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static org.assertj.core.api.Assertions.assertThat;

class TagRoutesTest {

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser alice;
    static TestUser bob;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("tag_routes");
        catalogue = new TestCatalogue(server);
        alice = catalogue.newUser("alice@example.com");
        bob = catalogue.newUser("bob@example.com");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void upsertCreatesEveryLevelOnceAndReturnsTheLeaves() {
        TestUser carol = catalogue.newUser("carol@example.com");
        var r = server.putJson("/api/tags", carol.apiKey(),
                Map.of("tags", List.of("Travel/2024/Rome", "Travel/2024", "/People//Ann/", "Travel/2024/Rome")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertValid("PUT", "/tags", r);
        JsonNode leaves = json(r);
        assertThat(values(leaves)).containsExactly("Travel/2024/Rome", "Travel/2024", "People/Ann", "Travel/2024/Rome");
        assertThat(leaves.get(0).get("name").asText()).isEqualTo("Rome");
        assertThat(leaves.get(0).get("id").asText()).isEqualTo(leaves.get(3).get("id").asText());
        assertThat(leaves.get(0).get("parentId").asText()).isEqualTo(leaves.get(1).get("id").asText());

        var listed = server.get("/api/tags", carol.apiKey());
        assertValid("GET", "/tags", listed);
        assertThat(values(json(listed))).containsExactly("People", "People/Ann", "Travel", "Travel/2024", "Travel/2024/Rome");
        JsonNode travel = json(listed).get(2);
        assertThat(travel.has("parentId")).isFalse();

        // A second upsert finds the same rows.
        JsonNode again = json(server.putJson("/api/tags", carol.apiKey(), Map.of("tags", List.of("Travel/2024/Rome"))));
        assertThat(again.get(0).get("id").asText()).isEqualTo(leaves.get(0).get("id").asText());
        // Tags are per user.
        assertThat(values(json(server.get("/api/tags", bob.apiKey())))).doesNotContain("Travel");
    }

    @Test
    void createWithParentAndColor() {
        JsonNode parent = json(server.postJson("/api/tags", alice.apiKey(), Map.of("name", "Family")));
        var child = server.postJson("/api/tags", alice.apiKey(),
                Map.of("name", "Kids", "parentId", parent.get("id").asText(), "color", "#ff8800"));
        assertThat(child.statusCode()).isEqualTo(201);
        assertValid("POST", "/tags", child);
        assertThat(json(child).get("value").asText()).isEqualTo("Family/Kids");
        assertThat(json(child).get("color").asText()).isEqualTo("#ff8800");

        var read = server.get("/api/tags/" + json(child).get("id").asText(), alice.apiKey());
        assertValid("GET", "/tags/{id}", read);
        assertImmichError(400, "Not found or no tag.read access", server.get("/api/tags/" + json(child).get("id").asText(), bob.apiKey()));

        assertThat(server.postJson("/api/tags", alice.apiKey(), Map.of("name", "Family")).statusCode()).isEqualTo(400);
        assertThat(server.postJson("/api/tags", alice.apiKey(), Map.of("name", "Odd", "color", "orange")).statusCode()).isEqualTo(400);
        assertThat(server.postJson("/api/tags", bob.apiKey(),
                Map.of("name", "Sneaky", "parentId", parent.get("id").asText())).statusCode()).isEqualTo(400);
        assertThat(server.putJson("/api/tags", alice.apiKey(), Map.of("tags", List.of("//"))).statusCode()).isEqualTo(400);
    }

    @Test
    void taggingAssetsGivesOneResultPerIdAndTouchesNoForeignAsset() {
        String tag = json(server.putJson("/api/tags", alice.apiKey(), Map.of("tags", List.of("Scans")))).get(0).get("id").asText();
        UUID a = catalogue.asset(alice.id(), "scan-a.jpg");
        UUID b = catalogue.asset(alice.id(), "scan-b.jpg");
        UUID bobs = catalogue.asset(bob.id(), "scan-bob.jpg");

        var r = server.putJson("/api/tags/" + tag + "/assets", alice.apiKey(),
                Map.of("ids", List.of(a.toString(), a.toString(), bobs.toString(), b.toString())));
        assertThat(r.statusCode()).isEqualTo(200);
        assertValid("PUT", "/tags/{id}/assets", r);
        assertThat(bulkResults(json(r))).containsExactly(
                a + " true -", a + " false duplicate", bobs + " false no_permission", b + " true -");
        assertThat(bulkResults(json(server.putJson("/api/tags/" + tag + "/assets", alice.apiKey(),
                Map.of("ids", List.of(b.toString())))))).containsExactly(b + " false duplicate");
        assertThat(catalogue.count("SELECT count(*) FROM tag_assets WHERE asset_id = '" + bobs + "'")).isZero();

        var removed = server.deleteJson("/api/tags/" + tag + "/assets", alice.apiKey(),
                Map.of("ids", List.of(a.toString(), bobs.toString())));
        assertValid("DELETE", "/tags/{id}/assets", removed);
        assertThat(bulkResults(json(removed))).containsExactly(a + " true -", bobs + " false not_found");

        // Bob cannot use Alice's tag at all.
        assertImmichError(400, "Not found or no tag.asset access", server.putJson("/api/tags/" + tag + "/assets", bob.apiKey(),
                Map.of("ids", List.of(bobs.toString()))));
    }

    @Test
    void concurrentTaggingInAnyOrderTagsEachAssetOnce() throws Exception {
        JsonNode tags = json(server.putJson("/api/tags", alice.apiKey(), Map.of("tags", List.of("Race/One", "Race/Two"))));
        List<String> tagIds = List.of(tags.get(0).get("id").asText(), tags.get(1).get("id").asText());
        List<String> assets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            assets.add(catalogue.asset(alice.id(), "race-" + i + ".jpg").toString());
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                boolean reversed = i % 2 == 1;
                answers.add(pool.submit(() -> {
                    go.await();
                    return server.putJson("/api/tags/assets", alice.apiKey(), Map.of(
                            "tagIds", reversed ? tagIds.reversed() : tagIds,
                            "assetIds", reversed ? assets.reversed() : assets));
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                total += json(r).get("count").asInt();
            }
            assertThat(total).isEqualTo(2 * assets.size());
        }
    }

    @Test
    void bulkTaggingCountsNewPairsAndSkipsForeignIds() {
        JsonNode tags = json(server.putJson("/api/tags", alice.apiKey(), Map.of("tags", List.of("Bulk/One", "Bulk/Two"))));
        String bobsTag = json(server.putJson("/api/tags", bob.apiKey(), Map.of("tags", List.of("BobOnly")))).get(0).get("id").asText();
        UUID a = catalogue.asset(alice.id(), "bulk-a.jpg");
        UUID b = catalogue.asset(alice.id(), "bulk-b.jpg");
        UUID bobs = catalogue.asset(bob.id(), "bulk-bob.jpg");
        var r = server.putJson("/api/tags/assets", alice.apiKey(), Map.of(
                "tagIds", List.of(tags.get(0).get("id").asText(), tags.get(1).get("id").asText(), bobsTag),
                "assetIds", List.of(a.toString(), b.toString(), bobs.toString())));
        assertThat(r.statusCode()).isEqualTo(200);
        assertValid("PUT", "/tags/assets", r);
        assertThat(json(r).get("count").asInt()).isEqualTo(4);
        assertThat(catalogue.count("SELECT count(*) FROM tag_assets WHERE tag_id = '" + bobsTag + "' OR asset_id = '" + bobs + "'")).isZero();
        var again = server.putJson("/api/tags/assets", alice.apiKey(), Map.of(
                "tagIds", List.of(tags.get(0).get("id").asText()), "assetIds", List.of(a.toString())));
        assertThat(json(again).get("count").asInt()).isZero();
    }

    @Test
    void deleteRemovesTheTagAndItsChildren() {
        JsonNode leaves = json(server.putJson("/api/tags", alice.apiKey(), Map.of("tags", List.of("Gone/Child"))));
        String parent = leaves.get(0).get("parentId").asText();
        assertImmichError(400, "Not found or no tag.delete access", server.send(server.request("/api/tags/" + parent, bob.apiKey()).DELETE().build()));
        var deleted = server.send(server.request("/api/tags/" + parent, alice.apiKey()).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(values(json(server.get("/api/tags", alice.apiKey())))).noneMatch(v -> v.startsWith("Gone"));
    }

    @Test
    void permissionsAreThoseOfTheSpec() {
        String readOnly = catalogue.key(alice.id(), List.of(Permission.TAG_READ));
        assertThat(server.get("/api/tags", readOnly).statusCode()).isEqualTo(200);
        var upsert = server.putJson("/api/tags", readOnly, Map.of("tags", List.of("x")));
        assertThat(upsert.statusCode()).isEqualTo(403);
        assertThat(json(upsert).get("message").asText()).contains("tag.create");
        String tag = json(server.putJson("/api/tags", alice.apiKey(), Map.of("tags", List.of("Perm")))).get(0).get("id").asText();
        var tagging = server.putJson("/api/tags/" + tag + "/assets", readOnly, Map.of("ids", List.of()));
        assertThat(tagging.statusCode()).isEqualTo(403);
        assertThat(json(tagging).get("message").asText()).contains("tag.asset");
    }

    private static List<String> values(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("value").asText()));
        return out;
    }
}
