package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AssetBulkCheckTest {

    static ServerFixture server;
    static final String KEY = ServerFixture.ADMIN_KEY;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("asset_bulk_check");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void fiveThousandChecksumsInOneRequest() throws Exception {
        // 20 known files: 10 stay, 10 go to the trash.
        List<byte[]> known = new ArrayList<>();
        List<String> knownIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] content = TestFiles.jpeg(500 + i);
            known.add(MessageDigest.getInstance("SHA-1").digest(content));
            knownIds.add(TestFiles.uploadNew(server, KEY, "known-" + i + ".jpg", content));
        }
        assertThat(server.deleteJson("/api/assets", KEY, Map.of("ids", knownIds.subList(10, 20))).statusCode()).isEqualTo(204);

        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            if (i % 250 == 0) {
                int k = i / 250;
                // Half of the known ones in hex, half in base64, as clients differ.
                String checksum = k % 2 == 0 ? HexFormat.of().formatHex(known.get(k)) : Base64.getEncoder().encodeToString(known.get(k));
                items.add(Map.of("id", "/photos/known-" + k + ".jpg", "checksum", checksum));
            } else {
                byte[] unknown = MessageDigest.getInstance("SHA-1").digest(("unknown " + i).getBytes());
                items.add(Map.of("id", "/photos/new-" + i + ".jpg", "checksum", HexFormat.of().formatHex(unknown)));
            }
        }
        var r = server.postJson("/api/assets/bulk-upload-check", KEY, Map.of("assets", items));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode results = ServerFixture.json(r).get("results");
        assertThat(results).hasSize(5000);
        for (int i = 0; i < 5000; i++) {
            JsonNode result = results.get(i);
            assertThat(result.get("id").asText()).isEqualTo(items.get(i).get("id"));
            if (i % 250 == 0) {
                int k = i / 250;
                assertThat(result.get("action").asText()).isEqualTo("reject");
                assertThat(result.get("reason").asText()).isEqualTo("duplicate");
                assertThat(result.get("assetId").asText()).isEqualTo(knownIds.get(k));
                assertThat(result.get("isTrashed").asBoolean()).isEqualTo(k >= 10);
            } else {
                assertThat(result.get("action").asText()).isEqualTo("accept");
                assertThat(result.has("reason")).isFalse();
            }
        }
    }

    @Test
    void anotherUsersChecksumsAreNotDuplicates() throws Exception {
        byte[] content = TestFiles.jpeg(777);
        TestFiles.uploadNew(server, KEY, "mine.jpg", content);
        String other = Users.create(server, "bulk-other@test.local").apiKey();
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
        var r = server.postJson("/api/assets/bulk-upload-check", other, Map.of("assets", List.of(Map.of("id", "x", "checksum", hex))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ServerFixture.json(r).at("/results/0/action").asText()).isEqualTo("accept");
        // And the other user's upload of the same bytes (checksum header included) is a new asset of theirs.
        TestFiles.uploadNew(server, other, "theirs.jpg", content);
    }

    @Test
    void malformedRequestsAreClear400s() {
        var notAChecksum = server.postJson("/api/assets/bulk-upload-check", KEY,
                Map.of("assets", List.of(Map.of("id", "photo.jpg", "checksum", "abc"))));
        assertThat(notAChecksum.statusCode()).isEqualTo(400);
        assertThat(ServerFixture.json(notAChecksum).get("message").asText()).contains("photo.jpg").contains("SHA-1");
        var noAssets = server.postJson("/api/assets/bulk-upload-check", KEY, Map.of("items", List.of()));
        assertThat(noAssets.statusCode()).isEqualTo(400);
        var notJson = server.postJson("/api/assets/bulk-upload-check", KEY, "{not json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).doesNotContain("at com.fasterxml");
        var huge = server.postJson("/api/assets/bulk-upload-check", KEY, "{\"assets\": \"" + "x".repeat(17 * 1024 * 1024) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(ServerFixture.json(huge).get("message").asText()).contains("split the request");
    }
}
