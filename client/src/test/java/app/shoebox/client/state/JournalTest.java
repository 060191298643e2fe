package app.shoebox.client.state;

import app.shoebox.client.sources.ItemKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class JournalTest {

    @TempDir
    Path dir;

    @Test
    void anUploadWhoseFollowUpsWereCutOffIsKnownAsSuchByTheNextRun() throws IOException {
        ItemKey a = ItemKey.of("file:/a.jpg", "1");
        ItemKey b = ItemKey.of("file:/b.jpg", "1");
        ItemKey c = ItemKey.of("file:/c.jpg", "1");
        Path file = dir.resolve("journals/server.v1");
        try (Journal j = Journal.open(file)) {
            j.uploaded(a, "11111111-1111-1111-1111-111111111111");
            j.uploaded(b, "22222222-2222-2222-2222-222222222222");
            j.done(b, "22222222-2222-2222-2222-222222222222");
            j.sending(c);
        }
        // A kill in the middle of a line:
        Files.writeString(file, "D 0123", StandardOpenOption.APPEND);
        try (Journal j = Journal.open(file)) {
            assertThat(j.get(a)).contains(new Journal.Entry(Journal.State.UPLOADED, "11111111-1111-1111-1111-111111111111"));
            assertThat(j.get(b)).contains(new Journal.Entry(Journal.State.DONE, "22222222-2222-2222-2222-222222222222"));
            assertThat(j.get(c)).as("killed while the server answered").hasValueSatisfying(
                    e -> assertThat(e.state()).isEqualTo(Journal.State.SENDING));
            assertThat(j.get(ItemKey.of("file:/a.jpg", "2"))).as("the file changed since").isEmpty();
        }
    }

    @Test
    void aJournalThatWritesNothingForDryRuns() {
        try (Journal j = Journal.none()) {
            j.done(ItemKey.of("x", "1"), "id");
            assertThat(j.get(ItemKey.of("x", "1"))).isPresent();
        }
        assertThat(dir.toFile().list()).isEmpty();
    }
}
