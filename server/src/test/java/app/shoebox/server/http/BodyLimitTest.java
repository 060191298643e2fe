package app.shoebox.server.http;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.assets.Multipart;
import app.shoebox.server.assets.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every body is bounded before it is held: JSON routes at 16 MiB, login at 8 KiB, declared or
 * chunked; the upload keeps its own (larger) limit; multipart part headers and counts are bounded.
 */
class BodyLimitTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("body_limit");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertTooLarge(int status, String body, String route, long limit) {
        assertThat(status).as(body).isEqualTo(413);
        String message = ServerFixture.json(body).get("message").asText();
        assertThat(message).contains(route).contains(String.valueOf(limit));
    }

    @Test
    void aLoginBodyOverItsLimitIsRefusedFromItsDeclaredLength() {
        String big = "{\"email\":\"" + "a".repeat(20_000) + "\",\"password\":\"x\"}";
        var r = server.send(server.request("/api/auth/login", null).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(big)).build());
        assertTooLarge(r.statusCode(), r.body(), "POST /api/auth/login", BodyLimit.LOGIN_BYTES);
    }

    @Test
    void aChunkedLoginBodyIsCutOffAtTheLimitNotReadToTheEnd() {
        long total = 256L * 1024 * 1024;
        var answer = RawHttp.exchange(server.server().port(), "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                RawHttp.chunked("{\"email\":\"".getBytes(StandardCharsets.UTF_8), (byte) 'a', total));

        assertTooLarge(answer.status(), answer.body(), "POST /api/auth/login", BodyLimit.LOGIN_BYTES);
        assertThat(answer.bodyBytesSent()).as("the server stopped reading long before the end").isLessThan(total);
    }

    @Test
    void aChunkedJsonBodyOverSixteenMebibytesIsRefused() {
        String id = TestFiles.uploadNew(server, ServerFixture.ADMIN_KEY, "a.jpg", TestFiles.jpeg(100));
        long total = BodyLimit.JSON_BYTES + 4 * 1024 * 1024;
        var answer = RawHttp.exchange(server.server().port(), "PUT /api/assets/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "x-api-key: " + ServerFixture.ADMIN_KEY + "\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                RawHttp.chunked("{\"description\":\"".getBytes(StandardCharsets.UTF_8), (byte) 'd', total));

        assertTooLarge(answer.status(), answer.body(), "PUT /api/assets/" + id, BodyLimit.JSON_BYTES);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsAnsweredBeforeAnyBodyIsSent() {
        var answer = RawHttp.exchange(server.server().port(), "POST /api/albums HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "x-api-key: " + ServerFixture.ADMIN_KEY + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + (BodyLimit.JSON_BYTES + 1) + "\r\n\r\n",
                (out, sent) -> {
                    // Nothing: the answer must come without waiting for the body.
                });

        assertTooLarge(answer.status(), answer.body(), "POST /api/albums", BodyLimit.JSON_BYTES);
    }

    @Test
    void aJsonBodyUnderTheLimitStillWorksChunked() {
        var answer = RawHttp.exchange(server.server().port(), "POST /api/albums HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "x-api-key: " + ServerFixture.ADMIN_KEY + "\r\nConnection: close\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                (out, sent) -> out.write("10\r\n{\"albumName\":\"a\"\r\n1\r\n}\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }

    @Test
    void theUploadKeepsItsOwnLargerLimit() {
        byte[] file = TestFiles.jpeg((int) BodyLimit.JSON_BYTES + 1024);
        HttpResponse<String> r = TestFiles.upload(server, ServerFixture.ADMIN_KEY, Multipart.asset("big.jpg", file));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void aHugeMultipartFileNameIsRefusedAtThePartHeaderLimit() {
        String boundary = "b0undary";
        long total = 64L * 1024 * 1024;
        byte[] start = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"")
                .getBytes(StandardCharsets.UTF_8);
        var answer = RawHttp.exchange(server.server().port(), "POST /api/assets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "x-api-key: " + ServerFixture.ADMIN_KEY + "\r\n"
                        + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nTransfer-Encoding: chunked\r\n\r\n",
                RawHttp.chunked(start, (byte) 'n', total));

        assertTooLarge(answer.status(), answer.body(), "POST /api/assets", 8192);
        assertThat(answer.bodyBytesSent()).isLessThan(total);
        assertThat(TestFiles.libraryFiles(server)).noneMatch(f -> f.contains("/tmp/"));
    }

    @Test
    void tooManyMultipartPartsAreRefused() {
        Multipart form = Multipart.asset("many.jpg", TestFiles.jpeg(100));
        for (int i = 0; i < 40; i++) {
            form.field("extra" + i, "x");
        }
        var r = TestFiles.upload(server, ServerFixture.ADMIN_KEY, form);
        assertTooLarge(r.statusCode(), r.body(), "POST /api/assets", 32);
    }

    @Test
    void aTextFieldOverItsLimitIsRefused() {
        Multipart form = new Multipart().field("deviceAssetId", "x".repeat((1 << 20) + 1));
        var r = TestFiles.upload(server, ServerFixture.ADMIN_KEY, form.file("assetData", "f.jpg", TestFiles.jpeg(10)));
        assertTooLarge(r.statusCode(), r.body(), "deviceAssetId", 1 << 20);
    }
}
