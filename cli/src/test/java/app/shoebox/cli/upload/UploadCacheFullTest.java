package app.shoebox.cli.upload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The uploader's cache folder fills up mid-run, made real with a file size limit ({@code ulimit -f})
 * on a real uploader process: every write past it fails as a write to a full disk does. The run
 * stops cleanly, saying where and what to do, and the next run uploads every file exactly once.
 */
class UploadCacheFullTest {

    private static UploadServer server;

    @BeforeAll
    static void start() throws Exception {
        server = UploadServer.start("upload_cache_full");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aCacheThatCannotBeWrittenStopsTheRunCleanlyAndTheNextRunSendsWhatIsMissingOnce() throws Exception {
        Path photos = server.dir("photos");
        for (int i = 0; i < 300; i++) {
            TestMedia.write(photos.resolve(String.format("IMG_%04d.jpg", i)), TestMedia.jpeg(200));
        }
        Path cache = server.dir("cache");
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        // 8 KB: the hash cache (75 bytes a file) outgrows it after about 110 files.
        String command = "ulimit -f 8; exec \"$0\" -XX:-UsePerfData -cp \"$1\" " + app.shoebox.cli.Main.class.getName()
                + " upload from-folder --server " + server.url() + " --api-key " + UploadServer.KEY + " --no-ui --cache-dir "
                + cache + " " + photos;
        Process p = new ProcessBuilder(List.of("bash", "-c", command, java, System.getProperty("java.class.path")))
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.err.print(said);

        assertThat(p.exitValue()).as("stopped before the end").isEqualTo(UploadRun.STOPPED);
        assertThat(said).contains("Upload stopped.").contains(cache.resolve("hashes.v1").toString())
                .contains("free space there or give --cache-dir another folder, then run again")
                .as("no internal error, no watch left polling a closed client").doesNotContain("pipeline failed")
                .doesNotContain("internal error").doesNotContain("retrying GET /queues");
        assertThat(server.assetCount()).as("it stopped part of the way").isLessThan(300);

        Path report = server.root.resolve("again.json");
        assertThat(server.upload("from-folder", "--cache-dir", cache.toString(), "--report", report.toString(),
                photos.toString())).isZero();
        assertThat(UploadFromFolderTest.counts(UploadServer.report(report))).containsEntry("failed", 0L)
                .containsEntry("unprocessed", 0L);
        assertThat(server.assetCount()).as("every file exactly once").isEqualTo(300);
        long names = server.db().withHandle(h -> h.createQuery("SELECT count(DISTINCT original_file_name) FROM assets")
                .mapTo(Long.class).one());
        assertThat(names).isEqualTo(300);
    }
}
