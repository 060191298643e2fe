package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static app.shoebox.server.assets.TestFiles.jpeg;
import static app.shoebox.server.assets.TestFiles.libraryFiles;
import static org.assertj.core.api.Assertions.assertThat;

class AssetUploadLimitTest {

    static final long LIMIT = 64 * 1024;
    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("asset_upload_limit", cfg -> cfg.withMaxUploadBytes(LIMIT));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    void assertTooLarge(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        JsonNode body = ServerFixture.json(r);
        assertThat(body.has("statusCode")).isFalse();
        assertThat(body.get("message").asText()).contains(String.valueOf(LIMIT));
        assertThat(libraryFiles(server)).isEmpty();
        assertThat(TestFiles.assetRows(server)).isZero();
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeReading() {
        Multipart form = Multipart.asset("big.jpg", jpeg((int) LIMIT));
        assertTooLarge(TestFiles.upload(server, ServerFixture.ADMIN_KEY, form));
    }

    @Test
    void chunkedBodyOverTheLimitIsRefusedWhileStreaming() {
        Multipart form = Multipart.asset("big-chunked.jpg", jpeg((int) LIMIT * 3));
        var r = server.send(server.request("/api/assets", ServerFixture.ADMIN_KEY).header("content-type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(form.body()))).build());
        assertTooLarge(r);
    }

    @Test
    void uploadUnderTheLimitStillWorks() {
        String id = TestFiles.uploadNew(server, ServerFixture.ADMIN_KEY, "small.jpg", jpeg(1000));
        assertThat(libraryFiles(server)).hasSize(1).allMatch(f -> f.endsWith(id + ".jpg"));
        server.deleteJson("/api/assets", ServerFixture.ADMIN_KEY, java.util.Map.of("ids", List.of(id), "force", true));
        assertThat(libraryFiles(server)).isEmpty();
    }
}
