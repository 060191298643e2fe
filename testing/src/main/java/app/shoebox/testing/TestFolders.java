package app.shoebox.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh folders for tests, under {@code SHOEBOX_TEST_ROOT} when set (else the system's temp folder). */
public final class TestFolders {

    private TestFolders() {
    }

    public static Path create(String prefix) {
        Path root = Path.of(System.getenv().getOrDefault("SHOEBOX_TEST_ROOT", System.getProperty("java.io.tmpdir")));
        try {
            return Files.createTempDirectory(Files.createDirectories(root), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a test folder under " + root, e);
        }
    }
}
