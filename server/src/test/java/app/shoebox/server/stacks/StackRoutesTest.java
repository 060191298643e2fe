package app.shoebox.server.stacks;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import app.shoebox.server.auth.Permission;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.TestCatalogue.ids;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static org.assertj.core.api.Assertions.assertThat;

class StackRoutesTest {

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser alice;
    static TestUser bob;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("stack_routes");
        catalogue = new TestCatalogue(server);
        alice = catalogue.newUser("alice@example.com");
        bob = catalogue.newUser("bob@example.com");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void createGetAndDelete() {
        UUID raw = catalogue.asset(alice.id(), "IMG_1.CR2", Instant.parse("2024-01-01T10:00:00Z"));
        UUID jpg = catalogue.asset(alice.id(), "IMG_1.JPG", Instant.parse("2024-01-01T09:00:00Z"));
        UUID edit = catalogue.asset(alice.id(), "IMG_1-edit.JPG", Instant.parse("2024-01-01T11:00:00Z"));

        var created = server.postJson("/api/stacks", alice.apiKey(),
                Map.of("assetIds", List.of(jpg.toString(), raw.toString(), edit.toString())));
        assertThat(created.statusCode()).isEqualTo(201);
        assertValid("POST", "/stacks", created);
        JsonNode stack = json(created);
        String id = stack.get("id").asText();
        assertThat(stack.get("primaryAssetId").asText()).isEqualTo(jpg.toString());
        assertThat(ids(stack.get("assets"))).containsExactly(jpg.toString(), raw.toString(), edit.toString());

        var read = server.get("/api/stacks/" + id, alice.apiKey());
        assertThat(read.statusCode()).isEqualTo(200);
        assertValid("GET", "/stacks/{id}", read);
        assertThat(json(read).get("primaryAssetId").asText()).isEqualTo(jpg.toString());
        var listed = server.get("/api/stacks?primaryAssetId=" + jpg, alice.apiKey());
        assertValid("GET", "/stacks", listed);
        assertThat(ids(json(listed))).containsExactly(id);

        assertImmichError(400, "Not found or no stack.read access", server.get("/api/stacks/" + id, bob.apiKey()));
        assertImmichError(400, "Not found or no stack.delete access", catalogue.delete("/api/stacks/" + id, bob.apiKey()));

        var deleted = catalogue.delete("/api/stacks/" + id, alice.apiKey());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertValid("DELETE", "/stacks/{id}", deleted);
        assertImmichError(400, "Not found or no stack.read access", server.get("/api/stacks/" + id, alice.apiKey()));
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE stack_id IS NOT NULL AND id IN ('" + raw + "','" + jpg + "','" + edit + "')"))
                .isZero();
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE id IN ('" + raw + "','" + jpg + "','" + edit + "')")).isEqualTo(3);
    }

    @Test
    void stackingAPrimaryMergesItsStackAndAStackLeftWithOneAssetIsDissolved() {
        UUID a = catalogue.asset(alice.id(), "m-a.jpg");
        UUID b = catalogue.asset(alice.id(), "m-b.jpg");
        UUID c = catalogue.asset(alice.id(), "m-c.jpg");
        UUID d = catalogue.asset(alice.id(), "m-d.jpg");
        UUID e = catalogue.asset(alice.id(), "m-e.jpg");
        String first = json(server.postJson("/api/stacks", alice.apiKey(), Map.of("assetIds", List.of(a.toString(), b.toString()))))
                .get("id").asText();
        String second = json(server.postJson("/api/stacks", alice.apiKey(), Map.of("assetIds", List.of(c.toString(), d.toString()))))
                .get("id").asText();

        // a is the primary of the first stack: that stack merges in. d leaves the second, which keeps only c.
        JsonNode merged = json(server.postJson("/api/stacks", alice.apiKey(),
                Map.of("assetIds", List.of(e.toString(), a.toString(), d.toString()))));
        assertThat(merged.get("primaryAssetId").asText()).isEqualTo(e.toString());
        assertThat(ids(merged.get("assets"))).containsExactlyInAnyOrder(e.toString(), a.toString(), b.toString(), d.toString());
        assertThat(ids(merged.get("assets")).getFirst()).isEqualTo(e.toString());
        assertImmichError(400, "Not found or no stack.read access", server.get("/api/stacks/" + first, alice.apiKey()));
        assertImmichError(400, "Not found or no stack.read access", server.get("/api/stacks/" + second, alice.apiKey()));
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE id = '" + c + "' AND stack_id IS NULL")).isEqualTo(1);
    }

