package app.shoebox.cli.serve;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line {@code shoebox serve} starts its worker processes with. */
class WorkerCommandLineTest {

    @Test
    void workerJavaOptionsComeFromTheEnvironmentSplitAtWhiteSpace() {
        assertThat(ServeCommand.workerJavaOptions(" -Xmx2g  -XX:TieredStopAtLevel=1 ")).containsExactly("-Xmx2g",
                "-XX:TieredStopAtLevel=1");
        assertThat(ServeCommand.workerJavaOptions(null)).isEqualTo(ServeCommand.WORKER_JAVA_OPTIONS);
        assertThat(ServeCommand.workerJavaOptions("  ")).isEqualTo(ServeCommand.WORKER_JAVA_OPTIONS);
    }

    @Test
    void theOptionsGoBeforeTheClassAndTheWorkersOwnArguments() {
        var command = ServeCommand.workerCommand(Path.of("/srv/library"), "{{y}}/{{filename}}");
        int classPath = command.indexOf("-cp");
        assertThat(classPath).isGreaterThan(0);
        assertThat(command.subList(classPath + 2, command.size())).containsExactly(app.shoebox.cli.Main.class.getName(),
                "worker", "--library", "/srv/library", "--storage-template", "{{y}}/{{filename}}", "--stop-with-parent");
        assertThat(command.get(command.indexOf("-cp") - 1)).isEqualTo("--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void workersRunNicedSoTheApiIsServedFirstUnlessTheOperatorSaysOtherwise() {
        assertThat(ServeCommand.niceness(null)).containsExactly("/usr/bin/nice", "-n", "10");
        assertThat(ServeCommand.niceness("15")).containsExactly("/usr/bin/nice", "-n", "15");
        assertThat(ServeCommand.niceness("0")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServeCommand.niceness("-5"))
                .hasMessageContaining("SHOEBOX_WORKER_NICE must be from 0 to 19");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServeCommand.niceness("low"))
                .hasMessageContaining("SHOEBOX_WORKER_NICE must be a number");
    }
}
