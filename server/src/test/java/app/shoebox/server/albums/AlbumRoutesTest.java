package app.shoebox.server.albums;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import app.shoebox.server.auth.Permission;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

class AlbumRoutesTest {

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser alice;
    static TestUser bob;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("album_routes");
        catalogue = new TestCatalogue(server);
        alice = catalogue.newUser("alice@example.com");
        bob = catalogue.newUser("bob@example.com");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void createReadRenameListAndDelete() {
        UUID older = catalogue.asset(alice.id(), "older.jpg", Instant.parse("2020-01-01T00:00:00Z"));
        UUID newer = catalogue.asset(alice.id(), "newer.jpg", Instant.parse("2023-06-01T12:00:00Z"));

        var created = server.postJson("/api/albums", alice.apiKey(),
                Map.of("albumName", "Holidays", "description", "Summer", "assetIds", List.of(older.toString(), newer.toString())));
        assertThat(created.statusCode()).isEqualTo(201);
        assertValid("POST", "/albums", created);
        JsonNode album = json(created);
        String id = album.get("id").asText();
        assertThat(album.get("albumName").asText()).isEqualTo("Holidays");
        assertThat(album.get("description").asText()).isEqualTo("Summer");
        assertThat(album.get("assetCount").asLong()).isEqualTo(2);
        assertThat(album.get("ownerId").asText()).isEqualTo(alice.id().toString());
        assertThat(album.at("/albumUsers/0/role").asText()).isEqualTo("owner");
        assertThat(album.at("/albumUsers/0/user/email").asText()).isEqualTo(alice.email());
        assertThat(album.get("startDate").asText()).isEqualTo("2020-01-01T00:00:00Z");
        assertThat(album.get("endDate").asText()).isEqualTo("2023-06-01T12:00:00Z");
        assertThat(album.get("albumThumbnailAssetId").asText()).isEqualTo(newer.toString());
        // Newest first: the default order is desc.
        assertThat(ids(album.get("assets"))).containsExactly(newer.toString(), older.toString());

        var read = server.get("/api/albums/" + id, alice.apiKey());
        assertThat(read.statusCode()).isEqualTo(200);
        assertValid("GET", "/albums/{id}", read);
        assertThat(ids(json(read).get("assets"))).containsExactly(newer.toString(), older.toString());
        var withoutAssets = server.get("/api/albums/" + id + "?withoutAssets=true", alice.apiKey());
        assertThat(json(withoutAssets).get("assets")).isEmpty();
        assertThat(json(withoutAssets).get("assetCount").asLong()).isEqualTo(2);

        var patched = catalogue.patchJson("/api/albums/" + id, alice.apiKey(),
                Map.of("albumName", "Summer 2023", "order", "asc", "albumThumbnailAssetId", older.toString()));
        assertThat(patched.statusCode()).isEqualTo(200);
        assertValid("PATCH", "/albums/{id}", patched);
        assertThat(json(patched).get("albumName").asText()).isEqualTo("Summer 2023");
        assertThat(json(patched).get("description").asText()).isEqualTo("Summer");
        assertThat(json(patched).get("order").asText()).isEqualTo("asc");
        assertThat(json(patched).get("albumThumbnailAssetId").asText()).isEqualTo(older.toString());
        assertThat(ids(json(server.get("/api/albums/" + id, alice.apiKey())).get("assets")))
                .containsExactly(older.toString(), newer.toString());

        var cleared = catalogue.patchJson("/api/albums/" + id, alice.apiKey(), "{\"description\":null}");
        assertThat(json(cleared).get("description").asText()).isEmpty();
        assertThat(json(cleared).get("albumName").asText()).isEqualTo("Summer 2023");

        var listed = server.get("/api/albums", alice.apiKey());
        assertValid("GET", "/albums", listed);
        assertThat(ids(json(listed))).contains(id);
        assertThat(ids(json(server.get("/api/albums?assetId=" + older, alice.apiKey())))).containsExactly(id);
        assertThat(ids(json(server.get("/api/albums?name=Summer%202023", alice.apiKey())))).containsExactly(id);
        assertThat(json(server.get("/api/albums?shared=true", alice.apiKey()))).isEmpty();
        assertThat(json(server.get("/api/albums?isOwned=false", alice.apiKey()))).isEmpty();

        var deleted = catalogue.delete("/api/albums/" + id, alice.apiKey());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertValid("DELETE", "/albums/{id}", deleted);
        assertImmichError(400, "Not found or no album.read access", server.get("/api/albums/" + id, alice.apiKey()));
        // The assets outlive the album.
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE id IN ('" + older + "', '" + newer + "')")).isEqualTo(2);
    }

