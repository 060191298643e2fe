package app.shoebox.cli.serve;

import app.shoebox.cli.InProcess;
import app.shoebox.testing.TestFolders;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start that cannot go on says so in one line that names the problem and what to do, with no
 * stack trace: a taken port, a library folder that cannot be made, a database that cannot be
 * reached, a library that has no database yet. (The log lines of what had started before go to
 * standard error as well, as always.)
 */
class StartFailureTest {

    @Test
    void aTakenPortIsOneLineThatSaysWhatToDo() throws Exception {
        Path library = TestFolders.create("start-port-");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            InProcess.Result r = InProcess.shoebox("serve", "--library", library.toString(), "--bind", "127.0.0.1",
                    "--port", String.valueOf(taken.getLocalPort()), "--workers", "0");
            assertOneLine(r, "127.0.0.1:" + taken.getLocalPort(), "--port");
        }
        assertThat(library.resolve("postgres.pgpass")).as("the embedded database was made, and stopped again").exists();
        assertThat(InProcess.shoebox("db", "url", "--library", library.toString()).exit()).isZero();
    }

    @Test
    void aLibraryFolderThatCannotBeMadeIsOneLine() throws Exception {
        Path file = Files.writeString(TestFolders.create("start-folder-").resolve("a-file"), "not a folder");
        InProcess.Result r = InProcess.shoebox("serve", "--library", file.resolve("library").toString(), "--port", "0",
                "--bind", "127.0.0.1", "--workers", "0");
        assertOneLine(r, "cannot create the library folder " + file.resolve("library"), "--library");
    }

    @Test
    void aDatabaseThatCannotBeReachedIsOneLine() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        InProcess.Result r = InProcess.shoebox("serve", "--library", TestFolders.create("start-db-").toString(), "--port", "0",
                "--bind", "127.0.0.1", "--workers", "0",
                "--database-url", "postgres://someone:secret-word@127.0.0.1:" + closedPort + "/catalogue");
        assertOneLine(r, "cannot connect", "127.0.0.1:" + closedPort);
        assertThat(r.err()).doesNotContain("secret-word");
    }

    @Test
    void theUrlOfALibraryWithoutADatabaseYetIsOneLine() throws Exception {
        InProcess.Result r = InProcess.shoebox("db", "url", "--library", TestFolders.create("start-url-").toString());
        assertOneLine(r, "no embedded database yet", "shoebox serve");
    }

    private static void assertOneLine(InProcess.Result r, String... needles) {
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        List<String> verdict = r.err().lines().filter(l -> l.startsWith("shoebox ")).toList();
        assertThat(verdict).as(r.err()).hasSize(1);
        assertThat(r.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Caused by");
        for (String needle : needles) {
            assertThat(verdict.getFirst()).contains(needle);
        }
    }
}
