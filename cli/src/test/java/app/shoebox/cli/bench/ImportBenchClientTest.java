package app.shoebox.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who uploads in {@code shoebox bench import} (its own clients, or the Immich CLI named by the environment), and how it runs its processes. */
class ImportBenchClientTest {

    @Test
    void theBenchmarksOwnClientsNeedNothingFromTheEnvironment() {
        assertThat(ImportBench.immichCli("java", null)).isEmpty();
    }

    @Test
    void theImmichCliIsTheEnvironmentsCommandLineSplitAtWhiteSpace() {
        assertThat(ImportBench.immichCli("immich-cli", " /opt/node/bin/node  /opt/cli/dist/index.js "))
                .isEqualTo(Optional.of(List.of("/opt/node/bin/node", "/opt/cli/dist/index.js")));
    }

    @Test
    void withoutTheCommandLineTheErrorSaysWhatToSet() {
        assertThatThrownBy(() -> ImportBench.immichCli("immich-cli", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHOEBOX_IMMICH_CLI");
        assertThatThrownBy(() -> ImportBench.immichCli("immich", "node cli.js"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java or immich-cli");
    }

    @Test
    void aFailedStepIsNamedWithWhatTheProcessSaid() {
        assertThatThrownBy(() -> ImportBench.run(new ProcessBuilder("sh", "-c", "echo no such photo >&2; exit 3"), 30,
                "sh", "the Immich CLI's upload"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the Immich CLI's upload failed: no such photo");
    }

    @Test
    void aStepThatOutlivesItsTimeIsStoppedAndSaidSo() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> ImportBench.run(new ProcessBuilder("sh", "-c", "echo started; exec sleep 60"), 1, "sh", "vipsthumbnail"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("vipsthumbnail did not end within 1 s: started");
        assertThat(System.nanoTime() - start).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(30));
    }

    @Test
    void aProgramThatCannotStartIsNamed() {
        assertThatThrownBy(() -> ImportBench.run(new ProcessBuilder("/nonexistent/vipsthumbnail"), 30,
                "/nonexistent/vipsthumbnail, which this benchmark needs,", "vipsthumbnail"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("/nonexistent/vipsthumbnail, which this benchmark needs, could not be started: ");
    }
}
