package app.shoebox.server.http;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import app.shoebox.server.assets.Multipart;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.contract.OpenApiContract;
import app.shoebox.server.notifications.Notifications;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static app.shoebox.server.ServerFixture.json;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route the server registers, read from the server's own route table
 * ({@link app.shoebox.server.ShoeboxServer#routes()}), so a route added later is audited without
 * touching this test: open only where Immich leaves it open; 401 for a missing, unknown, revoked or
 * logged-out credential; Immich's admin flag and API-key permission, each enforced; another user's
 * objects refused on every route that names one, in its path or in its body, with nothing read or
 * changed; a viewer of her album reads it and changes nothing.
 */
class RouteAuditTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The routes that answer without a credential, each with Immich's reason. A route registered
     * open that is not here fails the audit; so does one here that Immich's spec guards.
     */
    static final Map<String, String> OPEN = Map.ofEntries(
            entry("GET /", "the web UI's page: the same static file for everyone, no data in it"),
            entry("GET /web/<path>", "the web UI's scripts and styles, static files from the jar"),
            entry("GET /.well-known/immich", "Immich's discovery document, read by apps before anyone logs in"),
            entry("GET /api/server/ping", "Immich's pingServer has no security requirement"),
            entry("GET /api/server/version", "Immich's getServerVersion has no security requirement"),
            entry("GET /api/server/features", "Immich's getServerFeatures has no security requirement (the login page reads it)"),
            entry("GET /api/server/media-types", "Immich's getSupportedMediaTypes has no security requirement"),
            entry("GET /api/server/config", "Immich's getServerConfig has no security requirement (the login page reads it)"),
            entry("POST /api/auth/login", "Immich's login: the credential is in the body"),
            entry("POST /api/auth/admin-sign-up", "Immich's signUpAdmin: open, and refused once an admin exists"),
            entry("POST /api/oauth/authorize", "Immich's startOAuth has no security requirement; Shoebox answers OAuth is off"),
            entry("POST /api/oauth/callback", "Immich's finishOAuth has no security requirement; Shoebox answers OAuth is off"),
            entry("GET /api/socket.io", "socket.io's polling transport: checks the credential itself, as Immich's gateway "
                    + "does, and tells an unknown caller it is unauthorized in socket.io's protocol "
                    + "(LiveEventsTest.withoutCredentialsTheSocketIsToldUnauthorizedAndDropped)"),
            entry("POST /api/socket.io", "socket.io's polling transport, as GET /api/socket.io"),
            entry("WEBSOCKET /api/socket.io", "socket.io's WebSocket transport, as GET /api/socket.io"));

    /** Routes with an id in their path that another user may use on purpose, and why. */
    static final Map<String, String> SHARED_BY_DESIGN = Map.of(
            "GET /api/users/{id}", "Immich's getUser: every user may read another's public profile (name, email, avatar)");

    /**
     * Routes without an id in their path that cannot name another user's object: they act on the
     * caller's own things only. Every other such route must have a case in {@link #bulkCases}.
     */
    static final Map<String, String> OWN_ONLY = Map.ofEntries(
            entry("GET /api/users/me", "the caller"),
            entry("PUT /api/users/me", "the caller"),
            entry("GET /api/users", "Immich's searchUsers: the public profiles every user may read"),
            entry("GET /api/users/me/preferences", "the caller"),
            entry("PUT /api/users/me/preferences", "the caller"),
            entry("GET /api/users/me/license", "the caller"),
            entry("PUT /api/users/me/license", "the caller"),
            entry("DELETE /api/users/me/license", "the caller"),
            entry("POST /api/auth/change-password", "the caller"),
            entry("POST /api/auth/logout", "the caller's own session"),
            entry("GET /api/sessions", "the caller's sessions"),
            entry("GET /api/api-keys", "the caller's keys"),
            entry("GET /api/api-keys/me", "the key making the request"),
            entry("POST /api/api-keys", "a key for the caller"),
            entry("GET /api/assets/statistics", "the caller's assets"),
            entry("GET /api/albums/statistics", "the caller's albums"),
            entry("GET /api/stacks", "the caller's stacks"),
            entry("GET /api/tags", "the caller's tags"),
            entry("POST /api/tags", "a tag of the caller"),
            entry("GET /api/duplicates", "the caller's duplicate groups"),
            entry("POST /api/trash/restore", "the caller's trash"),
            entry("POST /api/trash/empty", "the caller's trash"),
            entry("GET /api/server/about", "about the server, no user data"),
            entry("GET /api/server/storage", "about the server's disk, no user data"),
            entry("GET /api/people", "no people in Shoebox: an empty answer"),
            entry("POST /api/people", "refused: people are not available"),
            entry("GET /api/faces", "no faces in Shoebox (its id query is refused as unavailable)"),
            entry("GET /api/search/explore", "an empty answer"),
            entry("POST /api/search/smart", "refused: no smart search"),
            entry("GET /api/shared-links", "an empty answer: no shared links"),
            entry("POST /api/shared-links", "refused: no shared links"),
            entry("GET /api/partners", "an empty answer: no partners"),
            entry("POST /api/partners", "refused: no partner sharing"),
            entry("GET /api/memories", "an empty answer: no memories"),
            entry("POST /api/memories", "refused: no memories"),
            entry("GET /api/map/markers", "an empty answer: no map"));

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser admin;
    static TestUser alice;
    static TestUser bob;
    /** A viewer of Alice's album: may read it and its asset, change nothing. */
    static TestUser carol;
    static Alice a;
    static UUID bobAsset;
    static String bobAlbum;
    static String bobTag;
    static String revokedKey;
    /** The key of a user the admin deleted. */
    static String deletedUsersKey;
    static String loggedOutToken;
    static final Map<Permission, String> keysLacking = new HashMap<>();

    /** What Alice owns; Bob is neither her partner nor in her albums. */
    record Alice(String asset, String asset2, String asset3, String trashed, String dup1, String dup2, byte[] original,
                 String album, String tag, String stack, String apiKey, String session, String sessionToken,
                 String notification, String duplicateGroup) {
        List<String> assets() {
            return List.of(asset, asset2, asset3, trashed, dup1, dup2);
        }

        List<String> all() {
            List<String> ids = new ArrayList<>(assets());
            ids.addAll(List.of(album, tag, stack, apiKey, session, notification, duplicateGroup));
            return ids;
        }
    }

    @BeforeAll
    static void start() {
        server = ServerFixture.start("route_audit");
        catalogue = new TestCatalogue(server);
        admin = catalogue.admin();
        alice = catalogue.newUser("alice@example.com");
        bob = catalogue.newUser("bob@example.com");
        carol = catalogue.newUser("carol@example.com");

        byte[] original = TestFiles.jpeg(2000);
        String asset = TestFiles.uploadNew(server, alice.apiKey(), "alice-secret-1.jpg", original);
        String asset2 = TestFiles.uploadNew(server, alice.apiKey(), "alice-secret-2.jpg", TestFiles.jpeg(2000));
        String asset3 = TestFiles.uploadNew(server, alice.apiKey(), "alice-secret-3.jpg", TestFiles.jpeg(2000));
        String trashed = TestFiles.uploadNew(server, alice.apiKey(), "alice-secret-4.jpg", TestFiles.jpeg(2000));
        ok(server.deleteJson("/api/assets", alice.apiKey(), Map.of("ids", List.of(trashed))));
        String dup1 = catalogue.asset(alice.id(), "alice-secret-d1.jpg").toString();
        String dup2 = catalogue.asset(alice.id(), "alice-secret-d2.jpg").toString();
        UUID group = UUID.randomUUID();
        server.server().database().jdbi().useHandle(h -> h.createUpdate("UPDATE assets SET duplicate_id = :g WHERE id IN (:a, :b)")
                .bind("g", group).bind("a", UUID.fromString(dup1)).bind("b", UUID.fromString(dup2)).execute());

        String album = json(ok(server.postJson("/api/albums", alice.apiKey(), Map.of("albumName", "alice-secret album",
                "assetIds", List.of(asset))))).get("id").asText();
        ok(server.putJson("/api/albums/" + album + "/users", alice.apiKey(), Map.of("albumUsers",
                List.of(Map.of("userId", carol.id().toString(), "role", "viewer")))));
        String tag = json(ok(server.postJson("/api/tags", alice.apiKey(), Map.of("name", "holiday")))).get("id").asText();
        ok(server.putJson("/api/tags/" + tag + "/assets", alice.apiKey(), Map.of("ids", List.of(asset))));
        String stack = json(ok(server.postJson("/api/stacks", alice.apiKey(), Map.of("assetIds", List.of(asset2, asset3)))))
                .get("id").asText();
        String apiKey = json(ok(server.postJson("/api/api-keys", alice.apiKey(), Map.of("name", "alice-secret key",
                "permissions", List.of("all"))))).at("/apiKey/id").asText();

        loggedOutToken = login(alice);
        ok(server.send(server.request("/api/auth/logout", null).header("Authorization", "Bearer " + loggedOutToken)
                .POST(HttpRequest.BodyPublishers.noBody()).build()));
        String sessionToken = login(alice);
        JsonNode sessions = json(ok(server.get("/api/sessions", alice.apiKey())));
        assertThat(sessions.size()).isEqualTo(1);
        String session = sessions.get(0).get("id").asText();

        server.server().database().jdbi().useTransaction(h -> Notifications.create(h, alice.id(), "info", "custom",
                "alice-secret note", "for Alice only", null));
        String notification = json(ok(server.get("/api/notifications", alice.apiKey()))).get(0).get("id").asText();
        a = new Alice(asset, asset2, asset3, trashed, dup1, dup2, original, album, tag, stack, apiKey, session, sessionToken,
                notification, group.toString());
        assertThat(json(ok(server.get("/api/duplicates", alice.apiKey()))).size()).isEqualTo(1);

        bobAsset = UUID.fromString(TestFiles.uploadNew(server, bob.apiKey(), "bob-1.jpg", TestFiles.jpeg(2000)));
        bobAlbum = json(ok(server.postJson("/api/albums", bob.apiKey(), Map.of("albumName", "bob album")))).get("id").asText();
        bobTag = json(ok(server.postJson("/api/tags", bob.apiKey(), Map.of("name", "bob-tag")))).get("id").asText();

        revokedKey = catalogue.key(bob.id(), List.of(Permission.ALL));
        String revokedId = json(ok(server.get("/api/api-keys/me", revokedKey))).get("id").asText();
        ok(catalogue.delete("/api/api-keys/" + revokedId, bob.apiKey()));
        TestUser dave = catalogue.newUser("dave@example.com");
        deletedUsersKey = dave.apiKey();
        ok(catalogue.delete("/api/admin/users/" + dave.id(), ServerFixture.ADMIN_KEY));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- the route table ------------------------------------------------------------------

    static List<Api.Route> routes() {
        List<Api.Route> routes = server.server().routes();
        assertThat(routes).as("the server's route table").hasSizeGreaterThan(50);
        return routes;
    }

    static List<Api.Route> guarded() {
        return routes().stream().filter(r -> !r.open()).toList();
    }

    static String key(Api.Route r) {
        return r.method() + " " + r.path();
    }

    @Test
    void everyOpenRouteIsOneImmichLeavesOpen() {
        OpenApiContract spec = OpenApiContract.immich();
        Set<String> open = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Api.Route r : routes()) {
            Optional<JsonNode> op = operation(spec, r);
            if (r.open()) {
                open.add(key(r));
                op.filter(o -> o.has("security")).ifPresent(o -> problems.add(key(r)
                        + " answers without a credential, but Immich's " + o.path("operationId").asText() + " requires one"));
            } else if (op.isPresent() && !op.get().has("security")) {
                problems.add(key(r) + " demands a credential Immich's " + op.get().path("operationId").asText() + " does not");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(open).as("routes that answer without a credential (add one to OPEN only with Immich's reason)")
                .isEqualTo(new TreeSet<>(OPEN.keySet()));
    }

    @Test
    void everyGuardedRouteFollowsImmichsAdminFlagAndPermission() {
        OpenApiContract spec = OpenApiContract.immich();
        List<String> problems = new ArrayList<>();
        for (Api.Route r : guarded()) {
            Access access = r.access().orElseThrow();
            operation(spec, r).ifPresent(op -> {
                boolean admin = op.path("x-immich-admin-only").asBoolean(false);
                Optional<String> permission = Optional.ofNullable(op.get("x-immich-permission")).map(JsonNode::asText);
                if (access.adminOnly() != admin) {
                    problems.add(key(r) + ": admin only is " + access.adminOnly() + ", Immich's is " + admin);
                }
                if (!access.permission().map(Permission::wireName).equals(permission)) {
                    problems.add(key(r) + ": permission " + access.permission().map(Permission::wireName).orElse("(none)")
                            + ", Immich's " + permission.orElse("(none)"));
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyGuardedRouteRefusesAMissingUnknownRevokedOrLoggedOutCredentialOrADeletedUsers() {
        List<String> problems = new ArrayList<>();
        for (Api.Route r : guarded()) {
            String path = fill(r.path(), Map.of());
            expect(problems, r, 401, "Authentication required", send(r.method(), path, Credential.NONE, "{}"));
            expect(problems, r, 401, "Invalid API key", send(r.method(), path, Credential.key("not-a-key-0123456789abcdef"), "{}"));
            expect(problems, r, 401, "Invalid API key", send(r.method(), path, Credential.key(revokedKey), "{}"));
            expect(problems, r, 401, "Invalid API key", send(r.method(), path, Credential.key(deletedUsersKey), "{}"));
            expect(problems, r, 401, "Invalid user token", send(r.method(), path, Credential.bearer(loggedOutToken), "{}"));
            expect(problems, r, 401, "Invalid user token", send(r.method(), path, Credential.cookie(loggedOutToken), "{}"));
            expect(problems, r, 401, "Invalid user token", send(r.method(), path, new Credential.UserToken(loggedOutToken), "{}"));
            String revokedInQuery = path + (path.contains("?") ? "&" : "?") + "apiKey=" + revokedKey;
            expect(problems, r, 401, "Invalid API key", send(r.method(), revokedInQuery, Credential.NONE, "{}"));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void aHeadRunsItsGetsChecksAndSendsItsHeadersWithoutTheBody() {
        Map<String, Optional<Access>> gets = new HashMap<>();
        routes().stream().filter(r -> r.method().equals("GET")).forEach(r -> gets.put(r.path(), r.access()));
        List<String> problems = new ArrayList<>();
        for (Api.Route r : guarded()) {
            if (r.method().equals("GET") && !routes().contains(new Api.Route("HEAD", r.path(), r.access()))) {
                problems.add(key(r) + " has no HEAD twin with its access rule, so Javalin answers HEAD 200 unchecked");
            }
            if (r.method().equals("HEAD") && !r.access().equals(gets.getOrDefault(r.path(), Optional.empty()))) {
                problems.add(key(r) + " is not checked as its GET");
            }
        }
        assertThat(problems).isEmpty();

        String original = "/api/assets/" + a.asset() + "/original";
        HttpResponse<String> head = send("HEAD", original, Credential.key(alice.apiKey()), null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("content-length")).hasValue(a.original().length);
        assertThat(head.headers().firstValue("etag")).isPresent();
        assertThat(head.body()).isEmpty();
        assertThat(send("HEAD", original, Credential.NONE, null).statusCode()).isEqualTo(401);
        assertThat(send("HEAD", original, Credential.key(bob.apiKey()), null).statusCode()).isEqualTo(400);
        // The connection is still good for the next request: no body was sent after the HEAD's headers.
        assertThat(json(ok(server.get("/api/users/me", alice.apiKey()))).get("email").asText()).isEqualTo(alice.email());
    }

    @Test
    void everyAdminRouteRefusesAnOrdinaryUser() {
        List<String> problems = new ArrayList<>();
        List<Api.Route> adminRoutes = guarded().stream().filter(r -> r.access().orElseThrow().adminOnly()).toList();
        assertThat(adminRoutes).isNotEmpty();
        for (Api.Route r : adminRoutes) {
            expect(problems, r, 403, "Forbidden", send(r.method(), fill(r.path(), Map.of()), Credential.key(bob.apiKey()), "{}"));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyRouteRefusesAKeyWithoutItsPermission() {
        List<String> problems = new ArrayList<>();
        for (Api.Route r : guarded()) {
            Optional<Permission> needed = r.access().orElseThrow().permission();
            if (needed.isEmpty()) {
                continue;
            }
            // The admin's key with every permission but the one the route needs.
            String lacking = keysLacking.computeIfAbsent(needed.get(), p -> {
                EnumSet<Permission> others = EnumSet.complementOf(EnumSet.of(Permission.ALL, p));
                return catalogue.key(admin.id(), others);
            });
            expect(problems, r, 403, "Missing required permission: " + needed.get().wireName(),
                    send(r.method(), fill(r.path(), Map.of()), Credential.key(lacking), "{}"));
        }
        assertThat(problems).isEmpty();
    }

    // ---- ownership --------------------------------------------------------------------------

    /** The bodies Bob sends to routes that name Alice's object in their path (an empty object otherwise). */
    static Map<String, Object> pathIdBodies() {
        return Map.ofEntries(
                entry("PUT /api/assets/{id}", Map.of("isFavorite", true, "description", "bob was here")),
                entry("PATCH /api/albums/{id}", Map.of("albumName", "bob was here")),
                entry("PUT /api/albums/{id}/assets", Map.of("ids", List.of(bobAsset))),
                entry("DELETE /api/albums/{id}/assets", Map.of("ids", List.of(a.asset()))),
                entry("PUT /api/albums/{id}/users", Map.of("albumUsers", List.of(Map.of("userId", bob.id(), "role", "editor")))),
                entry("PUT /api/albums/{id}/user/{userId}", Map.of("role", "viewer")),
                entry("PUT /api/tags/{id}", Map.of("color", "#ff0000")),
                entry("PUT /api/tags/{id}/assets", Map.of("ids", List.of(bobAsset))),
                entry("DELETE /api/tags/{id}/assets", Map.of("ids", List.of(a.asset()))),
                entry("PUT /api/stacks/{id}", Map.of("primaryAssetId", a.asset3())),
                entry("PUT /api/api-keys/{id}", Map.of("name", "bob was here")),
                entry("PUT /api/notifications/{id}", Map.of("readAt", "2024-05-01T10:00:00.000Z")));
    }

    /** Alice's object that a path's {@code {id}} names, by the route's first segment. */
    static Optional<String> alicesObject(String path) {
        Matcher m = Pattern.compile("^/api/([a-z-]+)/\\{id}").matcher(path);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (m.group(1)) {
            case "assets" -> a.asset();
            case "albums" -> a.album();
            case "tags" -> a.tag();
            case "stacks" -> a.stack();
            case "api-keys" -> a.apiKey();
            case "sessions" -> a.session();
            case "notifications" -> a.notification();
            case "duplicates" -> a.duplicateGroup();
            default -> null;
        });
    }

    @Test
    void everyRouteNamingAnotherUsersObjectInItsPathRefusesIt() {
        List<String> problems = new ArrayList<>();
        int checked = intrude(bob, Set.of(), problems);
        // The admin is no more Alice's partner than Bob is: Immich's access checks make no exception for admins.
        checked += intrude(admin, Set.of(), problems);
        // A viewer reads the album and its asset, and changes nothing: not the album, its members, the asset.
        ok(server.get("/api/albums/" + a.album(), carol.apiKey()));
        ok(server.get("/api/assets/" + a.asset(), carol.apiKey()));
        checked += intrude(carol, Set.of(a.album(), a.asset()), problems);
        assertThat(checked).isGreaterThan(40);
        assertThat(problems).isEmpty();
    }

    /**
     * {@code intruder} tries every route that names Alice's object in its path; a GET of an object in
     * {@code readable} may answer, every other request must be refused. Returns how many it tried.
     */
    static int intrude(TestUser intruder, Set<String> readable, List<String> problems) {
        String before = aliceWorld();
        int checked = 0;
        for (Api.Route r : guarded()) {
            boolean read = r.method().equals("GET") || r.method().equals("HEAD");
            if (r.access().orElseThrow().adminOnly() || !r.path().contains("{") || SHARED_BY_DESIGN.containsKey(
                    (read ? "GET " : r.method() + " ") + r.path())) {
                continue;
            }
            Optional<String> object = alicesObject(r.path());
            if (object.isEmpty()) {
                problems.add(key(r) + ": no fixture of Alice's for its path; add one to alicesObject, or the route to "
                        + "SHARED_BY_DESIGN with Immich's reason");
                continue;
            }
            checked++;
            String what = intruder.email() + ": " + key(r) + " with Alice's " + object.get();
            String path = fill(r.path(), Map.of("id", object.get(), "userId", alice.id().toString()));
            Object body = pathIdBodies().getOrDefault(key(r), Map.of());
            HttpResponse<String> response = send(r.method(), path, Credential.key(intruder.apiKey()), ServerFixture.toJson(body));
            if (!(read && readable.contains(object.get()))) {
                refused(problems, what, response);
            }
            String after = aliceWorld();
            if (!after.equals(before)) {
                problems.add(what + " changed what Alice has:\n" + diff(before, after));
                before = after;
            }
        }
        return checked;
    }

    /**
     * What Immich does with another user's ids: refuses the whole request with a 400 (its
     * {@code requireAccess}), or skips them (its {@code checkAccess}: per-id failures, or nothing of
     * theirs in the answer).
     */
    enum Outcome { REFUSED, SKIPPED }

    /** A request of Bob's that names Alice's objects in its body or query. */
    record BulkCase(String route, String method, String path, Object body, Outcome outcome) {}

    static List<BulkCase> bulkCases() {
        String sha1 = TestFiles.sha1(a.original());
        String base64 = java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(sha1));
        return List.of(
                new BulkCase("PUT /api/assets", "PUT", "/api/assets", Map.of("ids", List.of(a.asset()), "isFavorite", true), Outcome.REFUSED),
                new BulkCase("PUT /api/assets", "PUT", "/api/assets", Map.of("ids", List.of(a.asset()), "isTrashed", true), Outcome.REFUSED),
                new BulkCase("PUT /api/assets", "PUT", "/api/assets", Map.of("ids", List.of(a.trashed()), "isTrashed", false), Outcome.REFUSED),
                new BulkCase("DELETE /api/assets", "DELETE", "/api/assets", Map.of("ids", List.of(a.asset())), Outcome.REFUSED),
                new BulkCase("DELETE /api/assets", "DELETE", "/api/assets", Map.of("ids", List.of(a.asset2(), bobAsset), "force", true), Outcome.REFUSED),
                new BulkCase("POST /api/trash/restore/assets", "POST", "/api/trash/restore/assets", Map.of("ids", List.of(a.trashed())), Outcome.REFUSED),
                new BulkCase("POST /api/assets/bulk-upload-check", "POST", "/api/assets/bulk-upload-check",
                        Map.of("assets", List.of(Map.of("id", "mine", "checksum", sha1), Map.of("id", "mine64", "checksum", base64))), Outcome.SKIPPED),
                new BulkCase("POST /api/assets", "POST", "/api/assets", "upload", Outcome.SKIPPED),
                new BulkCase("POST /api/assets/jobs", "POST", "/api/assets/jobs",
                        Map.of("assetIds", List.of(a.asset()), "name", "regenerate-thumbnail"), Outcome.REFUSED),
                new BulkCase("POST /api/search/metadata", "POST", "/api/search/metadata", Map.of("id", a.asset()), Outcome.SKIPPED),
                new BulkCase("POST /api/search/metadata", "POST", "/api/search/metadata", Map.of("checksum", base64), Outcome.SKIPPED),
                new BulkCase("POST /api/search/metadata", "POST", "/api/search/metadata", Map.of("originalFileName", "alice-secret-1.jpg"), Outcome.SKIPPED),
                new BulkCase("POST /api/search/metadata", "POST", "/api/search/metadata", Map.of("albumIds", List.of(a.album())), Outcome.SKIPPED),
                new BulkCase("POST /api/search/metadata", "POST", "/api/search/metadata", Map.of("tagIds", List.of(a.tag())), Outcome.SKIPPED),
                new BulkCase("GET /api/timeline/buckets", "GET", "/api/timeline/buckets?albumId=" + a.album(), null, Outcome.REFUSED),
                new BulkCase("GET /api/timeline/buckets", "GET", "/api/timeline/buckets?tagId=" + a.tag(), null, Outcome.REFUSED),
                new BulkCase("GET /api/timeline/buckets", "GET", "/api/timeline/buckets?userId=" + alice.id(), null, Outcome.REFUSED),
                new BulkCase("GET /api/timeline/bucket", "GET", "/api/timeline/bucket?timeBucket=2024-05-01&albumId=" + a.album(), null, Outcome.REFUSED),
                new BulkCase("GET /api/timeline/bucket", "GET", "/api/timeline/bucket?timeBucket=2024-05-01&tagId=" + a.tag(), null, Outcome.REFUSED),
                new BulkCase("GET /api/timeline/bucket", "GET", "/api/timeline/bucket?timeBucket=2024-05-01&userId=" + alice.id(), null, Outcome.REFUSED),
                new BulkCase("GET /api/albums", "GET", "/api/albums?assetId=" + a.asset(), null, Outcome.SKIPPED),
                new BulkCase("GET /api/albums", "GET", "/api/albums?id=" + a.album(), null, Outcome.SKIPPED),
                new BulkCase("POST /api/albums", "POST", "/api/albums", Map.of("albumName", "bob's", "assetIds", List.of(a.asset())), Outcome.SKIPPED),
                new BulkCase("PUT /api/albums/assets", "PUT", "/api/albums/assets",
                        Map.of("albumIds", List.of(a.album()), "assetIds", List.of(bobAsset)), Outcome.SKIPPED),
                new BulkCase("PUT /api/albums/assets", "PUT", "/api/albums/assets",
                        Map.of("albumIds", List.of(bobAlbum), "assetIds", List.of(a.asset())), Outcome.SKIPPED),
                new BulkCase("PUT /api/albums/{id}/assets", "PUT", "/api/albums/" + bobAlbum + "/assets", Map.of("ids", List.of(a.asset())), Outcome.SKIPPED),
                new BulkCase("DELETE /api/albums/{id}/assets", "DELETE", "/api/albums/" + bobAlbum + "/assets",
                        Map.of("ids", List.of(a.asset())), Outcome.SKIPPED),
                new BulkCase("PUT /api/tags/assets", "PUT", "/api/tags/assets",
                        Map.of("tagIds", List.of(a.tag()), "assetIds", List.of(bobAsset)), Outcome.SKIPPED),
                new BulkCase("PUT /api/tags/assets", "PUT", "/api/tags/assets",
                        Map.of("tagIds", List.of(bobTag), "assetIds", List.of(a.asset())), Outcome.SKIPPED),
                new BulkCase("PUT /api/tags/{id}/assets", "PUT", "/api/tags/" + bobTag + "/assets", Map.of("ids", List.of(a.asset())), Outcome.SKIPPED),
                new BulkCase("DELETE /api/tags/{id}/assets", "DELETE", "/api/tags/" + bobTag + "/assets", Map.of("ids", List.of(a.asset())), Outcome.SKIPPED),
                new BulkCase("POST /api/tags", "POST", "/api/tags", Map.of("name", "child", "parentId", a.tag()), Outcome.REFUSED),
                new BulkCase("PUT /api/tags", "PUT", "/api/tags", Map.of("tags", List.of("holiday/child")), Outcome.SKIPPED),
                new BulkCase("POST /api/stacks", "POST", "/api/stacks", Map.of("assetIds", List.of(a.asset(), bobAsset)), Outcome.REFUSED),
                new BulkCase("POST /api/stacks", "POST", "/api/stacks", Map.of("assetIds", List.of(bobAsset, a.asset())), Outcome.REFUSED),
                new BulkCase("DELETE /api/stacks", "DELETE", "/api/stacks", Map.of("ids", List.of(a.stack())), Outcome.REFUSED),
                new BulkCase("GET /api/stacks", "GET", "/api/stacks?primaryAssetId=" + a.asset2(), null, Outcome.SKIPPED),
                new BulkCase("GET /api/notifications", "GET", "/api/notifications?id=" + a.notification(), null, Outcome.SKIPPED),
                new BulkCase("PUT /api/notifications", "PUT", "/api/notifications",
                        Map.of("ids", List.of(a.notification()), "readAt", "2024-05-01T10:00:00.000Z"), Outcome.REFUSED),
                new BulkCase("DELETE /api/notifications", "DELETE", "/api/notifications", Map.of("ids", List.of(a.notification())), Outcome.REFUSED),
                new BulkCase("DELETE /api/sessions", "DELETE", "/api/sessions", null, Outcome.SKIPPED),
                // Bob's own objects pointing at Alice's.
                new BulkCase("PUT /api/assets/{id}", "PUT", "/api/assets/" + bobAsset, Map.of("livePhotoVideoId", a.asset()),
                        Outcome.REFUSED),
                new BulkCase("PATCH /api/albums/{id}", "PATCH", "/api/albums/" + bobAlbum, Map.of("albumThumbnailAssetId", a.asset()),
                        Outcome.REFUSED));
    }

    @Test
    void everyRouteNamingAnotherUsersObjectsInItsBodyOrQuerySkipsOrRefusesThem() {
        List<String> problems = new ArrayList<>();
        String before = aliceWorld();
        List<String> aliceIds = a.all();
        for (BulkCase c : bulkCases()) {
            HttpResponse<String> response = c.body() instanceof String s && s.equals("upload")
                    ? uploadAs(bob.apiKey())
                    : send(c.method(), c.path(), Credential.key(bob.apiKey()), c.body() == null ? null : ServerFixture.toJson(c.body()));
            String what = c.method() + " " + c.path() + " " + (c.body() == null ? "" : ServerFixture.toJson(c.body()));
            int status = response.statusCode();
            if (c.outcome() == Outcome.REFUSED) {
                refused(problems, what, response);
            } else if (status < 200 || status > 299) {
                problems.add(what + " answered " + status + ", where Immich skips another's ids: " + response.body());
            } else {
                leaks(response.body(), aliceIds).ifPresent(leak -> problems.add(what + " answered " + status + " with " + leak
                        + ": " + response.body()));
            }
            if (response.body().contains("alice-secret")) {
                problems.add(what + " showed Alice's names: " + response.body());
            }
            String after = aliceWorld();
            if (!after.equals(before)) {
                problems.add(what + " changed what Alice has:\n" + diff(before, after));
                before = after;
            }
        }
        // Nothing of Alice's became Bob's to read through an album, a tag, a stack or search.
        for (String asset : a.assets()) {
            HttpResponse<String> read = server.get("/api/assets/" + asset, bob.apiKey());
            if (read.statusCode() != 400) {
                problems.add("after the bulk requests Bob reads Alice's asset " + asset + ": " + read.statusCode() + " " + read.body());
            }
        }
        HttpResponse<String> bobsOwn = server.get("/api/assets/" + bobAsset, bob.apiKey());
        if (bobsOwn.statusCode() != 200 || json(bobsOwn).path("isTrashed").asBoolean()) {
            problems.add("a refused request changed Bob's own asset named beside Alice's: " + bobsOwn.body());
        }
        String bobsWorld = server.get("/api/albums/" + bobAlbum, bob.apiKey()).body() + server.get("/api/stacks", bob.apiKey()).body()
                + server.postJson("/api/search/metadata", bob.apiKey(), Map.of()).body()
                + server.get("/api/timeline/bucket?timeBucket=2024-05-01", bob.apiKey()).body();
        leaks(bobsWorld, aliceIds).ifPresent(leak -> problems.add("Bob's own things now hold " + leak + ": " + bobsWorld));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyRouteWithoutAnIdInItsPathIsAuditedForIdsInItsBody() {
        Set<String> exercised = new TreeSet<>();
        bulkCases().forEach(c -> exercised.add(c.route()));
        List<String> unaudited = new ArrayList<>();
        for (Api.Route r : guarded()) {
            if (!r.access().orElseThrow().adminOnly() && !r.path().contains("{") && !r.method().equals("HEAD")
                    && !exercised.contains(key(r)) && !OWN_ONLY.containsKey(key(r))) {
                unaudited.add(key(r));
            }
        }
        assertThat(unaudited).as("routes that may take another user's ids in their body or query: give each a case in "
                + "bulkCases, or put it in OWN_ONLY with the reason it cannot").isEmpty();
        Set<String> registered = new TreeSet<>();
        routes().forEach(r -> registered.add(key(r)));
        assertThat(registered).as("routes named in this test").containsAll(exercised).containsAll(OWN_ONLY.keySet())
                .containsAll(SHARED_BY_DESIGN.keySet());
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Everything of Alice's a request of Bob's could read or change, as Alice sees it. */
    static String aliceWorld() {
        StringBuilder s = new StringBuilder();
        List<String> reads = new ArrayList<>();
        a.assets().forEach(id -> reads.add("/api/assets/" + id));
        reads.addAll(List.of("/api/albums/" + a.album(), "/api/albums", "/api/tags/" + a.tag(), "/api/tags",
                "/api/stacks/" + a.stack(), "/api/notifications", "/api/duplicates",
                "/api/timeline/buckets?tagId=" + a.tag(), "/api/timeline/buckets?isTrashed=true"));
        for (String path : reads) {
            HttpResponse<String> r = server.get(path, alice.apiKey());
            s.append(path).append(' ').append(r.statusCode()).append(' ').append(r.body()).append('\n');
        }
        JsonNode keys = json(server.get("/api/api-keys", alice.apiKey()));
        keys.forEach(k -> s.append("key ").append(k.get("id").asText()).append(' ').append(k.get("name").asText()).append('\n'));
        JsonNode sessions = json(server.get("/api/sessions", alice.apiKey()));
        sessions.forEach(k -> s.append("session ").append(k.get("id").asText()).append('\n'));
        s.append("session works: ").append(server.send(server.request("/api/users/me", null)
                .header("Authorization", "Bearer " + a.sessionToken()).GET().build()).statusCode()).append('\n');
        HttpResponse<byte[]> original = TestFiles.bytes(server.request("/api/assets/" + a.asset() + "/original", alice.apiKey()).GET().build());
        s.append("original ").append(original.statusCode()).append(' ').append(TestFiles.sha1(original.body())).append('\n');
        s.append("album members ").append(catalogue.count("SELECT count(*) FROM album_users WHERE album_id = '" + a.album() + "'"));
        return s.toString();
    }

    static String diff(String before, String after) {
        List<String> b = List.of(before.split("\n"));
        StringBuilder d = new StringBuilder();
        for (String line : after.split("\n")) {
            if (!b.contains(line)) {
                d.append("  now: ").append(line).append('\n');
            }
        }
        return d.toString();
    }

    /** Alice's ids in a successful answer, except as a failed entry of a bulk result. */
    static Optional<String> leaks(String body, List<String> aliceIds) {
        String rest = body;
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.isArray()) {
                StringBuilder kept = new StringBuilder();
                for (JsonNode item : n) {
                    boolean failedEntry = item.has("success") && !item.get("success").asBoolean();
                    if (!failedEntry) {
                        kept.append(item);
                    }
                }
                rest = kept.toString();
            }
        } catch (Exception notJson) {
            // Compared as text.
        }
        for (String id : aliceIds) {
            if (rest.contains(id)) {
                return Optional.of("Alice's " + id);
            }
        }
        return Optional.empty();
    }

    /** Bob uploads the very bytes of Alice's asset, announcing their checksum: he gets his own asset, not hers. */
    static HttpResponse<String> uploadAs(String apiKey) {
        Multipart form = Multipart.asset("mine.jpg", a.original());
        return server.send(server.request("/api/assets", apiKey).header("content-type", form.contentType())
                .header("x-immich-checksum", TestFiles.sha1(a.original()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build());
    }

    static void refused(List<String> problems, String what, HttpResponse<String> response) {
        int status = response.statusCode();
        if (response.request().method().equals("HEAD")) {
            if (status != 400) {
                problems.add(what + " answered " + status + " for Alice's object, where Immich's access check answers 400");
            }
            return;
        }
        if (status != 400 || !isError(response)) {
            problems.add(what + " answered " + status + " for Alice's object, where Immich's access check answers 400: "
                    + response.body());
        } else if (json(response).path("message").asText().equals("Validation failed")) {
            problems.add(what + " failed validation, so ownership was not tested (give it a body in pathIdBodies): "
                    + response.body());
        } else if (response.body().contains("alice-secret")) {
            problems.add(what + " told Alice's names: " + response.body());
        }
    }

    static boolean isError(HttpResponse<String> response) {
        try {
            OpenApiContract.assertImmichError(response.statusCode(), response);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    static void expect(List<String> problems, Api.Route r, int status, String message, HttpResponse<String> response) {
        if (r.method().equals("HEAD")) { // no body to read a message from
            if (response.statusCode() != status) {
                problems.add(key(r) + ": status is " + response.statusCode() + ", expected " + status);
            }
            return;
        }
        try {
            OpenApiContract.assertImmichError(status, message, response);
        } catch (AssertionError e) {
            problems.add(key(r) + ": " + e.getMessage().lines().findFirst().orElse("") + " (answered " + response.statusCode()
                    + " " + response.body() + ")");
        }
    }

    static Optional<JsonNode> operation(OpenApiContract spec, Api.Route r) {
        if (!r.path().startsWith(Api.PREFIX + "/")) {
            return Optional.empty();
        }
        JsonNode op = spec.spec().path("paths").path(r.path().substring(Api.PREFIX.length()))
                .path(r.method().toLowerCase(java.util.Locale.ROOT));
        return op.isMissingNode() ? Optional.empty() : Optional.of(op);
    }

    /** The route's path with its parameters filled from {@code values}, a fresh id or a queue's name otherwise. */
    static String fill(String template, Map<String, String> values) {
        Matcher m = Pattern.compile("\\{([^}]+)}|<([^>]+)>").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = values.getOrDefault(name, switch (name) {
                case "name" -> "thumbnailGeneration";
                case "path" -> "index.html";
                case "holder" -> "someone";
                default -> UUID.randomUUID().toString();
            });
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    sealed interface Credential {
        Credential NONE = new None();

        record None() implements Credential {}

        record Key(String secret) implements Credential {}

        record Bearer(String token) implements Credential {}

        record Cookie(String token) implements Credential {}

        /** Immich's {@code x-immich-user-token} header. */
        record UserToken(String token) implements Credential {}

        static Credential key(String secret) {
            return new Key(secret);
        }

        static Credential bearer(String token) {
            return new Bearer(token);
        }

        static Credential cookie(String token) {
            return new Cookie(token);
        }
    }

    static HttpResponse<String> send(String method, String path, Credential credential, String body) {
        HttpRequest.Builder b = server.request(path, null);
        switch (credential) {
            case Credential.None n -> { }
            case Credential.Key k -> b.header("x-api-key", k.secret());
            case Credential.Bearer t -> b.header("Authorization", "Bearer " + t.token());
            case Credential.Cookie c -> b.header("Cookie", "immich_access_token=" + c.token());
            case Credential.UserToken t -> b.header("x-immich-user-token", t.token());
        }
        if (method.equals("GET") || body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return server.send(b.build());
    }

    static String login(TestUser user) {
        return json(ok(server.postJson("/api/auth/login", null, Map.of("email", user.email(),
                "password", "password-" + user.email())))).get("accessToken").asText();
    }

    static HttpResponse<String> ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.request().method() + " " + response.uri() + ": " + response.body())
                .isBetween(200, 299);
        return response;
    }

}
