package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static app.shoebox.server.assets.TestFiles.jpeg;
import static app.shoebox.server.assets.TestFiles.uploadNew;
import static app.shoebox.server.contract.OpenApiContract.assertImmichError;
import static org.assertj.core.api.Assertions.assertThat;

class AssetEditTest {

    static ServerFixture server;
    static final String KEY = ServerFixture.ADMIN_KEY;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("asset_edit");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<String> locked(String id) {
        return server.server().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT locked_properties FROM asset_exif WHERE asset_id = CAST(:id AS uuid)")
                .bind("id", id).map((rs, ctx) -> Arrays.asList((String[]) rs.getArray(1).getArray())).one());
    }

    @Test
    void putChangesTheFieldsSentAndLocksTheExifOnes() {
        String id = uploadNew(server, KEY, "edit.jpg", jpeg(1000));
        var r = server.putJson("/api/assets/" + id, KEY, Map.of(
                "description", "Rome, at dusk", "dateTimeOriginal", "2019-07-14T18:30:00+02:00",
                "latitude", 41.9, "longitude", 12.5, "rating", 4, "isFavorite", true, "visibility", "archive"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode a = ServerFixture.json(r);
        assertThat(a.at("/exifInfo/description").asText()).isEqualTo("Rome, at dusk");
        assertThat(a.at("/exifInfo/latitude").asDouble()).isEqualTo(41.9);
        assertThat(a.at("/exifInfo/longitude").asDouble()).isEqualTo(12.5);
        assertThat(a.at("/exifInfo/rating").asInt()).isEqualTo(4);
        assertThat(a.at("/exifInfo/dateTimeOriginal").asText()).startsWith("2019-07-14T16:30");
        assertThat(a.get("fileCreatedAt").asText()).startsWith("2019-07-14T16:30");
        assertThat(a.get("localDateTime").asText()).startsWith("2019-07-14T18:30");
        assertThat(a.get("isFavorite").asBoolean()).isTrue();
        assertThat(a.get("visibility").asText()).isEqualTo("archive");
        assertThat(a.get("hasMetadata").asBoolean()).isTrue();
        assertThat(locked(id)).containsExactlyInAnyOrder("dateTimeOriginal", "description", "latitude", "longitude", "rating");

        // Only what is sent changes; an explicit null rating clears it.
        var again = new HashMap<String, Object>();
        again.put("rating", null);
        JsonNode b = ServerFixture.json(server.putJson("/api/assets/" + id, KEY, again));
        assertThat(b.at("/exifInfo/rating").isNull()).isTrue();
        assertThat(b.at("/exifInfo/description").asText()).isEqualTo("Rome, at dusk");
        assertThat(b.get("isFavorite").asBoolean()).isTrue();
    }

    @Test
    void putRefusesValuesOutsideTheSpec() {
        String id = uploadNew(server, KEY, "bad-edit.jpg", jpeg(1001));
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("rating", 0), Map.of("rating", 6),
                Map.of("latitude", 91, "longitude", 0), Map.of("visibility", "everywhere"), Map.of("isFavorite", "yes"),
                Map.of("dateTimeOriginal", "last summer"))) {
            var r = server.putJson("/api/assets/" + id, KEY, bad);
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
        }
        assertThat(server.putJson("/api/assets/not-a-uuid", KEY, Map.of()).statusCode()).isEqualTo(400);
        assertImmichError(400, "Not found or no asset.update access", server.putJson("/api/assets/" + java.util.UUID.randomUUID(), KEY, Map.of("isFavorite", true)));
    }

    @Test
    void bulkPutChangesAllOrNone() {
        String a = uploadNew(server, KEY, "bulk-a.jpg", jpeg(1002));
        String b = uploadNew(server, KEY, "bulk-b.jpg", jpeg(1003));
        var r = server.putJson("/api/assets", KEY, Map.of("ids", List.of(a, b), "isFavorite", true, "description", "both"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        for (String id : List.of(a, b)) {
            JsonNode asset = ServerFixture.json(server.get("/api/assets/" + id, KEY));
            assertThat(asset.get("isFavorite").asBoolean()).isTrue();
            assertThat(asset.at("/exifInfo/description").asText()).isEqualTo("both");
            assertThat(locked(id)).containsExactly("description");
        }
        String foreign = TestFiles.uploadNew(server, Users.create(server, "edit-other@test.local").apiKey(), "x.jpg", jpeg(1004));
        var mixed = server.putJson("/api/assets", KEY, Map.of("ids", List.of(a, foreign), "isFavorite", false));
        assertThat(mixed.statusCode()).isEqualTo(400);
        assertThat(ServerFixture.json(server.get("/api/assets/" + a, KEY)).get("isFavorite").asBoolean()).isTrue();
    }

    @Test
    void bulkPutShiftsCaptureTimesByMinutes() {
        String id = uploadNew(server, KEY, "clock-off.jpg", jpeg(1010)); // taken 2024-05-01T10:00Z
        var r = server.putJson("/api/assets", KEY, Map.of("ids", List.of(id), "dateTimeRelative", -90));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        JsonNode a = ServerFixture.json(server.get("/api/assets/" + id, KEY));
        assertThat(a.get("fileCreatedAt").asText()).startsWith("2024-05-01T08:30");
        assertThat(a.at("/exifInfo/dateTimeOriginal").asText()).startsWith("2024-05-01T08:30");
        assertThat(locked(id)).containsExactly("dateTimeOriginal");
        assertThat(server.putJson("/api/assets", KEY, Map.of("ids", List.of(id), "dateTimeRelative", 1.5)).statusCode()).isEqualTo(400);
    }

    @Test
    void deleteTrashesThenForceRemovesRowAndFiles() {
        String id = uploadNew(server, KEY, "delete-me.jpg", jpeg(1005));
        Path file = server.library().resolve(ServerFixture.json(server.get("/api/assets/" + id, KEY)).get("originalPath").asText());

        assertThat(server.deleteJson("/api/assets", KEY, Map.of("ids", List.of(id))).statusCode()).isEqualTo(204);
        JsonNode trashed = ServerFixture.json(server.get("/api/assets/" + id, KEY));
        assertThat(trashed.get("isTrashed").asBoolean()).isTrue();
        String deletedAt = server.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT status || ' ' || (deleted_at IS NOT NULL) FROM assets WHERE id = CAST(:id AS uuid)").bind("id", id).mapTo(String.class).one());
        assertThat(deletedAt).isEqualTo("trashed true");
        assertThat(file).exists();

        assertThat(server.deleteJson("/api/assets", KEY, Map.of("ids", List.of(id), "force", true)).statusCode()).isEqualTo(204);
        assertImmichError(400, "Not found or no asset.read access", server.get("/api/assets/" + id, KEY));
        assertThat(file).doesNotExist();
        assertThat(Files.exists(file.getParent())).isTrue(); // other assets may share the folder
    }

    @Test
    void statisticsCountByTypeAndFilter() {
        ServerFixture fresh = server;
        Users user = Users.create(fresh, "stats@test.local");
        String img1 = uploadNew(fresh, user.apiKey(), "s1.jpg", jpeg(1100));
        uploadNew(fresh, user.apiKey(), "s2.jpg", jpeg(1101));
        uploadNew(fresh, user.apiKey(), "v1.mp4", TestFiles.mp4(1102));
        String trashed = uploadNew(fresh, user.apiKey(), "s3.jpg", jpeg(1103));
        fresh.putJson("/api/assets/" + img1, user.apiKey(), Map.of("isFavorite", true));
        fresh.deleteJson("/api/assets", user.apiKey(), Map.of("ids", List.of(trashed)));

        JsonNode all = ServerFixture.json(fresh.get("/api/assets/statistics", user.apiKey()));
        assertThat(all.get("images").asLong()).isEqualTo(2);
        assertThat(all.get("videos").asLong()).isEqualTo(1);
        assertThat(all.get("total").asLong()).isEqualTo(3);
        JsonNode favorites = ServerFixture.json(fresh.get("/api/assets/statistics?isFavorite=true", user.apiKey()));
        assertThat(favorites.get("total").asLong()).isEqualTo(1);
        JsonNode trash = ServerFixture.json(fresh.get("/api/assets/statistics?isTrashed=true", user.apiKey()));
        assertThat(trash.get("images").asLong()).isEqualTo(1);
        assertThat(trash.get("total").asLong()).isEqualTo(1);
        assertThat(fresh.get("/api/assets/statistics?visibility=nowhere", user.apiKey()).statusCode()).isEqualTo(400);
    }

    @Test
    void anotherUsersAssetDoesNotExistForYou() {
        String mine = uploadNew(server, KEY, "private.jpg", jpeg(1200));
        String other = Users.create(server, "nosy@test.local").apiKey();
        assertImmichError(400, "Not found or no asset.read access", server.get("/api/assets/" + mine, other));
        assertImmichError(400, "Not found or no asset.download access", server.get("/api/assets/" + mine + "/original", other));
        assertImmichError(400, "Not found or no asset.view access", server.get("/api/assets/" + mine + "/thumbnail", other));
        assertImmichError(400, "Not found or no asset.update access", server.putJson("/api/assets/" + mine, other, Map.of("isFavorite", true)));
        assertThat(server.putJson("/api/assets", other, Map.of("ids", List.of(mine), "isFavorite", true)).statusCode()).isEqualTo(400);
        assertThat(server.deleteJson("/api/assets", other, Map.of("ids", List.of(mine), "force", true)).statusCode()).isEqualTo(400);

        JsonNode still = ServerFixture.json(server.get("/api/assets/" + mine, KEY));
        assertThat(still.get("isFavorite").asBoolean()).isFalse();
        assertThat(still.get("isTrashed").asBoolean()).isFalse();
        assertThat(ServerFixture.json(server.get("/api/assets/statistics", other)).get("total").asLong()).isZero();
    }
}
