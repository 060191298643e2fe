package app.shoebox.client.sources.folder;

import app.shoebox.client.api.ServerInfo;
import app.shoebox.client.sources.AssetGroup;
import app.shoebox.client.sources.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A real folder tree walked by {@link FolderSource}, with what it hands over collected as it comes. */
class FolderSourceTest {

    private static final ServerInfo.MediaTypes TYPES = ServerInfo.MediaTypes.of(List.of(".jpg"), List.of(".mp4"), List.of(".xmp"));

    /** What the walk handed over, in order. */
    private static final class Collected implements Source.Sink {
        final List<String> uploaded = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        Runnable afterGroup = () -> { };

        @Override
        public void group(AssetGroup group) {
            group.members().forEach(m -> uploaded.add(m.path()));
            afterGroup.run();
        }

        @Override
        public void skipped(String path, long size, String reason) {
        }

        @Override
        public void failed(String path, String reason) {
            failed.add(path + ": " + reason);
        }

        @Override
        public void note(String path, String message) {
            notes.add(path + ": " + message);
        }

        @Override
        public boolean stopping() {
            return false;
        }
    }

    @Test
    void aFolderThatCannotBeReadWhenItsTurnComesIsAFailureNotANote(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("a"));
        Files.createDirectories(root.resolve("b"));
        Files.write(root.resolve("a/x.jpg"), new byte[]{1, 2, 3});
        Files.write(root.resolve("b/y.jpg"), new byte[]{1, 2, 3});
        Collected sink = new Collected();
        // Folder b is listed with the root, then gone (unmounted, removed) by the time the walk reaches it.
        sink.afterGroup = () -> {
            try {
                Files.delete(root.resolve("b/y.jpg"));
                Files.delete(root.resolve("b"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };

        new FolderSource(List.of(root), TYPES, FolderSource.Options.defaults()).browse(sink);

        assertThat(sink.uploaded).containsExactly(root.resolve("a/x.jpg").toString());
        assertThat(sink.failed).as("files left out: the run must not end as if all went well").singleElement().asString()
                .contains(root.resolve("b").toString()).contains("none of its files uploaded").contains("no longer there");
    }
}
