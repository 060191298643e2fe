package app.shoebox.server.http;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paths taken from a request never leave their folder, in every spelling a client can send on the
 * request line: {@code ../}, percent-encoded and double-encoded dots and slashes, backslashes,
 * NUL, overlong UTF-8. Sent over a raw socket, since {@code java.net.http} refuses most of them
 * before they reach the server. Upload file names and the storage template have their own tests
 * ({@code AssetUploadTest.dangerousFileNamesAreStoredSafely}, {@code StorageTemplateTest}).
 */
class PathEscapeTest {

    static ServerFixture server;
    static TestUser alice;

    /** Spellings of "two folders up, then a file Shoebox has" (the catalogue migration and the logging setup, both in the jar). */
    static final List<String> UP = List.of("../..", "..%2f..", "%2e%2e/%2e%2e", "%2E%2E%2F%2E%2E", "%252e%252e/%252e%252e",
            "..\\..", "..%5c..", "%2e%2e%5c%2e%2e", ".%2e/.%2e", "%c0%ae%c0%ae/%c0%ae%c0%ae", "....//....", "..;/..;");

    static final List<String> TARGETS = List.of("db/migration/V1__catalogue.sql", "logback.xml", "etc/passwd");

    @BeforeAll
    static void start() {
        server = ServerFixture.start("path_escape");
        alice = new TestCatalogue(server).newUser("alice@example.com");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theWebUisFilesNeverLeaveItsFolder() {
        for (String up : UP) {
            for (String target : TARGETS) {
                for (String path : List.of("/web/" + up + "/" + target, "/web/js/" + up + "/" + up + "/" + target)) {
                    assertNothingServed(get(path, null), path);
                }
            }
        }
        for (String path : List.of("/web/index.html%00.png", "/web/js/main.js%00", "/web/index.html%00", "/web//etc/passwd",
                "/web/%2fetc%2fpasswd", "/web/C:%5cWindows%5cwin.ini", "/web/js%5cmain.js", "/web/./index.html")) {
            assertNothingServed(get(path, null), path);
        }
        // The real files are still there, so the refusals above are about the paths, not a broken route.
        assertThat(get("/web/js/main.js", null).status()).isEqualTo(200);
    }

    @Test
    void anIdInAnApiPathIsNeverAFilePath() {
        for (String up : UP) {
            for (String route : List.of("/api/assets/%s/original", "/api/assets/%s/thumbnail", "/api/assets/%s/video/playback")) {
                String path = route.formatted(up + "/" + up + "/etc/passwd");
                RawHttp.Answer r = get(path, ServerFixture.ADMIN_KEY);
                assertThat(r.status()).as(path + ": " + r.body()).isIn(400, 404);
                assertThat(r.body()).as(path).doesNotContain("root:");
            }
        }
    }

    @Test
    void onlyAnAdminSetsALibrarysImportPathsOrExclusions() {
        var catalogue = new TestCatalogue(server);
        var created = server.postJson("/api/libraries", alice.apiKey(), Map.of("ownerId", alice.id().toString(), "name", "mine",
                "importPaths", List.of("/etc", "/"), "exclusionPatterns", List.of("**/../**")));
        OpenApiContractErrors.assertForbidden(created);
        assertThat(catalogue.count("SELECT count(*) FROM libraries")).isZero();

        // The admin's own library: relative, dotted or library-folder import paths are refused by name.
        var admins = server.postJson("/api/libraries", ServerFixture.ADMIN_KEY, Map.of("ownerId", alice.id().toString(),
                "name", "photos", "importPaths", List.of(), "exclusionPatterns", List.of()));
        assertThat(admins.statusCode()).as(admins.body()).isEqualTo(201);
        String id = ServerFixture.json(admins).get("id").asText();
        OpenApiContractErrors.assertForbidden(server.putJson("/api/libraries/" + id, alice.apiKey(),
                Map.of("importPaths", List.of("/etc"), "exclusionPatterns", List.of("*"))));
        OpenApiContractErrors.assertForbidden(server.postJson("/api/libraries/" + id + "/validate", alice.apiKey(),
                Map.of("importPaths", List.of("/etc"))));
        for (String hostile : List.of("etc", "/srv/../etc", "/srv/./photos", server.library().toString(),
                server.library().resolve("upload").toString())) {
            var validated = ServerFixture.json(server.postJson("/api/libraries/" + id + "/validate", ServerFixture.ADMIN_KEY,
                    Map.of("importPaths", List.of(hostile))));
            assertThat(validated.at("/importPaths/0/isValid").asBoolean()).as(hostile + ": " + validated).isFalse();
            assertThat(validated.at("/importPaths/0/message").asText()).as(hostile).isNotBlank();
        }
    }

    static RawHttp.Answer get(String path, String apiKey) {
        String head = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + (apiKey == null ? "" : "x-api-key: " + apiKey + "\r\n") + "\r\n";
        return RawHttp.exchange(server.server().port(), head, (out, sent) -> { });
    }

    static void assertNothingServed(RawHttp.Answer r, String path) {
        assertThat(r.status()).as(path + " answered " + r.status() + ": " + r.body()).isIn(400, 404);
        assertThat(r.body()).as(path).doesNotContain("CREATE TABLE").doesNotContain("<configuration").doesNotContain("root:");
    }

    /** A 403 in Immich's error shape. */
    static final class OpenApiContractErrors {
        static void assertForbidden(java.net.http.HttpResponse<String> r) {
            app.shoebox.server.contract.OpenApiContract.assertImmichError(403, "Forbidden", r);
        }
    }
}
