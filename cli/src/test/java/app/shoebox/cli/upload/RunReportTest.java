package app.shoebox.cli.upload;

import app.shoebox.client.upload.Tally;
import app.shoebox.client.upload.UploadPipeline;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The summary a user reads at the end of {@code shoebox upload}. */
class RunReportTest {

    private static String summary(Optional<String> stopReason, long found, long uploaded, long failed) {
        Tally.Counts counts = new Tally.Counts(found, found * 1000, uploaded, uploaded * 1000, 0, 0, failed, 0, 0, 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new RunReport().printSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new UploadPipeline.Result(counts, stopReason, uploaded, uploaded * 1000, Duration.ofSeconds(3)), false);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aStoppedRunSaysWhyAndThatARerunResumesOnceTheCauseIsDealtWith() {
        String out = summary(Optional.of("takeout-002.zip is not a readable zip file (zip END header not found); "
                + "download this Takeout part again"), 10, 4, 0);
        assertThat(out).contains("Upload stopped.")
                .contains("Stopped early: takeout-002.zip is not a readable zip file (zip END header not found); "
                        + "download this Takeout part again\n")
                .contains("once the cause is dealt with, the same command resumes where it stopped")
                // the reason's own advice is not followed by a promise that a plain re-run is enough
                .doesNotContain("again; running the same command again resumes")
                .contains("not reached          6 (run again to resume)");
    }

    @Test
    void aFinishedRunSaysNothingOfResuming() {
        String out = summary(Optional.empty(), 3, 3, 0);
        assertThat(out).contains("Upload finished.").doesNotContain("Stopped early").doesNotContain("resume");
    }
}
