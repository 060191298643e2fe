package app.shoebox.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who uploads in {@code shoebox bench import}: its own clients, or the Immich CLI named by the environment. */
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
}
