package app.shoebox.server.contract;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every album, tag and stack endpoint, once each, against the v3 spec and the v2 one (v2 clients
 * such as older immich-go builds read the same answers), but for where the two majors contradict
 * each other (see {@link #V2_CONFLICTS}).
 */
class CatalogueContractTest {

    /**
     * Where v3 changed a type, so no answer can satisfy both specs; v3 wins. v2 lists only the
     * other users in albumUsers (roles editor/viewer) while v3 puts the owner first with role
     * "owner"; v2's asset duration is a string ("0:00:00.000000"), v3's an integer or null.
     */
    private static final Pattern V2_CONFLICTS = Pattern.compile(
            "^\\$(\\[\\d+])?\\.(albumUsers\\[\\d+]\\.role|assets\\[\\d+]\\.duration): .*");

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser user;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("catalogue_contract");
        catalogue = new TestCatalogue(server);
        user = catalogue.newUser("contract@example.com");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void albums() {
        String key = user.apiKey();
        UUID a = catalogue.asset(user.id(), "album-a.jpg");
        UUID b = catalogue.asset(user.id(), "album-b.jpg");
        assertValid("GET", "/albums", ok(server.get("/api/albums", key)));
        String id = json(valid("POST", "/albums", server.postJson("/api/albums", key,
                Map.of("albumName", "Contract", "assetIds", List.of(a.toString()))), 201)).get("id").asText();
        valid("GET", "/albums", server.get("/api/albums", key), 200);
        valid("GET", "/albums/{id}", server.get("/api/albums/" + id, key), 200);
        valid("PUT", "/albums/{id}/assets", server.putJson("/api/albums/" + id + "/assets", key,
                Map.of("ids", List.of(a.toString(), b.toString(), UUID.randomUUID().toString()))), 200);
        valid("PATCH", "/albums/{id}", catalogue.patchJson("/api/albums/" + id, key, Map.of("description", "d")), 200);
        valid("DELETE", "/albums/{id}/assets", server.deleteJson("/api/albums/" + id + "/assets", key,
                Map.of("ids", List.of(a.toString(), UUID.randomUUID().toString()))), 200);
        valid("PUT", "/albums/assets", server.putJson("/api/albums/assets", key,
                Map.of("albumIds", List.of(id), "assetIds", List.of(a.toString()))), 200);
        valid("GET", "/albums/statistics", server.get("/api/albums/statistics", key), 200);
        valid("DELETE", "/albums/{id}", catalogue.delete("/api/albums/" + id, key), 204);
    }

    @Test
    void tags() {
        String key = user.apiKey();
        UUID a = catalogue.asset(user.id(), "tag-a.jpg");
        String leaf = json(valid("PUT", "/tags", server.putJson("/api/tags", key, Map.of("tags", List.of("A/B"))), 200))
                .get(0).get("id").asText();
        String made = json(valid("POST", "/tags", server.postJson("/api/tags", key,
                Map.of("name", "C", "parentId", leaf, "color", "#123456")), 201)).get("id").asText();
        valid("GET", "/tags", server.get("/api/tags", key), 200);
        valid("GET", "/tags/{id}", server.get("/api/tags/" + made, key), 200);
        valid("PUT", "/tags/{id}/assets", server.putJson("/api/tags/" + leaf + "/assets", key,
                Map.of("ids", List.of(a.toString(), a.toString()))), 200);
        valid("PUT", "/tags/assets", server.putJson("/api/tags/assets", key,
                Map.of("tagIds", List.of(made), "assetIds", List.of(a.toString()))), 200);
        valid("DELETE", "/tags/{id}/assets", server.deleteJson("/api/tags/" + leaf + "/assets", key,
                Map.of("ids", List.of(a.toString()))), 200);
        valid("DELETE", "/tags/{id}", catalogue.delete("/api/tags/" + made, key), 204);
    }

    @Test
    void stacks() {
        String key = user.apiKey();
        UUID a = catalogue.asset(user.id(), "stack-a.jpg");
        UUID b = catalogue.asset(user.id(), "stack-b.jpg");
        UUID c = catalogue.asset(user.id(), "stack-c.jpg");
        UUID d = catalogue.asset(user.id(), "stack-d.jpg");
        String id = json(valid("POST", "/stacks", server.postJson("/api/stacks", key,
                Map.of("assetIds", List.of(a.toString(), b.toString()))), 201)).get("id").asText();
        String other = json(valid("POST", "/stacks", server.postJson("/api/stacks", key,
                Map.of("assetIds", List.of(c.toString(), d.toString()))), 201)).get("id").asText();
        valid("GET", "/stacks/{id}", server.get("/api/stacks/" + id, key), 200);
        valid("GET", "/stacks", server.get("/api/stacks", key), 200);
        valid("DELETE", "/stacks/{id}", catalogue.delete("/api/stacks/" + id, key), 204);
        valid("DELETE", "/stacks", server.deleteJson("/api/stacks", key, Map.of("ids", List.of(other))), 204);
        assertImmichError(400, "Not found or no stack.read access", server.get("/api/stacks/" + other, key));
    }

    private static HttpResponse<String> valid(String method, String template, HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as("%s %s: %s", method, template, r.body()).isEqualTo(status);
        assertValid(method, template, r);
        List<String> v2 = OpenApiContract.immichV2().violations(method, template, r.statusCode(),
                r.headers().firstValue("content-type"), r.body());
        assertThat(v2).as("%s %s against the v2 spec", method, template)
                .allMatch(v -> V2_CONFLICTS.matcher(v).matches());
        return r;
    }

    private static HttpResponse<String> ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }
}
