package app.shoebox.cli.upload;

import app.shoebox.client.api.ApiClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code --wait-for-jobs} the uploader returns only when the server's queues, paused during
 * the upload, have worked through what it sent: the user knows the server is really done.
 */
class UploadWaitForJobsTest {

    @Test
    void theUploaderReturnsWhenTheServersQueuesAreDrained() throws Exception {
        try (UploadServer server = UploadServer.start("upload_wait", true); ApiClient admin = server.client(UploadServer.KEY)) {
            Path photos = server.dir("wait");
            for (int i = 0; i < 20; i++) {
                TestMedia.write(photos.resolve("photo-" + i + ".jpg"), TestMedia.realJpeg(640, 480, i));
            }
            UploadServer.Run run = server.uploadSaying("from-folder", "--cache-dir", server.dir("wait-cache").toString(),
                    "--wait-for-jobs", photos.toString());
            assertThat(run.exit()).isZero();
            assertThat(run.said()).as("the user sees the server's work going down, then that it is done")
                    .contains("waiting for the server's queues to drain").contains("server jobs: ")
                    .contains("the server's queues are drained");
            List<ApiClient.QueueState> queues = admin.queues();
            assertThat(queues).allSatisfy(q -> assertThat(q.pending()).as(q.name() + " has no work left").isZero());
            assertThat(queues.stream().filter(q -> q.name().equals("thumbnailGeneration")).findFirst().orElseThrow().isPaused())
                    .isFalse();
            long thumbnails = server.db().withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM assets WHERE thumbnail_path IS NOT NULL").mapTo(Long.class).one());
            assertThat(thumbnails).as("the server did the work after the upload").isEqualTo(20);
        }
    }
}
