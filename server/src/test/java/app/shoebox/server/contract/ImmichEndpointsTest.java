package app.shoebox.server.contract;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import app.shoebox.server.auth.Permission;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Immich endpoints of Shoebox's scope beyond the basics: API keys, sessions, users,
 * preferences, server storage and licence, system config and onboarding, tag and stack updates.
 * Every answer is checked against Immich's spec and for what Immich's clients read from it.
 */
class ImmichEndpointsTest {

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser alice;
    static TestUser bob;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("immich_endpoints");
        catalogue = new TestCatalogue(server);
        alice = catalogue.newUser("alice@example.com");
        bob = catalogue.newUser("bob@example.com");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void apiKeysAreReadRenamedAndKeptToTheirOwner() {
        var created = server.postJson("/api/api-keys", alice.apiKey(), Map.of("name", "phone", "permissions", List.of("asset.read")));
        assertThat(created.statusCode()).isEqualTo(201);
        String id = json(created).at("/apiKey/id").asText();

        var read = server.get("/api/api-keys/" + id, alice.apiKey());
        assertValid("GET", "/api-keys/{id}", read);
        assertThat(json(read).get("name").asText()).isEqualTo("phone");
        var renamed = server.putJson("/api/api-keys/" + id, alice.apiKey(), Map.of("name", "tablet",
                "permissions", List.of("asset.read", "album.read")));
        assertValid("PUT", "/api-keys/{id}", renamed);
        assertThat(json(renamed).get("name").asText()).isEqualTo("tablet");
        assertThat(json(renamed).get("permissions").toString()).contains("album.read");

        // Another user's key is Immich's 400, on every route.
        assertImmichError(400, "API Key not found", server.get("/api/api-keys/" + id, bob.apiKey()));
        assertImmichError(400, "API Key not found", server.putJson("/api/api-keys/" + id, bob.apiKey(), Map.of("name", "x")));
        assertImmichError(400, "API Key not found", catalogue.delete("/api/api-keys/" + id, bob.apiKey()));
        assertThat(catalogue.delete("/api/api-keys/" + id, alice.apiKey()).statusCode()).isEqualTo(204);
        assertImmichError(400, "API Key not found", catalogue.delete("/api/api-keys/" + id, alice.apiKey()));
    }

    @Test
    void aKeyCannotGrantWhatItLacks() {
        String limited = catalogue.key(alice.id(), List.of(Permission.API_KEY_CREATE, Permission.API_KEY_UPDATE,
                Permission.API_KEY_READ, Permission.ASSET_READ));
        assertImmichError(400, "Cannot grant permissions you do not have", server.postJson("/api/api-keys", limited,
                Map.of("name", "wider", "permissions", List.of("all"))));
        var narrow = server.postJson("/api/api-keys", limited, Map.of("name", "narrow", "permissions", List.of("asset.read")));
        assertThat(narrow.statusCode()).isEqualTo(201);
        String id = json(narrow).at("/apiKey/id").asText();
        assertImmichError(400, "Cannot grant permissions you do not have", server.putJson("/api/api-keys/" + id, limited,
                Map.of("permissions", List.of("album.delete"))));
        var unknown = server.postJson("/api/api-keys", alice.apiKey(), Map.of("name", "odd", "permissions", List.of("asset.fly")));
        assertImmichError(400, "Validation failed", unknown);
        assertThat(json(unknown).at("/errors/0/path").toString()).isEqualTo("[\"permissions\",0]");
        assertThat(json(unknown).at("/errors/0/code").asText()).isEqualTo("invalid_value");
    }

    private static String login(String email) {
        var r = server.postJson("/api/auth/login", null, Map.of("email", email, "password", "password-" + email));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("accessToken").asText();
    }

