package app.shoebox.server.web;

import app.shoebox.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The web UI's files: served from the jar with validators, and nothing else under /web. */
class WebRoutesTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("web_routes");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void thePageAndItsModulesAreServedWithTheirTypesAndRevalidated() {
        HttpResponse<String> page = server.get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("/web/js/main.js");
        String etag = page.headers().firstValue("etag").orElseThrow();
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(server.send(server.request("/", null).header("If-None-Match", etag).GET().build()).statusCode()).isEqualTo(304);

        HttpResponse<String> module = server.get("/web/js/timeline.js", null);
        assertThat(module.statusCode()).isEqualTo(200);
        assertThat(module.headers().firstValue("content-type").orElseThrow()).startsWith("text/javascript");
        assertThat(server.get("/web/app.css", null).headers().firstValue("content-type").orElseThrow()).startsWith("text/css");
    }

    @Test
    void nothingOutsideTheUisFilesIsServed() {
        for (String path : new String[]{"/web/../db/migration/V1__catalogue.sql", "/web/%2e%2e/logback.xml", "/web/js/missing.js",
                "/web/app/shoebox/server/ShoeboxServer.class", "/web/index.html.bak", "/web/.hidden.js"}) {
            HttpResponse<String> r = server.get(path, null);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("CREATE TABLE");
        }
    }
}
