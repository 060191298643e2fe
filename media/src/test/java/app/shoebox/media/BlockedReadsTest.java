package app.shoebox.media;

import app.shoebox.media.metadata.ExifTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The threads that sit in reads of a tool's pipes are platform threads. On JDK 25 a virtual thread
 * blocked in a pipe read holds its carrier; with two cores, two such readers left idle for 30 s
 * (when the JDK retires its compensating carrier) starved every other virtual thread of the process:
 * the media suite hung with a vipsthumbnail drain that never ran behind two idle exiftool sessions.
 * {@code Thread.getAllStackTraces()} lists platform threads only, which is what is checked here.
 */
class BlockedReadsTest {

    @TempDir
    Path dir;

    private static boolean platformThreadNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(prefix));
    }

    @Test
    void anExifToolSessionReadsItsPipesOnPlatformThreads() throws Exception {
        Path exiftool = NativeToolsForTests.require("exiftool");
        Path photo = TestImages.write(TestImages.quadrants(64, 48), "jpg", dir.resolve("small.jpg"));
        try (ExifTool tool = ExifTool.start(exiftool, ExifTool.DEFAULT_TIMEOUT, 1).orElseThrow()) {
            assertThat(tool.read(photo)).isInstanceOf(ExifTool.Result.Read.class);
            assertThat(platformThreadNamed("exiftool-out-")).isTrue();
            assertThat(platformThreadNamed("exiftool-err-")).isTrue();
        }
    }

    @Test
    void aToolsOutputIsReadOnPlatformThreads() throws Exception {
        Path sh = NativeToolsForTests.require("sh");
        CompletableFuture<ProcessRunner.Result> run = CompletableFuture.supplyAsync(() -> {
            try {
                return ProcessRunner.run(List.of(sh.toString(), "-c", "sleep 2; echo done"), Duration.ofSeconds(30), dir);
            } catch (MediaException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().start(r));
        boolean seen = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!seen && !run.isDone() && System.nanoTime() < deadline) {
            seen = platformThreadNamed("tool-output");
            Thread.sleep(20);
        }
        assertThat(run.get().stdout().strip()).isEqualTo("done");
        assertThat(seen).as("the tool's output was read on platform threads while it ran").isTrue();
    }
}