    private static HttpResponse<String> withToken(String method, String path, String token) {
        return server.send(server.request(path, null).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void sessionsAreListedAndEnded() {
        String first = login(bob.email());
        String second = login(bob.email());
        String third = login(bob.email());

        var list = withToken("GET", "/api/sessions", first);
        assertValid("GET", "/sessions", list);
        JsonNode sessions = json(list);
        assertThat(sessions.size()).isGreaterThanOrEqualTo(3);
        long current = 0;
        String secondId = null;
        for (JsonNode s : sessions) {
            current += s.get("current").asBoolean() ? 1 : 0;
        }
        assertThat(current).isEqualTo(1);
        for (JsonNode s : json(withToken("GET", "/api/sessions", second))) {
            if (s.get("current").asBoolean()) {
                secondId = s.get("id").asText();
            }
        }
        assertImmichError(400, "Not found or no session.delete access", catalogue.delete("/api/sessions/" + secondId, alice.apiKey()));
        var ended = withToken("DELETE", "/api/sessions/" + secondId, first);
        assertThat(ended.statusCode()).isEqualTo(204);
        assertValid("DELETE", "/sessions/{id}", ended);
        assertImmichError(401, "Invalid user token", withToken("GET", "/api/users/me", second));

        // Ending all spares the caller's own session.
        var all = withToken("DELETE", "/api/sessions", first);
        assertValid("DELETE", "/sessions", all);
        assertImmichError(401, "Invalid user token", withToken("GET", "/api/users/me", third));
        assertThat(withToken("GET", "/api/users/me", first).statusCode()).isEqualTo(200);
        assertThat(json(withToken("GET", "/api/sessions", first)).size()).isEqualTo(1);
    }

    @Test
    void usersAreReadByIdAndListed() {
        var other = server.get("/api/users/" + bob.id(), alice.apiKey());
        assertValid("GET", "/users/{id}", other);
        assertThat(json(other).get("email").asText()).isEqualTo(bob.email());
        assertThat(json(other).has("isAdmin")).isFalse();
        assertImmichError(404, "User not found", server.get("/api/users/" + UUID.randomUUID(), alice.apiKey()));
        var all = server.get("/api/users", alice.apiKey());
        assertValid("GET", "/users", all);
        assertThat(all.body()).contains(bob.email()).contains(alice.email());
        // What the server does is what it says: users are public to each other, as Immich's publicUsers setting.
        assertThat(json(server.get("/api/server/config", null)).get("publicUsers").asBoolean()).isTrue();
        assertThat(json(server.get("/api/system-config", ADMIN_KEY)).at("/server/publicUsers").asBoolean()).isTrue();
    }

    @Test
    void preferencesStartAtImmichsDefaultsAndKeepChanges() {
        var defaults = server.get("/api/users/me/preferences", alice.apiKey());
        assertValid("GET", "/users/me/preferences", defaults);
        assertThat(json(defaults).at("/albums/defaultAssetOrder").asText()).isEqualTo("desc");
        assertThat(json(defaults).at("/download/archiveSize").asLong()).isEqualTo(4L << 30);

        var changed = server.putJson("/api/users/me/preferences", alice.apiKey(),
                Map.of("albums", Map.of("defaultAssetOrder", "asc"), "memories", Map.of("enabled", false), "unknown", 1));
        assertValid("PUT", "/users/me/preferences", changed);
        JsonNode now = json(server.get("/api/users/me/preferences", alice.apiKey()));
        assertThat(now.at("/albums/defaultAssetOrder").asText()).isEqualTo("asc");
        assertThat(now.at("/memories/enabled").asBoolean()).isFalse();
        assertThat(now.at("/memories/duration").asInt()).isEqualTo(5);
        assertThat(now.has("unknown")).isFalse();
        // Each user has their own.
        assertThat(json(server.get("/api/users/me/preferences", bob.apiKey())).at("/albums/defaultAssetOrder").asText())
                .isEqualTo("desc");

        var wrongType = server.putJson("/api/users/me/preferences", alice.apiKey(), Map.of("memories", Map.of("enabled", "yes")));
        assertImmichError(400, "Validation failed", wrongType);
        assertThat(json(wrongType).at("/errors/0/path").toString()).isEqualTo("[\"memories\",\"enabled\"]");
        assertImmichError(400, "Validation failed", server.putJson("/api/users/me/preferences", alice.apiKey(),
                Map.of("albums", Map.of("defaultAssetOrder", "sideways"))));
    }

    @Test
    void serverStorageDescribesTheLibrarysDisk() {
        var r = server.get("/api/server/storage", alice.apiKey());
        assertValid("GET", "/server/storage", r);
        JsonNode s = json(r);
        assertThat(s.get("diskSizeRaw").asLong()).isPositive();
        assertThat(s.get("diskUseRaw").asLong() + s.get("diskAvailableRaw").asLong()).isLessThanOrEqualTo(s.get("diskSizeRaw").asLong());
        assertThat(s.get("diskSize").asText()).matches("\\d+(\\.\\d)? (B|KiB|MiB|GiB|TiB|PiB|EiB)");
        assertThat(s.get("diskUsagePercentage").asDouble()).isBetween(0.0, 100.0);
    }

    @Test
    void licencesAnswerAsAnUnlicensedImmich() {
        var server404 = server.get("/api/server/license", ADMIN_KEY);
        assertValid("GET", "/server/license", server404);
        assertImmichError(404, "Not Found", server404);
        assertImmichError(404, "Not Found", server.get("/api/users/me/license", alice.apiKey()));
        assertImmichError(403, "Forbidden", server.get("/api/server/license", alice.apiKey()));
        assertImmichError(400, "Invalid license key", server.putJson("/api/users/me/license", alice.apiKey(),
                Map.of("licenseKey", "IMCL-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", "activationKey", "x")));
        assertValid("DELETE", "/users/me/license", catalogue.delete("/api/users/me/license", alice.apiKey()));
        var about = server.get("/api/server/about", alice.apiKey());
        assertValid("GET", "/server/about", about);
        assertThat(json(about).get("licensed").asBoolean()).isFalse();
    }

    @Test
    void serverAboutAndFeaturesCarryEveryFieldOfTheSpec() throws Exception {
        JsonNode spec = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                java.nio.file.Files.readString(OpenApiContract.specFile()));
        for (String[] op : new String[][] {{"/api/server/about", "ServerAboutResponseDto"}, {"/api/server/features", "ServerFeaturesDto"}}) {
            JsonNode body = json(server.get(op[0], alice.apiKey()));
            spec.at("/components/schemas/" + op[1] + "/properties").fieldNames()
                    .forEachRemaining(f -> assertThat(body.has(f)).as(op[0] + " has " + f).isTrue());
        }
        JsonNode about = json(server.get("/api/server/about", alice.apiKey()));
        assertThat(about.get("version").asText()).isEqualTo("v3.1.0");
        assertThat(about.get("repository").asText()).isEqualTo("shoebox");
        assertThat(about.get("nodejs").asText()).isEmpty();
        JsonNode features = json(server.get("/api/server/features", null));
        assertThat(features.get("facialRecognition").asBoolean()).isFalse();
        assertThat(features.get("trash").asBoolean()).isTrue();
    }

    @Test
    void systemConfigShowsShoeboxsSettingsAndChangesOnlyConcurrency() {
        assertImmichError(403, "Forbidden", server.get("/api/system-config", alice.apiKey()));
        var config = server.get("/api/system-config", ADMIN_KEY);
        assertValid("GET", "/system-config", config);
        ObjectNode body = (ObjectNode) json(config);
        assertThat(body.at("/machineLearning/enabled").asBoolean()).isFalse();
        // The test server moves originals with a storage template, which the config reports as it is.
        assertThat(body.at("/storageTemplate/enabled").asBoolean()).isTrue();
        assertThat(body.at("/storageTemplate/template").asText())
                .isEqualTo(server.server().config().storageTemplate().orElseThrow().template());

        ((ObjectNode) body.at("/job/thumbnailGeneration")).put("concurrency", 3);
        var updated = server.putJson("/api/system-config", ADMIN_KEY, body);
        assertValid("PUT", "/system-config", updated);
        assertThat(json(updated).at("/job/thumbnailGeneration/concurrency").asInt()).isEqualTo(3);
        assertThat(json(server.get("/api/system-config", ADMIN_KEY)).at("/job/thumbnailGeneration/concurrency").asInt()).isEqualTo(3);

        ((ObjectNode) body.at("/oauth")).put("enabled", true);
        ((ObjectNode) body.at("/storageTemplate")).put("template", "{{y}}/{{filename}}");
        var refused = server.putJson("/api/system-config", ADMIN_KEY, body);
        assertImmichError(400, refused);
        assertThat(json(refused).get("message").asText()).contains("oauth.enabled").contains("storageTemplate.template");
        // Nothing of a refused update is applied, the concurrency included.
        ((ObjectNode) body.at("/job/thumbnailGeneration")).put("concurrency", 4);
        server.putJson("/api/system-config", ADMIN_KEY, body);
        assertThat(json(server.get("/api/system-config", ADMIN_KEY)).at("/job/thumbnailGeneration/concurrency").asInt()).isEqualTo(3);
    }

    @Test
    void adminOnboardingIsRememberedAndReportedByServerConfig() {
        var before = server.get("/api/system-metadata/admin-onboarding", ADMIN_KEY);
        assertValid("GET", "/system-metadata/admin-onboarding", before);
        assertThat(json(before).get("isOnboarded").asBoolean()).isFalse();
        assertThat(json(server.get("/api/server/config", null)).get("isOnboarded").asBoolean()).isFalse();
        var set = server.postJson("/api/system-metadata/admin-onboarding", ADMIN_KEY, Map.of("isOnboarded", true));
        assertThat(set.statusCode()).isEqualTo(204);
        assertValid("POST", "/system-metadata/admin-onboarding", set);
        assertThat(json(server.get("/api/system-metadata/admin-onboarding", ADMIN_KEY)).get("isOnboarded").asBoolean()).isTrue();
        assertThat(json(server.get("/api/server/config", null)).get("isOnboarded").asBoolean()).isTrue();
        assertImmichError(403, "Forbidden", server.postJson("/api/system-metadata/admin-onboarding", alice.apiKey(),
                Map.of("isOnboarded", false)));
    }

    @Test
    void aTagsColourIsSetAndClearedByItsOwnerOnly() {
        String id = json(server.postJson("/api/tags", alice.apiKey(), Map.of("name", "Colourful"))).get("id").asText();
        var coloured = server.putJson("/api/tags/" + id, alice.apiKey(), Map.of("color", "ff8800"));
        assertValid("PUT", "/tags/{id}", coloured);
        assertThat(json(coloured).get("color").asText()).isEqualTo("#ff8800");
        var cleared = server.putJson("/api/tags/" + id, alice.apiKey(), java.util.Collections.singletonMap("color", null));
        assertValid("PUT", "/tags/{id}", cleared);
        assertThat(json(cleared).has("color")).isFalse();
        assertImmichError(400, "Not found or no tag.update access", server.putJson("/api/tags/" + id, bob.apiKey(),
                Map.of("color", "#000000")));
        assertImmichError(400, "A tag with that name already exists", server.postJson("/api/tags", alice.apiKey(),
                Map.of("name", "Colourful")));
        assertImmichError(400, "Not found or no tag.read access", server.postJson("/api/tags", bob.apiKey(),
                Map.of("name", "Under Alice's", "parentId", id)));
        assertImmichError(400, "Email already in use by another account", server.putJson("/api/users/me", bob.apiKey(),
                Map.of("email", alice.email())));
    }

    @Test
    void aStacksPrimaryIsChangedToOneOfItsAssets() {
        UUID a = catalogue.asset(alice.id(), "stack-a.jpg");
        UUID b = catalogue.asset(alice.id(), "stack-b.jpg");
        UUID outside = catalogue.asset(alice.id(), "stack-outside.jpg");
        String stack = json(server.postJson("/api/stacks", alice.apiKey(), Map.of("assetIds", List.of(a.toString(), b.toString()))))
                .get("id").asText();
        var updated = server.putJson("/api/stacks/" + stack, alice.apiKey(), Map.of("primaryAssetId", b.toString()));
        assertValid("PUT", "/stacks/{id}", updated);
        assertThat(json(updated).get("primaryAssetId").asText()).isEqualTo(b.toString());
        assertThat(json(updated).at("/assets/0/exifInfo").isObject()).isTrue();
        assertImmichError(400, "Primary asset must be in the stack", server.putJson("/api/stacks/" + stack, alice.apiKey(),
                Map.of("primaryAssetId", outside.toString())));
        assertImmichError(400, "Not found or no stack.update access", server.putJson("/api/stacks/" + stack, bob.apiKey(),
                Map.of("primaryAssetId", a.toString())));

        // The asset itself names its stack, as Immich's GET /assets/{id} does.
        var asset = server.get("/api/assets/" + a, alice.apiKey());
        assertValid("GET", "/assets/{id}", asset);
        assertThat(json(asset).at("/stack/id").asText()).isEqualTo(stack);
        assertThat(json(asset).at("/stack/primaryAssetId").asText()).isEqualTo(b.toString());
        assertThat(json(asset).at("/stack/assetCount").asInt()).isEqualTo(2);
        assertThat(json(server.get("/api/assets/" + outside, alice.apiKey())).get("stack").isNull()).isTrue();
        var withExif = server.get("/api/stacks/" + stack, alice.apiKey());
        assertValid("GET", "/stacks/{id}", withExif);
        assertThat(json(withExif).get("assets")).allSatisfy(x -> assertThat(x.get("exifInfo").isObject()).isTrue());
    }

    @Test
    void featuresShoeboxLacksAnswerEmptyListsAndClearRefusals() {
        for (String[] op : new String[][] {{"/api/people", "/people"}, {"/api/search/explore", "/search/explore"},
                {"/api/shared-links", "/shared-links"}, {"/api/partners?direction=shared-by", "/partners"},
                {"/api/memories", "/memories"}, {"/api/map/markers", "/map/markers"},
                {"/api/faces?id=" + UUID.randomUUID(), "/faces"}}) {
            var r = server.get(op[0], alice.apiKey());
            assertThat(r.statusCode()).as(op[0]).isEqualTo(200);
            assertValid("GET", op[1], r);
        }
        assertThat(json(server.get("/api/people", alice.apiKey())).get("total").asInt()).isZero();
        assertImmichError(400, "Smart search is not enabled", server.postJson("/api/search/smart", alice.apiKey(), Map.of("query", "cat")));
        assertImmichError(400, "OAuth is not enabled", server.postJson("/api/oauth/authorize", null, Map.of("redirectUri", "app.immich:///")));
        assertImmichError(400, "Validation failed", server.get("/api/partners", alice.apiKey()));
        var link = server.postJson("/api/shared-links", alice.apiKey(), Map.of("type", "ALBUM"));
        assertImmichError(400, link);
        assertThat(json(link).get("message").asText()).startsWith("Shared links are not available");
        // The permission check comes first, as on every route.
        assertImmichError(401, "Authentication required", server.get("/api/people", null));
        assertImmichError(403, "Missing required permission: person.read",
                server.get("/api/people", catalogue.key(alice.id(), List.of(Permission.ASSET_READ))));
    }
}
