package app.shoebox.server.http;

import app.shoebox.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** No header or parameter turns a request into another method: a POST never deletes an album. */
class MethodOverrideTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("method_override");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String newAlbum() {
        var r = server.postJson("/api/albums", ServerFixture.ADMIN_KEY, Map.of("albumName", "keep me"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ServerFixture.json(r).get("id").asText();
    }

    private static void assertStillThere(String album) {
        assertThat(server.get("/api/albums/" + album, ServerFixture.ADMIN_KEY).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-HTTP-Method-Override", "x-http-method-override", "X-HTTP-METHOD-OVERRIDE", "X-HTTP-Method",
            "x-http-method", "X-Method-Override", "x-method-override"})
    void aPostWithAnOverrideHeaderIsRefusedAndDeletesNothing(String header) {
        String album = newAlbum();

        var r = server.send(server.request("/api/albums/" + album, ServerFixture.ADMIN_KEY).header(header, "DELETE")
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(ServerFixture.json(r).get("message").asText()).containsIgnoringCase(header).contains("real method");
        assertStillThere(album);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"})
    void aGetWithAnOverrideHeaderIsRefusedToo(String header) {
        String album = newAlbum();

        var r = server.send(server.request("/api/albums/" + album, ServerFixture.ADMIN_KEY).header(header, "DELETE").GET().build());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertStillThere(album);
    }

    @ParameterizedTest
    @ValueSource(strings = {"_method", "_METHOD", "X-HTTP-Method-Override"})
    void aMethodQueryParameterIsIgnored(String parameter) {
        String album = newAlbum();

        var r = server.send(server.request("/api/albums/" + album + "?" + parameter + "=DELETE", ServerFixture.ADMIN_KEY)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertThat(r.statusCode()).as(r.body()).isIn(404, 405);
        assertStillThere(album);
    }
}