    @Test
    void anEmptyAlbumFollowsTheContractWithoutDates() {
        var created = server.postJson("/api/albums", alice.apiKey(), Map.of("albumName", ""));
        assertThat(created.statusCode()).isEqualTo(201);
        assertValid("POST", "/albums", created);
        JsonNode album = json(created);
        assertThat(album.get("assetCount").asLong()).isZero();
        assertThat(album.get("albumThumbnailAssetId").isNull()).isTrue();
        assertThat(album.has("startDate")).isFalse();
        assertThat(album.get("description").asText()).isEmpty();
    }

    @Test
    void addingRepeatedAndPresentIdsGivesOneExactResultPerId() {
        UUID a = catalogue.asset(alice.id(), "a.jpg");
        UUID b = catalogue.asset(alice.id(), "b.jpg");
        UUID c = catalogue.asset(alice.id(), "c.jpg");
        UUID bobs = catalogue.asset(bob.id(), "bobs.jpg");
        UUID unknown = UUID.randomUUID();
        String album = json(server.postJson("/api/albums", alice.apiKey(),
                Map.of("albumName", "Mixed", "assetIds", List.of(a.toString())))).get("id").asText();

        var r = server.putJson("/api/albums/" + album + "/assets", alice.apiKey(),
                Map.of("ids", List.of(a, b, b, c, bobs, unknown, c).stream().map(UUID::toString).toList()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertValid("PUT", "/albums/{id}/assets", r);
        assertThat(bulkResults(json(r))).containsExactly(
                a + " false duplicate",
                b + " true -",
                b + " false duplicate",
                c + " true -",
                bobs + " false no_permission",
                unknown + " false no_permission",
                c + " false duplicate");
        JsonNode read = json(server.get("/api/albums/" + album, alice.apiKey()));
        assertThat(read.get("assetCount").asLong()).isEqualTo(3);
        assertThat(ids(read.get("assets"))).containsExactlyInAnyOrder(a.toString(), b.toString(), c.toString());
        // Bob's asset was not touched.
        assertThat(catalogue.count("SELECT count(*) FROM album_assets WHERE asset_id = '" + bobs + "'")).isZero();

        var again = server.putJson("/api/albums/" + album + "/assets", alice.apiKey(), Map.of("ids", List.of(a.toString())));
        assertThat(bulkResults(json(again))).containsExactly(a + " false duplicate");

        var removed = server.deleteJson("/api/albums/" + album + "/assets", alice.apiKey(),
                Map.of("ids", List.of(a.toString(), a.toString(), bobs.toString())));
        assertThat(removed.statusCode()).isEqualTo(200);
        assertValid("DELETE", "/albums/{id}/assets", removed);
        assertThat(bulkResults(json(removed))).containsExactly(
                a + " true -", a + " false not_found", bobs + " false not_found");
        assertThat(json(server.get("/api/albums/" + album, alice.apiKey())).get("assetCount").asLong()).isEqualTo(2);
    }

    @Test
    void concurrentAddsOfTheSameAssetsSucceedOnceEach() throws Exception {
        List<String> assets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            assets.add(catalogue.asset(alice.id(), "race-" + i + ".jpg").toString());
        }
        String album = json(server.postJson("/api/albums", alice.apiKey(), Map.of("albumName", "Race"))).get("id").asText();
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // Half the requests name the assets in the opposite order.
                List<String> ids = i % 2 == 0 ? assets : assets.reversed();
                answers.add(pool.submit(() -> {
                    go.await();
                    return server.putJson("/api/albums/" + album + "/assets", alice.apiKey(), Map.of("ids", ids));
                }));
            }
            go.countDown();
            Map<String, Integer> successes = new HashMap<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                json(r).forEach(n -> {
                    if (n.get("success").asBoolean()) {
                        successes.merge(n.get("id").asText(), 1, Integer::sum);
                    } else {
                        assertThat(n.get("error").asText()).isEqualTo("duplicate");
                    }
                });
            }
            assertThat(successes).hasSize(assets.size()).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        }
        assertThat(json(server.get("/api/albums/" + album, alice.apiKey())).get("assetCount").asLong()).isEqualTo(assets.size());
    }

    @Test
    void addingAssetsToSeveralAlbumsAtOnce() {
        TestUser dave = catalogue.newUser("dave@example.com");
        UUID a = catalogue.asset(dave.id(), "multi-a.jpg");
        UUID b = catalogue.asset(dave.id(), "multi-b.jpg");
        String first = json(server.postJson("/api/albums", dave.apiKey(), Map.of("albumName", "One"))).get("id").asText();
        String second = json(server.postJson("/api/albums", dave.apiKey(),
                Map.of("albumName", "Two", "assetIds", List.of(a.toString())))).get("id").asText();
        String bobs = json(server.postJson("/api/albums", bob.apiKey(), Map.of("albumName", "Bob's own"))).get("id").asText();
        Map<String, List<String>> body = Map.of("albumIds", List.of(first, second, bobs), "assetIds", List.of(a.toString(), b.toString()));

        var r = server.putJson("/api/albums/assets", dave.apiKey(), body);
        assertValid("PUT", "/albums/assets", r);
        assertThat(json(r).get("success").asBoolean()).isTrue();
        assertThat(json(r).has("error")).isFalse();
        assertThat(json(server.get("/api/albums/" + first, dave.apiKey())).get("assetCount").asLong()).isEqualTo(2);
        assertThat(json(server.get("/api/albums/" + second, dave.apiKey())).get("assetCount").asLong()).isEqualTo(2);
        assertThat(json(server.get("/api/albums/" + bobs, bob.apiKey())).get("assetCount").asLong()).isZero();

        var again = server.putJson("/api/albums/assets", dave.apiKey(), body);
        assertThat(json(again).get("success").asBoolean()).isFalse();
        assertThat(json(again).get("error").asText()).isEqualTo("duplicate");
        var foreign = server.putJson("/api/albums/assets", dave.apiKey(), Map.of("albumIds", List.of(bobs), "assetIds", List.of(a.toString())));
        assertThat(json(foreign).get("error").asText()).isEqualTo("no_permission");

        var stats = server.get("/api/albums/statistics", dave.apiKey());
        assertValid("GET", "/albums/statistics", stats);
        assertThat(json(stats).get("owned").asLong()).isEqualTo(2);
        assertThat(json(stats).get("notShared").asLong()).isEqualTo(2);
        assertThat(json(stats).get("shared").asLong()).isZero();
    }

    @Test
    void anotherUsersAlbumIsNotFoundAndUntouched() {
        UUID asset = catalogue.asset(bob.id(), "mine.jpg");
        String album = json(server.postJson("/api/albums", bob.apiKey(),
                Map.of("albumName", "Bob's", "assetIds", List.of(asset.toString())))).get("id").asText();
        UUID alicesAsset = catalogue.asset(alice.id(), "alice.jpg");

        assertImmichError(400, "Not found or no album.read access", server.get("/api/albums/" + album, alice.apiKey()));
        assertImmichError(400, "Not found or no album.update access", catalogue.patchJson("/api/albums/" + album, alice.apiKey(), Map.of("albumName", "taken")));
        assertImmichError(400, "Not found or no albumAsset.create access", server.putJson("/api/albums/" + album + "/assets", alice.apiKey(),
                Map.of("ids", List.of(alicesAsset.toString()))));
        assertImmichError(400, "Not found or no albumAsset.delete access", server.deleteJson("/api/albums/" + album + "/assets", alice.apiKey(),
                Map.of("ids", List.of(asset.toString()))));
        assertImmichError(400, "Not found or no album.delete access", catalogue.delete("/api/albums/" + album, alice.apiKey()));
        assertThat(ids(json(server.get("/api/albums", alice.apiKey())))).doesNotContain(album);
        assertThat(json(server.get("/api/albums?assetId=" + asset, alice.apiKey()))).isEmpty();

        JsonNode still = json(server.get("/api/albums/" + album, bob.apiKey()));
        assertThat(still.get("albumName").asText()).isEqualTo("Bob's");
        assertThat(ids(still.get("assets"))).containsExactly(asset.toString());
    }

    @Test
    void creatingWithForeignAssetsKeepsOnlyOwnOnes() {
        UUID mine = catalogue.asset(alice.id(), "own.jpg");
        UUID bobs = catalogue.asset(bob.id(), "foreign.jpg");
        JsonNode album = json(server.postJson("/api/albums", alice.apiKey(),
                Map.of("albumName", "Only mine", "assetIds", List.of(mine.toString(), bobs.toString(), mine.toString()))));
        assertThat(ids(album.get("assets"))).containsExactly(mine.toString());
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        var noName = server.postJson("/api/albums", alice.apiKey(), Map.of("description", "x"));
        assertImmichError(400, "Validation failed", noName);
        assertThat(json(noName).at("/errors/0/path").toString()).isEqualTo("[\"albumName\"]");
        var sharedWithSelf = server.postJson("/api/albums", alice.apiKey(), Map.of("albumName", "shared",
                "albumUsers", List.of(Map.of("userId", alice.id().toString(), "role", "editor"))));
        assertImmichError(400, "Cannot share album with owner", sharedWithSelf);

        String album = json(server.postJson("/api/albums", alice.apiKey(), Map.of("albumName", "x"))).get("id").asText();
        var badId = server.putJson("/api/albums/" + album + "/assets", alice.apiKey(), Map.of("ids", List.of("not-a-uuid")));
        assertImmichError(400, "Validation failed", badId);
        assertThat(json(badId).at("/errors/0/path").toString()).isEqualTo("[\"ids\",0]");
        assertThat(server.putJson("/api/albums/" + album + "/assets", alice.apiKey(), Map.of()).statusCode()).isEqualTo(400);
        assertThat(server.get("/api/albums/nope", alice.apiKey()).statusCode()).isEqualTo(400);
        assertThat(catalogue.patchJson("/api/albums/" + album, alice.apiKey(), Map.of("order", "sideways")).statusCode()).isEqualTo(400);
        var foreignThumb = catalogue.patchJson("/api/albums/" + album, alice.apiKey(),
                Map.of("albumThumbnailAssetId", catalogue.asset(alice.id(), "not-in-album.jpg").toString()));
        assertThat(foreignThumb.statusCode()).isEqualTo(400);
        assertThat(json(foreignThumb).get("message").asText()).contains("albumThumbnailAssetId");
    }

    @Test
    void permissionsAreThoseOfTheSpec() {
        String readOnly = catalogue.key(alice.id(), List.of(Permission.ALBUM_READ));
        var create = server.postJson("/api/albums", readOnly, Map.of("albumName", "nope"));
        assertImmichError(403, create);
        assertThat(json(create).get("message").asText()).contains("album.create");
        assertThat(server.get("/api/albums", readOnly).statusCode()).isEqualTo(200);

        String album = json(server.postJson("/api/albums", alice.apiKey(), Map.of("albumName", "perm"))).get("id").asText();
        UUID asset = catalogue.asset(alice.id(), "perm.jpg");
        var add = server.putJson("/api/albums/" + album + "/assets", readOnly, Map.of("ids", List.of(asset.toString())));
        assertThat(add.statusCode()).isEqualTo(403);
        assertThat(json(add).get("message").asText()).contains("albumAsset.create");
        assertThat(catalogue.delete("/api/albums/" + album, readOnly).statusCode()).isEqualTo(403);
        assertThat(catalogue.patchJson("/api/albums/" + album, readOnly, Map.of("albumName", "x")).statusCode()).isEqualTo(403);

        String adder = catalogue.key(alice.id(), List.of(Permission.ALBUM_ASSET_CREATE));
        assertThat(server.putJson("/api/albums/" + album + "/assets", adder, Map.of("ids", List.of(asset.toString())))
                .statusCode()).isEqualTo(200);
        assertThat(server.get("/api/albums/" + album, adder).statusCode()).isEqualTo(403);
        assertThat(server.get("/api/albums", null).statusCode()).isEqualTo(401);
    }
}
