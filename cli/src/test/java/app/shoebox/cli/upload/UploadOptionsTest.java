package app.shoebox.cli.upload;

import app.shoebox.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the server and key come from, and what a user sees when they are wrong. */
class UploadOptionsTest {

    @TempDir
    Path dir;

    @Test
    void flagsWinOverShoeboxVariablesWhichWinOverImmichOnes() {
        UploadOptions o = new UploadOptions();
        Map<String, String> env = Map.of("SHOEBOX_SERVER", "http://shoebox:2283", "IMMICH_INSTANCE_URL", "http://immich/api",
                "IMMICH_API_KEY", "immich-key");
        assertThat(o.server(env)).isEqualTo("http://shoebox:2283");
        assertThat(o.server(Map.of("IMMICH_INSTANCE_URL", "http://immich/api"))).isEqualTo("http://immich/api");
        assertThat(o.apiKey(env)).isEqualTo("immich-key");
        new CommandLine(o).parseArgs("--server", "http://flag", "--api-key", "flag-key");
        assertThat(o.server(env)).isEqualTo("http://flag");
        assertThat(o.apiKey(env)).isEqualTo("flag-key");
    }

    @Test
    void aServerThatIsNotThereIsSaidInOneLineQuickly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        long start = System.nanoTime();
        int exit = cli.execute("upload", "from-folder", "--server", "http://127.0.0.1:" + port, "--api-key", "some-key",
                "--no-ui", "--cache-dir", dir.resolve("cache").toString(), dir.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("connection refused").contains("is the server running").doesNotContain("\tat ");
        assertThat((System.nanoTime() - start) / 1_000_000_000.0).as("three quick tries, not a minute").isLessThan(15);
    }

    @Test
    void aMissingKeyOrServerSaysWhichOptionToGive() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("upload", "from-folder", "--server", "http://127.0.0.1:1", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("--api-key");
    }
}
