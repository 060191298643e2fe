package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files made to run script in a browser from Shoebox's origin, or to reach a decoder they should
 * not: refused at upload when their bytes are not what Shoebox accepts, and served sandboxed when
 * they are (a polyglot is a real JPEG).
 */
class HostileFilesTest {

    static final String KEY = ServerFixture.ADMIN_KEY;
    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("hostile_files");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertRefused(String fileName, byte[] content, String... mentions) {
        var r = TestFiles.upload(server, KEY, Multipart.asset(fileName, content));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(ServerFixture.json(r).get("message").asText()).contains(fileName).contains(mentions);
        assertThat(TestFiles.libraryFiles(server)).noneMatch(f -> f.contains(fileName));
    }

    static final byte[] SVG = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
            + "height=\"10\"><script>fetch('/api/api-keys',{method:'POST',credentials:'include'})</script></svg>")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void anSvgWithAScriptIsRefusedUnderAnyName() {
        assertRefused("logo.svg", SVG, "SVG", "convert it to PNG");
        assertRefused("logo.png", SVG, "SVG");
        assertRefused("logo", SVG, "SVG");
    }

    @Test
    void htmlNamedLikeAPhotoIsRefused() {
        assertRefused("cat.jpg", "<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
                .getBytes(StandardCharsets.UTF_8), "an HTML document");
    }

    @Test
    void textNamedLikeACineonScanIsRefused() {
        assertRefused("scan.cin", "this is only text, named .cin".getBytes(StandardCharsets.UTF_8), "corrupt or mislabelled");
        assertRefused("page.cin", "%!PS-Adobe-3.0\n(hello) show showpage\n".getBytes(StandardCharsets.UTF_8), "PostScript");
    }

    @Test
    void theMediaTypesListNoSvg() {
        var types = ServerFixture.json(server.get("/api/server/media-types", null));
        assertThat(types.get("image").toString()).doesNotContain(".svg").contains(".cin", ".jpg");
    }

    @Test
    void aJpegHtmlPolyglotIsStoredButServedSoItCannotRun() {
        byte[] jpeg = TestFiles.jpeg(600);
        byte[] html = "<html><body><script>document.title='ran'</script></body></html>".getBytes(StandardCharsets.UTF_8);
        byte[] polyglot = Arrays.copyOf(jpeg, jpeg.length + html.length);
        System.arraycopy(html, 0, polyglot, jpeg.length, html.length);

        String id = TestFiles.uploadNew(server, KEY, "poly.jpg", polyglot);
        var r = TestFiles.bytes(server.request("/api/assets/" + id + "/original", KEY).GET().build());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(polyglot);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox;").contains("default-src 'none'");
        assertThat(r.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
    }
}
