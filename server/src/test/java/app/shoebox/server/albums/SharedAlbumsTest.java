package app.shoebox.server.albums;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import app.shoebox.server.assets.TestFiles;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.json;
import static app.shoebox.server.TestCatalogue.bulkResults;
import static app.shoebox.server.TestCatalogue.ids;
import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static app.shoebox.server.contract.OpenApiContract.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Albums shared with other users, as Immich 3.1 shares them: members with roles on create and
 * later, the owner alone manages members, an editor adds (and removes their own) assets, a viewer
 * only looks, and a member sees the album's assets (details, thumbnails, originals) but nothing
 * else of the owner's.
 */
class SharedAlbumsTest {

    static ServerFixture server;
    static TestCatalogue catalogue;
    static TestUser owner;
    static TestUser editor;
    static TestUser viewer;
    static TestUser stranger;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("shared_albums");
        catalogue = new TestCatalogue(server);
        owner = catalogue.newUser("owner@example.com");
        editor = catalogue.newUser("editor@example.com");
        viewer = catalogue.newUser("viewer@example.com");
        stranger = catalogue.newUser("stranger@example.com");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String sharedAlbum(String name, List<String> assetIds) {
        var created = server.postJson("/api/albums", owner.apiKey(), Map.of("albumName", name, "assetIds", assetIds,
                "albumUsers", List.of(Map.of("userId", editor.id().toString(), "role", "editor"),
                        Map.of("userId", viewer.id().toString(), "role", "viewer"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertValid("POST", "/albums", created);
        return json(created).get("id").asText();
    }

    @Test
    void membersAndRolesAreListedOwnerFirstThenTheCallerThenByName() {
        String album = sharedAlbum("Roles", List.of());
        JsonNode asViewer = json(server.get("/api/albums/" + album, viewer.apiKey()));
        assertThat(asViewer.get("shared").asBoolean()).isTrue();
        assertThat(asViewer.get("ownerId").asText()).isEqualTo(owner.id().toString());
        List<String> roles = new ArrayList<>();
        asViewer.get("albumUsers").forEach(u -> roles.add(u.at("/user/email").asText() + " " + u.get("role").asText()));
        assertThat(roles).containsExactly("owner@example.com owner", "viewer@example.com viewer", "editor@example.com editor");
        assertValid("GET", "/albums/{id}", server.get("/api/albums/" + album, viewer.apiKey()));
        assertImmichError(400, "Not found or no album.read access", server.get("/api/albums/" + album, stranger.apiKey()));
    }

    @Test
    void sharedAlbumsAreListedWithTheSharedAndOwnedFilters() {
        String shared = sharedAlbum("Listed shared", List.of());
        String mine = json(server.postJson("/api/albums", owner.apiKey(), Map.of("albumName", "Listed mine"))).get("id").asText();

        var all = server.get("/api/albums", viewer.apiKey());
        assertValid("GET", "/albums", all);
        assertThat(ids(json(all))).contains(shared).doesNotContain(mine);
        assertThat(ids(json(server.get("/api/albums?isOwned=false", viewer.apiKey())))).contains(shared);
        assertThat(ids(json(server.get("/api/albums?isOwned=true", viewer.apiKey())))).doesNotContain(shared);
        assertThat(ids(json(server.get("/api/albums?isShared=true", owner.apiKey())))).contains(shared).doesNotContain(mine);
        assertThat(ids(json(server.get("/api/albums?isShared=false", owner.apiKey())))).contains(mine).doesNotContain(shared);
        // v2 clients: shared=true lists every shared album, shared=false the caller's own unshared ones.
        assertThat(ids(json(server.get("/api/albums?shared=true", viewer.apiKey())))).contains(shared);
        assertThat(ids(json(server.get("/api/albums?shared=false", owner.apiKey())))).contains(mine).doesNotContain(shared);

        var stats = server.get("/api/albums/statistics", viewer.apiKey());
        assertValid("GET", "/albums/statistics", stats);
        assertThat(json(stats).get("shared").asLong()).isPositive();
        assertThat(json(stats).get("owned").asLong()).isZero();
    }

    @Test
    void aViewerSeesButCannotAddAnEditorAddsAndRemovesOnlyTheirOwn() {
        UUID ownersAsset = catalogue.asset(owner.id(), "owners.jpg");
        String album = sharedAlbum("Contributions", List.of(ownersAsset.toString()));
        UUID viewersAsset = catalogue.asset(viewer.id(), "viewers.jpg");
        UUID editorsAsset = catalogue.asset(editor.id(), "editors.jpg");

        assertImmichError(400, "Not found or no albumAsset.create access", server.putJson("/api/albums/" + album + "/assets",
                viewer.apiKey(), Map.of("ids", List.of(viewersAsset.toString()))));
        var added = server.putJson("/api/albums/" + album + "/assets", editor.apiKey(),
                Map.of("ids", List.of(editorsAsset.toString(), ownersAsset.toString())));
        assertValid("PUT", "/albums/{id}/assets", added);
        // The owner's asset is already there; the editor may add only assets of their own.
        assertThat(bulkResults(json(added))).containsExactly(editorsAsset + " true -", ownersAsset + " false no_permission");
        assertThat(ids(json(server.get("/api/albums/" + album, viewer.apiKey())).get("assets")))
                .containsExactlyInAnyOrder(ownersAsset.toString(), editorsAsset.toString());

        var removed = server.deleteJson("/api/albums/" + album + "/assets", editor.apiKey(),
                Map.of("ids", List.of(ownersAsset.toString(), editorsAsset.toString())));
        assertThat(bulkResults(json(removed))).containsExactly(ownersAsset + " false no_permission", editorsAsset + " true -");
        assertImmichError(400, "Not found or no albumAsset.delete access", server.deleteJson("/api/albums/" + album + "/assets",
                viewer.apiKey(), Map.of("ids", List.of(ownersAsset.toString()))));
        // Only the owner renames or deletes the album.
        assertImmichError(400, "Not found or no album.update access",
                catalogue.patchJson("/api/albums/" + album, editor.apiKey(), Map.of("albumName", "mine now")));
        assertImmichError(400, "Not found or no album.delete access", catalogue.delete("/api/albums/" + album, editor.apiKey()));
    }

    @Test
    void aMemberSeesTheAlbumsAssetsAndNothingElseOfTheOwners() throws Exception {
        byte[] photo = TestFiles.jpeg(3000);
        String inAlbum = TestFiles.uploadNew(server, owner.apiKey(), "shared.jpg", photo);
        String notInAlbum = TestFiles.uploadNew(server, owner.apiKey(), "private.jpg", TestFiles.jpeg(3100));
        String album = sharedAlbum("Visible", List.of(inAlbum));
        String otherAlbum = json(server.postJson("/api/albums", owner.apiKey(),
                Map.of("albumName", "Not shared", "assetIds", List.of(inAlbum, notInAlbum)))).get("id").asText();
        Path thumb = server.library().resolve("thumbs/" + inAlbum + ".webp");
        Files.createDirectories(thumb.getParent());
        Files.write(thumb, new byte[] {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'});
        server.server().database().jdbi().useHandle(h -> h.createUpdate("UPDATE assets SET thumbnail_path = :p WHERE id = :id")
                .bind("p", "thumbs/" + inAlbum + ".webp").bind("id", UUID.fromString(inAlbum)).execute());

        var details = server.get("/api/assets/" + inAlbum, viewer.apiKey());
        assertThat(details.statusCode()).as(details.body()).isEqualTo(200);
        assertValid("GET", "/assets/{id}", details);
        assertThat(json(details).get("ownerId").asText()).isEqualTo(owner.id().toString());
        var original = TestFiles.bytes(server.request("/api/assets/" + inAlbum + "/original", viewer.apiKey()).GET().build());
        assertThat(original.statusCode()).isEqualTo(200);
        assertThat(original.body()).isEqualTo(photo);
        assertThat(server.get("/api/assets/" + inAlbum + "/thumbnail", viewer.apiKey()).statusCode()).isEqualTo(200);

        assertImmichError(400, "Not found or no asset.read access", server.get("/api/assets/" + notInAlbum, viewer.apiKey()));
        assertImmichError(400, "Not found or no asset.download access",
                server.get("/api/assets/" + notInAlbum + "/original", viewer.apiKey()));
        assertImmichError(400, "Not found or no asset.read access", server.get("/api/assets/" + inAlbum, stranger.apiKey()));
        assertImmichError(400, "Not found or no asset.update access",
                server.putJson("/api/assets/" + inAlbum, viewer.apiKey(), Map.of("isFavorite", true)));
        // The owner's other albums stay the owner's, even those holding the same asset.
        assertImmichError(400, "Not found or no album.read access", server.get("/api/albums/" + otherAlbum, viewer.apiKey()));
        assertThat(ids(json(server.get("/api/albums?assetId=" + inAlbum, viewer.apiKey())))).containsExactly(album);
        // The album's timeline shows its assets to the member; their own timeline does not.
        var bucket = server.get("/api/timeline/bucket?timeBucket=2024-05-01&albumId=" + album, viewer.apiKey());
        assertThat(bucket.statusCode()).as(bucket.body()).isEqualTo(200);
        assertThat(json(bucket).get("id").toString()).contains(inAlbum).doesNotContain(notInAlbum);
        assertThat(json(server.get("/api/timeline/bucket?timeBucket=2024-05-01", viewer.apiKey())).get("id").toString())
                .doesNotContain(inAlbum);

        // Once the viewer leaves, the asset is out of reach again.
        assertThat(catalogue.delete("/api/albums/" + album + "/user/me", viewer.apiKey()).statusCode()).isEqualTo(204);
        assertImmichError(400, "Not found or no asset.read access", server.get("/api/assets/" + inAlbum, viewer.apiKey()));
    }

    @Test
    void theOwnerManagesMembersAndTheirRoles() {
        String album = json(server.postJson("/api/albums", owner.apiKey(), Map.of("albumName", "Members"))).get("id").asText();
        var added = server.putJson("/api/albums/" + album + "/users", owner.apiKey(),
                Map.of("albumUsers", List.of(Map.of("userId", viewer.id().toString(), "role", "viewer"),
                        Map.of("userId", editor.id().toString()))));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertValid("PUT", "/albums/{id}/users", added);
        // A member added without a role is an editor, as in Immich.
        assertThat(json(added).get("albumUsers").toString()).contains("\"role\":\"editor\"").contains("\"role\":\"viewer\"");

        assertImmichError(400, "User already added", server.putJson("/api/albums/" + album + "/users", owner.apiKey(),
                Map.of("albumUsers", List.of(Map.of("userId", viewer.id().toString(), "role", "viewer")))));
        assertImmichError(400, "Cannot be shared with owner", server.putJson("/api/albums/" + album + "/users", owner.apiKey(),
                Map.of("albumUsers", List.of(Map.of("userId", owner.id().toString(), "role", "viewer")))));
        assertImmichError(400, "User not found", server.putJson("/api/albums/" + album + "/users", owner.apiKey(),
                Map.of("albumUsers", List.of(Map.of("userId", UUID.randomUUID().toString(), "role", "viewer")))));
        assertImmichError(400, "Not found or no album.share access", server.putJson("/api/albums/" + album + "/users",
                editor.apiKey(), Map.of("albumUsers", List.of(Map.of("userId", stranger.id().toString(), "role", "viewer")))));
        assertImmichError(400, "Validation failed", server.putJson("/api/albums/" + album + "/users", owner.apiKey(),
                Map.of("albumUsers", List.of())));

        // The viewer becomes an editor and may add.
        var promote = server.putJson("/api/albums/" + album + "/user/" + viewer.id(), owner.apiKey(), Map.of("role", "editor"));
        assertThat(promote.statusCode()).isEqualTo(204);
        assertValid("PUT", "/albums/{id}/user/{userId}", promote);
        UUID viewersAsset = catalogue.asset(viewer.id(), "promoted.jpg");
        assertThat(server.putJson("/api/albums/" + album + "/assets", viewer.apiKey(),
                Map.of("ids", List.of(viewersAsset.toString()))).statusCode()).isEqualTo(200);
        assertImmichError(400, "Not found or no album.share access",
                server.putJson("/api/albums/" + album + "/user/" + editor.id(), viewer.apiKey(), Map.of("role", "viewer")));
        assertImmichError(400, "Validation failed",
                server.putJson("/api/albums/" + album + "/user/" + viewer.id(), owner.apiKey(), Map.of("role", "boss")));

        // A member cannot remove another; the owner can; nobody removes the owner.
        assertImmichError(400, "Not found or no album.share access",
                catalogue.delete("/api/albums/" + album + "/user/" + editor.id(), viewer.apiKey()));
        assertImmichError(400, "Cannot remove album owner",
                catalogue.delete("/api/albums/" + album + "/user/" + owner.id(), owner.apiKey()));
        var removed = catalogue.delete("/api/albums/" + album + "/user/" + editor.id(), owner.apiKey());
        assertThat(removed.statusCode()).isEqualTo(204);
        assertValid("DELETE", "/albums/{id}/user/{userId}", removed);
        assertImmichError(400, "Album not shared with user",
                catalogue.delete("/api/albums/" + album + "/user/" + editor.id(), owner.apiKey()));
        assertImmichError(400, "Not found or no album.read access", server.get("/api/albums/" + album, editor.apiKey()));
    }

    @Test
    void albumUsersOnCreateAreChecked() {
        assertImmichError(400, "User not found", server.postJson("/api/albums", owner.apiKey(), Map.of("albumName", "x",
                "albumUsers", List.of(Map.of("userId", UUID.randomUUID().toString(), "role", "viewer")))));
        var badRole = server.postJson("/api/albums", owner.apiKey(), Map.of("albumName", "x",
                "albumUsers", List.of(Map.of("userId", viewer.id().toString(), "role", "boss"))));
        assertImmichError(400, "Validation failed", badRole);
        assertThat(json(badRole).at("/errors/0/path").toString()).isEqualTo("[\"albumUsers\",0,\"role\"]");
        assertThat(catalogue.count("SELECT count(*) FROM albums WHERE album_name = 'x'")).isZero();
    }
}
