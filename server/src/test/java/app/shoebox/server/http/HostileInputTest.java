package app.shoebox.server.http;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.assets.Multipart;
import app.shoebox.server.assets.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values the database cannot store (NUL characters, dates outside years 1-9999, text too long for
 * an index, bytes that are not UTF-8, numbers out of range, huge id lists) are the client's 400,
 * naming the field, never a 500.
 */
class HostileInputTest {

    static final String KEY = ServerFixture.ADMIN_KEY;
    static final String NUL = "a\u0000b";
    static ServerFixture server;
    static String asset;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("hostile_input");
        asset = TestFiles.uploadNew(server, KEY, "base.jpg", TestFiles.jpeg(200));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertBadRequest(HttpResponse<String> r, String... mentions) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(ServerFixture.json(r).get("message").asText()).contains(mentions);
    }

    static HttpResponse<String> send(String method, String path, String json) {
        return server.send(server.request(path, KEY).header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build());
    }

    @Test
    void nulCharactersInJsonStringsAreRefusedNamingTheField() {
        assertBadRequest(server.postJson("/api/albums", KEY, Map.of("albumName", NUL)), "/albumName", "NUL");
        assertBadRequest(server.putJson("/api/assets/" + asset, KEY, Map.of("description", NUL)), "/description", "NUL");
        assertBadRequest(server.postJson("/api/tags", KEY, Map.of("name", NUL)), "/name", "NUL");
        assertBadRequest(server.postJson("/api/api-keys", KEY, Map.of("name", NUL, "permissions", List.of("all"))), "/name");
        assertBadRequest(server.postJson("/api/search/metadata", KEY, Map.of("originalFileName", NUL)), "/originalFileName");
        assertBadRequest(server.putJson("/api/tags", KEY, Map.of("tags", List.of("ok", NUL))), "/tags/1");
        assertBadRequest(send("POST", "/api/albums", "{\"albumName\":\"x\",\"a\\u0000\":1}"), "NUL");
    }

    @Test
    void nulCharactersInQueryParametersAreRefusedNamingTheParameter() {
        assertBadRequest(server.get("/api/albums?name=a%00b", KEY), "query parameter 'name'", "NUL");
        assertBadRequest(server.get("/api/queues/thumbnailGeneration/jobs?status=fail%00ed", KEY), "'status'", "NUL");
    }

    @Test
    void aNulCharacterInALoginIsRefusedBeforeTheDatabaseSeesIt() {
        var r = server.send(server.request("/api/auth/login", null).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a\\u0000@x\",\"password\":\"p\"}")).build());
        assertBadRequest(r, "/email", "NUL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"deviceAssetId", "deviceId", "fileCreatedAt", "visibility", "duration"})
    void nulCharactersInUploadFieldsAreRefusedNamingTheField(String field) {
        Multipart form = new Multipart().field(field, NUL);
        for (String other : List.of("deviceAssetId", "deviceId", "fileCreatedAt", "fileModifiedAt")) {
            if (!other.equals(field)) {
                form.field(other, other.endsWith("At") ? "2024-01-01T00:00:00Z" : "x");
            }
        }
        form.file("assetData", "nul-" + field + ".jpg", TestFiles.jpeg(300));
        assertBadRequest(TestFiles.upload(server, KEY, form), "'" + field + "'", "NUL");
    }

    @Test
    void uploadFieldsThatAreNotUtf8AreRefused() {
        byte[] bad = {'a', (byte) 0xC3, (byte) 0x28, 'b'};
        Multipart form = Multipart.asset("utf8.jpg", TestFiles.jpeg(300));
        String body = new String(form.body(), java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("name=\"deviceId\"\r\n\r\ntest", "name=\"deviceId\"\r\n\r\n" + new String(bad, java.nio.charset.StandardCharsets.ISO_8859_1));
        var r = server.send(server.request("/api/assets", KEY).header("content-type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).build());
        assertBadRequest(r, "'deviceId'", "UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "+275760-09-13T00:00:00Z",
            "9999-12-31T23:00:00-05:00", "0000-01-01T00:00:00Z", "-4713-11-24T00:00:00Z"})
    void datesOutsideYearsOneToNineThousandAreRefused(String date) {
        Multipart form = new Multipart().field("deviceAssetId", "d-" + date).field("deviceId", "x")
                .field("fileCreatedAt", date).field("fileModifiedAt", "2024-01-01T00:00:00Z")
                .file("assetData", "date.jpg", TestFiles.jpeg(400));
        assertBadRequest(TestFiles.upload(server, KEY, form), "fileCreatedAt", "9999");

        assertBadRequest(server.putJson("/api/assets/" + asset, KEY, Map.of("dateTimeOriginal", date)), "dateTimeOriginal");
        assertBadRequest(server.putJson("/api/assets", KEY, Map.of("ids", List.of(asset), "dateTimeOriginal", date)),
                "dateTimeOriginal");
        assertBadRequest(server.postJson("/api/search/metadata", KEY, Map.of("takenAfter", date)), "takenAfter");
    }

    @Test
    void aDateShiftThatLeavesTheCalendarIsRefused() {
        String late = TestFiles.uploadNew(server, KEY, "late.jpg", TestFiles.jpeg(250));
        assertThat(server.putJson("/api/assets/" + late, KEY, Map.of("dateTimeOriginal", "9000-01-01T00:00:00Z")).statusCode())
                .isEqualTo(200);

        var r = server.putJson("/api/assets", KEY, Map.of("ids", List.of(late), "dateTimeRelative", Integer.MAX_VALUE));

        assertBadRequest(r, "dateTimeRelative", "9999");
        assertThat(ServerFixture.json(server.get("/api/assets/" + late, KEY)).get("fileCreatedAt").asText()).startsWith("9000-01-01");
        var back = server.putJson("/api/assets", KEY, Map.of("ids", List.of(late), "dateTimeRelative", -60));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(204);
    }

    @Test
    void textTooLongToStoreIsRefusedNamingTheField() {
        String huge = "x".repeat(JsonInput.MAX_STRING_CHARS + 1);
        assertBadRequest(server.postJson("/api/albums", KEY, Map.of("albumName", huge)), "/albumName", "characters");
        // Tag paths are in a unique index, whose rows PostgreSQL caps at about 2.7 kB: text that does not compress.
        StringBuilder random = new StringBuilder();
        while (random.length() < 3000) {
            random.append(UUID.randomUUID());
        }
        assertBadRequest(server.postJson("/api/tags", KEY, Map.of("name", random.toString())), "tag path", "500");
        assertBadRequest(server.putJson("/api/tags", KEY, Map.of("tags", List.of("a/" + random))), "tag path", "500");
    }

    @Test
    void aBodyThatIsNotUtf8IsRefused() {
        byte[] body = {'{', '"', 'a', 'l', 'b', 'u', 'm', 'N', 'a', 'm', 'e', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'};
        var r = server.send(server.request("/api/albums", KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertBadRequest(r, "UTF-8");
    }

    @Test
    void numbersOutOfRangeAreRefused() {
        assertBadRequest(send("PUT", "/api/assets/" + asset, "{\"rating\": 1e30}"), "rating");
        assertBadRequest(send("PUT", "/api/assets/" + asset, "{\"latitude\": 1e400, \"longitude\": 0}"), "latitude");
        assertBadRequest(send("PUT", "/api/assets", "{\"ids\":[\"" + asset + "\"], \"dateTimeRelative\": 99999999999999999999}"),
                "dateTimeRelative");
        assertBadRequest(send("POST", "/api/search/metadata", "{\"size\": 99999999999999999999}"), "size");
        assertBadRequest(send("POST", "/api/search/metadata", "{\"page\": -1}"), "page");
        var lastPage = send("POST", "/api/search/metadata", "{\"page\": 2147483647, \"size\": 1000}");
        assertThat(lastPage.statusCode()).as(lastPage.body()).isEqualTo(200);
    }

    @Test
    void hugeListsOfIdsAreAnsweredNotFailed() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        var r = server.putJson("/api/assets", KEY, Map.of("ids", ids, "isFavorite", true));
        assertThat(r.statusCode()).as(r.body()).isIn(204, 400);
        var s = server.postJson("/api/assets/bulk-upload-check", KEY, Map.of("assets", ids.stream()
                .map(id -> Map.of("id", id, "checksum", "0000000000000000000000000000000000000000")).toList()));
        assertThat(s.statusCode()).as(s.body()).isIn(200, 400);
        var album = ServerFixture.json(server.postJson("/api/albums", KEY, Map.of("albumName", "many"))).get("id").asText();
        var t = server.putJson("/api/albums/" + album + "/assets", KEY, Map.of("ids", ids));
        assertThat(t.statusCode()).as(t.body()).isIn(200, 400);
    }
}
