package app.shoebox.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The harness itself: it must fail on what breaks the contract, or its passing means nothing. */
class OpenApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Optional<String> JSON_TYPE = Optional.of("application/json; charset=utf-8");

    private final OpenApiContract contract = OpenApiContract.immich();

    private static final String USER = """
            {"id":"0b6a1f1e-4c1d-4f5e-9a7b-3c2d1e0f9a8b","email":"a@b.example","name":"A",
             "profileImagePath":"","avatarColor":"primary","profileChangedAt":"2026-01-02T03:04:05.678Z"}""";

    @Test
    void aValidBodyHasNoViolation() throws Exception {
        assertThat(contract.violationsOfSchema("UserResponseDto", JSON.readTree(USER))).isEmpty();
    }

    @Test
    void aMissingRequiredFieldIsAViolationNamingIt() throws Exception {
        ObjectNode user = (ObjectNode) JSON.readTree(USER);
        user.remove("avatarColor");
        List<String> violations = contract.violationsOfSchema("UserResponseDto", user);
        assertThat(violations).hasSize(1);
        assertThat(violations.getFirst()).contains("avatarColor").contains("required");
    }

    @Test
    void aValueOutsideAnEnumAndAWrongTypeAreViolationsAtTheirPaths() throws Exception {
        ObjectNode user = (ObjectNode) JSON.readTree(USER);
        user.put("avatarColor", "mauve");
        user.put("name", 42);
        List<String> violations = contract.violationsOfSchema("UserResponseDto", user);
        assertThat(violations).anySatisfy(v -> assertThat(v).startsWith("$.avatarColor").contains("enum"));
        assertThat(violations).anySatisfy(v -> assertThat(v).startsWith("$.name").contains("type"));
    }

    @Test
    void nullIsAcceptedOnlyWhereTheSpecSaysNullable() throws Exception {
        // albumThumbnailAssetId is nullable; albumName is not.
        String album = """
                {"albumName":"x","albumThumbnailAssetId":null,"albumUsers":[{"role":"owner","user":%s}],
                 "assetCount":0,"createdAt":"2026-01-02T03:04:05Z","description":"","hasSharedLink":false,
                 "id":"0b6a1f1e-4c1d-4f5e-9a7b-3c2d1e0f9a8b","isActivityEnabled":true,"shared":false,
                 "updatedAt":"2026-01-02T03:04:05Z"}""".formatted(USER);
        ObjectNode node = (ObjectNode) JSON.readTree(album);
        assertThat(contract.violationsOfSchema("AlbumResponseDto", node)).isEmpty();
        node.putNull("albumName");
        assertThat(contract.violationsOfSchema("AlbumResponseDto", node))
                .singleElement().satisfies(v -> assertThat(v).startsWith("$.albumName"));
    }

    @Test
    void aNullableAllOfAcceptsNullButStillChecksAValue() throws Exception {
        // AssetResponseDto.stack is {"allOf":[{"$ref": AssetStackResponseDto}], "nullable": true}.
        String asset = """
                {"id":"0b6a1f1e-4c1d-4f5e-9a7b-3c2d1e0f9a8b","ownerId":"0b6a1f1e-4c1d-4f5e-9a7b-3c2d1e0f9a8b",
                 "type":"IMAGE","originalPath":"a.jpg","originalFileName":"a.jpg","checksum":"AAAA",
                 "fileCreatedAt":"2026-01-02T03:04:05Z","fileModifiedAt":"2026-01-02T03:04:05Z",
                 "localDateTime":"2026-01-02T03:04:05Z","createdAt":"2026-01-02T03:04:05Z",
                 "updatedAt":"2026-01-02T03:04:05Z","isFavorite":false,"isArchived":false,"isTrashed":false,
                 "isOffline":false,"isEdited":false,"hasMetadata":false,"visibility":"timeline","duration":null,
                 "width":null,"height":null,"thumbhash":null,"stack":null}""";
        ObjectNode node = (ObjectNode) JSON.readTree(asset);
        assertThat(contract.violationsOfSchema("AssetResponseDto", node)).isEmpty();
        node.putObject("stack").put("assetCount", "two");
        assertThat(contract.violationsOfSchema("AssetResponseDto", node))
                .anySatisfy(v -> assertThat(v).startsWith("$.stack"));
    }

    @Test
    void refsInsideArraysAreFollowed() {
        String body = "[{\"id\":\"not-a-uuid\",\"success\":true,\"error\":\"bogus\"}]";
        List<String> violations = contract.violations("PUT", "/albums/{id}/assets", 200, JSON_TYPE, body);
        assertThat(violations).anySatisfy(v -> assertThat(v).startsWith("$[0].id"));
        assertThat(violations).anySatisfy(v -> assertThat(v).startsWith("$[0].error"));
    }

    @Test
    void anUndeclaredStatusOrAWrongContentTypeIsAViolation() {
        assertThat(contract.violations("GET", "/server/ping", 500, JSON_TYPE, "{}"))
                .singleElement().satisfies(v -> assertThat(v).contains("500").contains("not declared"));
        assertThat(contract.violations("GET", "/api/server/ping", 200, Optional.of("text/plain"), "{\"res\":\"pong\"}"))
                .singleElement().satisfies(v -> assertThat(v).contains("text/plain"));
        assertThat(contract.violations("DELETE", "/albums/{id}", 204, Optional.empty(), "")).isEmpty();
        assertThat(contract.violations("DELETE", "/albums/{id}", 204, Optional.empty(), "{}")).hasSize(1);
    }

    @Test
    void fileResponsesAreCheckedForTheirTypeOnly() {
        assertThat(contract.violations("GET", "/assets/{id}/original", 200, Optional.of("image/jpeg"), "\u00ff\u00d8")).isEmpty();
        assertThat(contract.violations("GET", "/assets/{id}/video/stream/main.m3u8", 200,
                Optional.of("application/vnd.apple.mpegurl"), "#EXTM3U")).isEmpty();
        assertThat(contract.violations("GET", "/assets/{id}/video/stream/main.m3u8", 200,
                Optional.of("text/plain"), "#EXTM3U")).singleElement().satisfies(v -> assertThat(v).contains("text/plain"));
    }

    @Test
    void theFailureMessageListsEveryViolation() {
        assertThatThrownBy(() -> contract.check("GET", "/server/version", 200, JSON_TYPE, "{\"major\":\"3\"}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /server/version answered 200")
                .hasMessageContaining("$.major")
                .hasMessageContaining("minor")
                .hasMessageContaining("prerelease");
    }

    @Test
    void anOperationTheSpecLacksIsAMistakeInTheTest() {
        assertThatThrownBy(() -> contract.violations("GET", "/no/such/path", 200, JSON_TYPE, "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/path");
    }

    @Test
    void aBadDateIsAViolation() throws Exception {
        JsonNode user = ((ObjectNode) JSON.readTree(USER)).put("profileChangedAt", "yesterday");
        assertThat(contract.violationsOfSchema("UserResponseDto", user))
                .singleElement().satisfies(v -> assertThat(v).startsWith("$.profileChangedAt"));
    }
}
