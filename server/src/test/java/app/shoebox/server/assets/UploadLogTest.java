package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import app.shoebox.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** Every upload leaves one line in the log: the file, its size, the user, and created, duplicate or refused and why. */
class UploadLogTest {

    static ServerFixture server;
    static String adminId;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("upload_log");
        adminId = server.server().database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM users").mapTo(UUID.class).one())
                .toString();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void createdDuplicateAndRefusedUploadsAreOneLineEach() throws Exception {
        byte[] photo = TestFiles.jpeg(5000);
        try (LogCapture log = LogCapture.of(UploadService.class)) {
            String id = TestFiles.uploadNew(server, ADMIN_KEY, "beach.jpg", photo);
            assertThat(TestFiles.upload(server, ADMIN_KEY, Multipart.asset("beach-again.jpg", photo)).statusCode()).isEqualTo(200);
            var refused = TestFiles.upload(server, ADMIN_KEY, Multipart.asset("notes.jpg", "just some text".getBytes()));
            assertThat(refused.statusCode()).isEqualTo(400);
            var early = server.send(server.request("/api/assets", ADMIN_KEY)
                    .header("content-type", "multipart/form-data; boundary=unread")
                    .header("x-immich-checksum", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(photo)))
                    .POST(HttpRequest.BodyPublishers.ofString("not read")).build());
            assertThat(early.statusCode()).isEqualTo(200);

            List<String> lines = log.linesWith("upload");
            assertThat(lines).hasSize(4);
            assertThat(lines.get(0)).isEqualTo("INFO upload beach.jpg (5004 bytes) by user " + adminId + ": created asset " + id);
            assertThat(lines.get(1)).isEqualTo("INFO upload beach-again.jpg (5004 bytes) by user " + adminId
                    + ": duplicate of asset " + id);
            assertThat(lines.get(2)).startsWith("INFO upload notes.jpg (14 bytes) by user " + adminId + ": refused (400): ")
                    .contains("notes.jpg");
            assertThat(lines.get(3)).startsWith("INFO upload by user " + adminId + ": duplicate of asset " + id)
                    .contains("body not read");
        }
    }
}
