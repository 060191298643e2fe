package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static org.assertj.core.api.Assertions.assertThat;

/** Trash (restore some, restore all, empty), the old bulk {@code isTrashed} edit, and video playback. */
class TrashRoutesTest {

    static ServerFixture server;
    static TestCatalogue catalogue;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("trash_routes");
        catalogue = new TestCatalogue(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String status(UUID id) {
        return server.server().database().jdbi().withHandle(h -> h.createQuery("SELECT status FROM assets WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne().orElse("gone"));
    }

    private static void trash(TestUser user, UUID... ids) {
        HttpResponse<String> r = server.deleteJson("/api/assets", user.apiKey(), Map.of("ids", List.of(ids).stream().map(UUID::toString).toList()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    @Test
    void restoreSomeThenAll() {
        TestUser ann = catalogue.newUser("trash-ann@example.com");
        UUID a = catalogue.asset(ann.id(), "a.jpg");
        UUID b = catalogue.asset(ann.id(), "b.jpg");
        UUID c = catalogue.asset(ann.id(), "c.jpg");
        trash(ann, a, b, c);

        HttpResponse<String> some = server.postJson("/api/trash/restore/assets", ann.apiKey(), Map.of("ids", List.of(a.toString())));
        assertThat(some.statusCode()).as(some.body()).isEqualTo(200);
        assertValid("POST", "/trash/restore/assets", some);
        assertThat(json(some).get("count").asInt()).isEqualTo(1);
        assertThat(List.of(status(a), status(b), status(c))).containsExactly("active", "trashed", "trashed");

        HttpResponse<String> all = server.postJson("/api/trash/restore", ann.apiKey(), "");
        assertValid("POST", "/trash/restore", all);
        assertThat(json(all).get("count").asInt()).isEqualTo(2);
        assertThat(List.of(status(a), status(b), status(c))).containsOnly("active");
    }

    @Test
    void emptyingRemovesOnlyTheCallersTrashForGood() {
        TestUser ann = catalogue.newUser("empty-ann@example.com");
        TestUser bob = catalogue.newUser("empty-bob@example.com");
        UUID kept = catalogue.asset(ann.id(), "kept.jpg");
        UUID gone = catalogue.asset(ann.id(), "gone.jpg");
        UUID bobs = catalogue.asset(bob.id(), "bobs.jpg");
        trash(ann, gone);
        trash(bob, bobs);

        HttpResponse<String> r = server.postJson("/api/trash/empty", ann.apiKey(), "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertValid("POST", "/trash/empty", r);
        assertThat(json(r).get("count").asInt()).isEqualTo(1);
        assertThat(List.of(status(kept), status(gone), status(bobs))).containsExactly("active", "gone", "trashed");
    }

    @Test
    void anotherUsersAssetCannotBeRestored() {
        TestUser ann = catalogue.newUser("thief-ann@example.com");
        TestUser bob = catalogue.newUser("thief-bob@example.com");
        UUID bobs = catalogue.asset(bob.id(), "bobs.jpg");
        trash(bob, bobs);
        assertThat(server.postJson("/api/trash/restore/assets", ann.apiKey(), Map.of("ids", List.of(bobs.toString())))
                .statusCode()).isEqualTo(400);
        assertThat(json(server.postJson("/api/trash/restore", ann.apiKey(), "")).get("count").asInt()).isZero();
        assertThat(status(bobs)).isEqualTo("trashed");
        assertThat(server.postJson("/api/trash/restore/assets", ann.apiKey(), "{\"ids\":[\"nope\"]}").statusCode()).isEqualTo(400);
    }

    @Test
    void bulkEditWithIsTrashedTrashesAndRestores() {
        TestUser ann = catalogue.newUser("bulk-ann@example.com");
        UUID a = catalogue.asset(ann.id(), "a.jpg");
        assertThat(server.putJson("/api/assets", ann.apiKey(), Map.of("ids", List.of(a.toString()), "isTrashed", true))
                .statusCode()).isEqualTo(204);
        assertThat(status(a)).isEqualTo("trashed");
        assertThat(server.putJson("/api/assets", ann.apiKey(), Map.of("ids", List.of(a.toString()), "isTrashed", false))
                .statusCode()).isEqualTo(204);
        assertThat(status(a)).isEqualTo("active");
        assertThat(server.putJson("/api/assets", ann.apiKey(), Map.of("ids", List.of(a.toString()), "isTrashed", "no"))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void videoPlaybackServesRangesOfTheOriginal() {
        byte[] clip = TestFiles.mp4(100_000);
        String id = TestFiles.uploadNew(server, ServerFixture.ADMIN_KEY, "clip.mp4", clip);

        HttpResponse<byte[]> whole = TestFiles.bytes(server.request("/api/assets/" + id + "/video/playback", ServerFixture.ADMIN_KEY).GET().build());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(clip);
        assertThat(whole.headers().firstValue("accept-ranges")).contains("bytes");
        assertValid("GET", "/assets/{id}/video/playback", new StringResponse(whole));

        HttpResponse<byte[]> part = TestFiles.bytes(server.request("/api/assets/" + id + "/video/playback", ServerFixture.ADMIN_KEY)
                .header("Range", "bytes=1000-1999").GET().build());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("content-range")).contains("bytes 1000-1999/" + clip.length);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(clip, 1000, 2000));

        UUID photo = catalogue.asset(catalogue.admin().id(), "photo.jpg");
        assertThat(server.get("/api/assets/" + photo + "/video/playback", ServerFixture.ADMIN_KEY).statusCode()).isEqualTo(400);
        TestUser other = catalogue.newUser("video-other@example.com");
        assertImmichError(400, "Not found or no asset.view access", server.get("/api/assets/" + id + "/video/playback", other.apiKey()));
    }

    /** A binary response seen as the contract checker reads it (status and content type only). */
    private record StringResponse(HttpResponse<byte[]> r) implements HttpResponse<String> {
        public int statusCode() { return r.statusCode(); }
        public HttpRequest request() { return r.request(); }
        public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        public java.net.http.HttpHeaders headers() { return r.headers(); }
        public String body() { return ""; }
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
        public java.net.URI uri() { return r.uri(); }
        public java.net.http.HttpClient.Version version() { return r.version(); }
    }
}
