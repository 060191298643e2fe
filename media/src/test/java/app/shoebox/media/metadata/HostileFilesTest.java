package app.shoebox.media.metadata;

import app.shoebox.media.FileType;
import app.shoebox.media.MediaException;
import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.video.VideoProbe;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * exiv2's fuzzer proofs of concept (files that crashed or hung a metadata reader once; see the
 * corpus README): each reader either reads something or fails permanently with a message that
 * names the file, and exiftool keeps serving real files afterwards.
 */
class HostileFilesTest {

    private static final Path HOSTILE = CorpusAgreementTest.CORPUS.resolve("hostile");

    @Test
    void bothReadersSurviveEveryHostileFile() throws Exception {
        NativeToolsForTests.require("exiftool");
        List<Path> files;
        try (Stream<Path> s = Files.list(HOSTILE)) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        try (MetadataExtractor withExifTool = new MetadataExtractor(VideoProbe.fromPath(), ExifTool.fromPath(1));
             MetadataExtractor alone = new MetadataExtractor(VideoProbe.fromPath())) {
            for (Path file : files) {
                FileType type = FileType.fromFileName(file.getFileName().toString()).orElseThrow();
                for (MetadataExtractor reader : List.of(withExifTool, alone)) {
                    try {
                        reader.extract(file, type, Optional.empty(), Instant.EPOCH);
                    } catch (MediaException e) {
                        assertThat(e.permanent()).as("%s: %s", file, e.getMessage()).isTrue();
                        assertThat(e.getMessage()).contains(file.toString());
                    } catch (RuntimeException | StackOverflowError e) {
                        fail(file + " broke the " + (reader.usesExifTool() ? "exiftool" : "metadata-extractor") + " reader", e);
                    }
                }
            }
            MediaMetadata real = withExifTool.extract(CorpusAgreementTest.CORPUS.resolve("files/exiftool/NikonD70.jpg"),
                    FileType.JPEG, Optional.empty(), Instant.EPOCH);
            assertThat(real.make()).contains("NIKON CORPORATION");
            assertThat(real.warnings()).isEmpty();
        }
    }
}