    @Test
    void badAndForeignAssetsAreRefusedWithoutTouchingAnything() {
        UUID mine = catalogue.asset(alice.id(), "f-mine.jpg");
        UUID bobs = catalogue.asset(bob.id(), "f-bob.jpg");
        var foreign = server.postJson("/api/stacks", alice.apiKey(), Map.of("assetIds", List.of(mine.toString(), bobs.toString())));
        assertImmichError(400, "Not found or no asset.update access", foreign);
        assertThat(catalogue.count("SELECT count(*) FROM assets WHERE id IN ('" + mine + "','" + bobs + "') AND stack_id IS NOT NULL")).isZero();

        var one = server.postJson("/api/stacks", alice.apiKey(), Map.of("assetIds", List.of(mine.toString(), mine.toString())));
        assertThat(one.statusCode()).isEqualTo(400);
        assertThat(json(one).get("message").asText()).contains("at least 2");
        var single = server.postJson("/api/stacks", alice.apiKey(), Map.of("assetIds", List.of(mine.toString())));
        assertImmichError(400, "Validation failed", single);
        assertThat(json(single).at("/errors/0/code").asText()).isEqualTo("too_small");
        assertThat(server.postJson("/api/stacks", alice.apiKey(), Map.of()).statusCode()).isEqualTo(400);
    }

    @Test
    void aBulkDeleteNamingAnotherUsersStackDeletesNone() {
        String alices = json(server.postJson("/api/stacks", alice.apiKey(), Map.of("assetIds", List.of(
                catalogue.asset(alice.id(), "d-a1.jpg").toString(), catalogue.asset(alice.id(), "d-a2.jpg").toString())))).get("id").asText();
        String bobs = json(server.postJson("/api/stacks", bob.apiKey(), Map.of("assetIds", List.of(
                catalogue.asset(bob.id(), "d-b1.jpg").toString(), catalogue.asset(bob.id(), "d-b2.jpg").toString())))).get("id").asText();

        assertImmichError(400, "Not found or no stack.delete access",
                server.deleteJson("/api/stacks", bob.apiKey(), Map.of("ids", List.of(bobs, alices))));
        assertImmichError(400, "Not found or no stack.delete access",
                server.deleteJson("/api/stacks", bob.apiKey(), Map.of("ids", List.of(UUID.randomUUID().toString()))));
        assertThat(server.get("/api/stacks/" + alices, alice.apiKey()).statusCode()).isEqualTo(200);
        assertThat(server.get("/api/stacks/" + bobs, bob.apiKey()).statusCode()).isEqualTo(200);

        var deleted = server.deleteJson("/api/stacks", bob.apiKey(), Map.of("ids", List.of(bobs, bobs)));
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertImmichError(400, "Not found or no stack.read access", server.get("/api/stacks/" + bobs, bob.apiKey()));
    }

    @Test
    void permissionsAreThoseOfTheSpec() {
        UUID a = catalogue.asset(alice.id(), "p-a.jpg");
        UUID b = catalogue.asset(alice.id(), "p-b.jpg");
        String readOnly = catalogue.key(alice.id(), List.of(Permission.STACK_READ));
        var r = server.postJson("/api/stacks", readOnly, Map.of("assetIds", List.of(a.toString(), b.toString())));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).get("message").asText()).contains("stack.create");
        String id = json(server.postJson("/api/stacks", alice.apiKey(), Map.of("assetIds", List.of(a.toString(), b.toString()))))
                .get("id").asText();
        assertThat(server.get("/api/stacks/" + id, readOnly).statusCode()).isEqualTo(200);
        assertThat(catalogue.delete("/api/stacks/" + id, readOnly).statusCode()).isEqualTo(403);
    }
}
