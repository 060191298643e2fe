package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static app.shoebox.server.assets.TestFiles.jpeg;
import static org.assertj.core.api.Assertions.assertThat;

class AssetSearchTest {

    static ServerFixture server;
    static final String KEY = ServerFixture.ADMIN_KEY;
    static final List<String> ids = new ArrayList<>();
    static byte[] firstContent;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("asset_search");
        // 25 assets, many sharing a capture time, so only the id can order them.
        for (int i = 0; i < 25; i++) {
            byte[] content = jpeg(600 + i);
            if (i == 0) {
                firstContent = content;
            }
            String when = "2024-0" + (1 + i % 3) + "-01T12:00:00.000Z";
            Multipart form = new Multipart().field("fileCreatedAt", when).field("fileModifiedAt", when)
                    .field("deviceId", i < 5 ? "phone" : "camera").file("assetData", "search-" + i + ".jpg", content);
            var r = TestFiles.upload(server, KEY, form);
            assertThat(r.statusCode()).isEqualTo(201);
            ids.add(ServerFixture.json(r).get("id").asText());
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode search(String key, Map<String, Object> body) {
        var r = server.postJson("/api/search/metadata", key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ServerFixture.json(r);
    }

    List<String> readAll(String order) {
        List<String> seen = new ArrayList<>();
        String page = "1";
        int pages = 0;
        while (page != null) {
            JsonNode res = search(KEY, Map.of("page", Integer.parseInt(page), "size", 10, "order", order));
            JsonNode assets = res.get("assets");
            assertThat(assets.get("total").asLong()).isEqualTo(25);
            assertThat(assets.get("count").asInt()).isEqualTo(assets.get("items").size());
            assets.get("items").forEach(a -> seen.add(a.get("id").asText()));
            page = assets.get("nextPage").isNull() ? null : assets.get("nextPage").asText();
            pages++;
            assertThat(res.at("/albums/items").isArray()).isTrue();
            assertThat(res.at("/assets/facets").isArray()).isTrue();
        }
        assertThat(pages).isEqualTo(3);
        return seen;
    }

    @Test
    void pagingSeesEveryAssetExactlyOnce() {
        for (String order : List.of("asc", "desc")) {
            List<String> seen = readAll(order);
            assertThat(seen).hasSize(25).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        }
        List<String> asc = readAll("asc");
        List<String> desc = readAll("desc");
        assertThat(desc).isEqualTo(asc.reversed());
    }

    @Test
    void filtersNarrowTheResults() throws Exception {
        JsonNode byName = search(KEY, Map.of("originalFileName", "search-1"));
        assertThat(byName.at("/assets/total").asLong()).isEqualTo(11); // search-1, search-10..19
        String checksum = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(firstContent));
        JsonNode byChecksum = search(KEY, Map.of("checksum", checksum));
        assertThat(byChecksum.at("/assets/items/0/id").asText()).isEqualTo(ids.getFirst());
        assertThat(byChecksum.at("/assets/count").asInt()).isEqualTo(1);
        assertThat(search(KEY, Map.of("deviceId", "phone")).at("/assets/total").asLong()).isEqualTo(5);
        assertThat(search(KEY, Map.of("type", "VIDEO")).at("/assets/total").asLong()).isZero();
        assertThat(search(KEY, Map.of("takenAfter", "2024-03-01T00:00:00.000Z")).at("/assets/total").asLong()).isEqualTo(8);
    }

    @Test
    void exifOnlyWhenAskedAndTrashOnlyWithDeleted() {
        JsonNode plain = search(KEY, Map.of("size", 1));
        assertThat(plain.at("/assets/items/0").has("exifInfo")).isFalse();
        JsonNode withExif = search(KEY, Map.of("size", 1, "withExif", true));
        assertThat(withExif.at("/assets/items/0/exifInfo").isObject()).isTrue();

        String trashed = TestFiles.uploadNew(server, KEY, "trash-search.jpg", jpeg(9999));
        server.deleteJson("/api/assets", KEY, Map.of("ids", List.of(trashed)));
        assertThat(search(KEY, Map.of("originalFileName", "trash-search")).at("/assets/total").asLong()).isZero();
        assertThat(search(KEY, Map.of("originalFileName", "trash-search", "withDeleted", true)).at("/assets/total").asLong()).isEqualTo(1);
    }

    @Test
    void badSearchesAreClear400s() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("size", 1001), Map.of("size", 0), Map.of("page", 0),
                Map.of("order", "sideways"), Map.of("takenAfter", "soon"), Map.of("checksum", "zz"))) {
            var r = server.postJson("/api/search/metadata", KEY, bad);
            assertThat(r.statusCode()).as(bad.toString()).isEqualTo(400);
        }
    }

    @Test
    void anotherUserSeesOnlyTheirOwn() {
        Users other = Users.create(server, "search-other@test.local");
        String theirs = TestFiles.uploadNew(server, other.apiKey(), "theirs.jpg", jpeg(4321));
        JsonNode res = search(other.apiKey(), new HashMap<>());
        Set<String> seen = new HashSet<>();
        res.at("/assets/items").forEach(a -> seen.add(a.get("id").asText()));
        assertThat(seen).containsExactly(theirs);
        assertThat(search(other.apiKey(), Map.of("id", ids.getFirst())).at("/assets/total").asLong()).isZero();
    }
}
