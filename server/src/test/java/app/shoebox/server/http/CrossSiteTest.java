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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes authenticated by the session cookie must be JSON (multipart for the upload) and come from
 * Shoebox's own origin; API keys and Bearer tokens are not affected. The cookie itself is
 * HttpOnly, SameSite=Lax, and Secure behind TLS.
 */
class CrossSiteTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("cross_site");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> login(String... headers) {
        HttpRequest.Builder b = server.request("/api/auth/login", null).header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return server.send(b.POST(HttpRequest.BodyPublishers.ofString(ServerFixture.toJson(
                Map.of("email", ServerFixture.ADMIN_EMAIL, "password", ServerFixture.ADMIN_PASSWORD)))).build());
    }

    private static String sessionToken() {
        var r = login();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ServerFixture.json(r).get("accessToken").asText();
    }

    private static HttpRequest.Builder withCookie(String path) {
        return server.request(path, null).header("Cookie", "immich_access_token=" + sessionToken());
    }

    private static HttpResponse<String> createAlbum(HttpRequest.Builder b, String contentType) {
        return server.send(b.header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("{\"albumName\":\"csrf\"}")).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "text/plain; charset=utf-8"})
    void aCookieWriteWithABodyAFormCouldSendIsRefused(String contentType) {
        var r = createAlbum(withCookie("/api/albums"), contentType);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(415);
        assertThat(ServerFixture.json(r).get("message").asText()).contains("POST /api/albums").contains("application/json");
    }

    @Test
    void aCookieWriteWithJsonFromTheSameOriginWorks() {
        var r = createAlbum(withCookie("/api/albums").header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "http://127.0.0.1:" + server.server().port()), "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cross-site", "same-site"})
    void aCookieWriteFromAnotherSiteIsRefused(String site) {
        var r = createAlbum(withCookie("/api/albums").header("Sec-Fetch-Site", site), "application/json");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(ServerFixture.json(r).get("message").asText()).contains("another site");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1.evil.example"})
    void aCookieWriteFromAnotherOriginIsRefusedWhenTheBrowserSendsOnlyOrigin(String origin) {
        var r = createAlbum(withCookie("/api/albums").header("Origin", origin), "application/json");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(ServerFixture.json(r).get("message").asText()).contains("Origin");
    }

    @Test
    void aCookieWriteWithoutABodyNeedsNoContentType() {
        var album = ServerFixture.json(server.postJson("/api/albums", ServerFixture.ADMIN_KEY, Map.of("albumName", "bye")));
        var r = server.send(withCookie("/api/albums/" + album.get("id").asText()).DELETE().build());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
    }

    @Test
    void aCookieUploadMayBeMultipart() {
        Multipart form = Multipart.asset("cookie.jpg", TestFiles.jpeg(500));
        var r = server.send(withCookie("/api/assets").header("content-type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void cookieReadsFromAnotherSiteAreNotWrites() {
        var r = server.send(withCookie("/api/albums").header("Sec-Fetch-Site", "cross-site").GET().build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void apiKeysAndBearerTokensAreNotAffected() {
        var byKey = createAlbum(server.request("/api/albums", ServerFixture.ADMIN_KEY).header("Sec-Fetch-Site", "cross-site")
                .header("Origin", "http://evil.example"), "text/plain");
        assertThat(byKey.statusCode()).as(byKey.body()).isEqualTo(201);

        var byBearer = createAlbum(server.request("/api/albums", null).header("Authorization", "Bearer " + sessionToken())
                .header("Sec-Fetch-Site", "cross-site"), "text/plain");
        assertThat(byBearer.statusCode()).as(byBearer.body()).isEqualTo(201);
    }

    @Test
    void aLoginFromAnotherSiteIsRefused() {
        var r = login("Sec-Fetch-Site", "cross-site");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.headers().firstValue("set-cookie")).isEmpty();
    }

    @Test
    void theSessionCookieIsHttpOnlyLaxAndSecureOnlyBehindTls() {
        String plain = login().headers().firstValue("set-cookie").orElseThrow();
        assertThat(plain).contains("immich_access_token=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax")
                .doesNotContainIgnoringCase("Secure");

        String behindTls = login("X-Forwarded-Proto", "https").headers().firstValue("set-cookie").orElseThrow();
        assertThat(behindTls).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax").containsIgnoringCase("; Secure");
    }
}
