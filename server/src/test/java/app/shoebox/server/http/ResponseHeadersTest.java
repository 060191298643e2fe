package app.shoebox.server.http;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.assets.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing Shoebox sends may be sniffed into another type, and a library file can never run script
 * from Shoebox's origin: every file response is sandboxed.
 */
class ResponseHeadersTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("response_headers");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertSandboxedFile(HttpResponse<?> r) {
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("sandbox").contains("default-src 'none'");
        assertThat(csp).doesNotContain("allow-scripts");
    }

    @Test
    void originalsAreSandboxedWholeAndInRanges() {
        String id = TestFiles.uploadNew(server, ServerFixture.ADMIN_KEY, "h.jpg", TestFiles.jpeg(2000));
        var whole = TestFiles.bytes(server.request("/api/assets/" + id + "/original", ServerFixture.ADMIN_KEY).GET().build());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertSandboxedFile(whole);

        var range = TestFiles.bytes(server.request("/api/assets/" + id + "/original", ServerFixture.ADMIN_KEY)
                .header("Range", "bytes=0-99").GET().build());
        assertThat(range.statusCode()).isEqualTo(206);
        assertSandboxedFile(range);

        var notModified = TestFiles.bytes(server.request("/api/assets/" + id + "/original", ServerFixture.ADMIN_KEY)
                .header("If-None-Match", whole.headers().firstValue("ETag").orElseThrow()).GET().build());
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertSandboxedFile(notModified);
    }

    @Test
    void jsonAnswersAndErrorsAreNotSniffed() {
        for (HttpResponse<String> r : java.util.List.of(server.get("/api/albums", ServerFixture.ADMIN_KEY),
                server.get("/api/albums", null), server.get("/api/nothing-here", null),
                server.get("/api/server/ping", null))) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(r.uri() + " " + r.statusCode()).hasValue("nosniff");
        }
    }
}
