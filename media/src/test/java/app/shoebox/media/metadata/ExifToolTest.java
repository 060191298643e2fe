package app.shoebox.media.metadata;

import app.shoebox.media.FileType;
import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.video.VideoProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The exiftool batch process: reuse, limits, and what happens when it hangs, dies or cannot be given a file. */
class ExifToolTest {

    private static final Path NIKON = CorpusAgreementTest.CORPUS.resolve("files/exiftool/NikonD70.jpg");
    private static final Path CANON = CorpusAgreementTest.CORPUS.resolve("files/exiftool/Canon1DmkIII.jpg");

    @TempDir
    Path dir;

    private static ExifTool real(int processes) {
        Path exe = NativeToolsForTests.require("exiftool");
        return ExifTool.start(exe, ExifTool.DEFAULT_TIMEOUT, processes).orElseThrow();
    }

    @Test
    void oneProcessServesFileAfterFile() throws Exception {
        try (ExifTool tool = real(2)) {
            for (int i = 0; i < 20; i++) {
                ExifTool.Result r = tool.read(i % 2 == 0 ? NIKON : CANON);
                assertThat(r).isInstanceOf(ExifTool.Result.Read.class);
                assertThat(((ExifTool.Result.Read) r).tags().path("Make").asText()).isIn("NIKON CORPORATION", "Canon");
            }
            // Sequential reads never need a second process.
            assertThat(tool.running()).isEqualTo(1);
        }
    }

    @Test
    void parallelReadsShareAtMostTheLimit() throws Exception {
        try (ExifTool tool = real(2); ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<ExifTool.Result>> results = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Path file = i % 2 == 0 ? NIKON : CANON;
                results.add(pool.submit(() -> tool.read(file)));
            }
            for (int i = 0; i < results.size(); i++) {
                ExifTool.Result r = results.get(i).get();
                assertThat(((ExifTool.Result.Read) r).tags().path("Make").asText())
                        .isEqualTo(i % 2 == 0 ? "NIKON CORPORATION" : "Canon");
            }
            assertThat(tool.running()).isBetween(1, 2);
        }
    }

    @Test
    void aMissingFileIsAnErrorNotAHang() throws Exception {
        try (ExifTool tool = real(1)) {
            ExifTool.Result r = tool.read(dir.resolve("gone.jpg"));
            assertThat(r).isInstanceOf(ExifTool.Result.Failed.class);
            // The process stays usable.
            assertThat(tool.read(NIKON)).isInstanceOf(ExifTool.Result.Read.class);
        }
    }

    @Test
    void aNameExifToolCannotBeGivenIsReadByMetadataExtractor() throws Exception {
        Path odd = Files.copy(NIKON, dir.resolve("two\nlines.jpg"));
        try (MetadataExtractor extractor = new MetadataExtractor(VideoProbe.fromPath(), Optional.of(real(1)))) {
            MediaMetadata m = extractor.extract(odd, FileType.JPEG, Optional.empty(), Instant.EPOCH);
            assertThat(m.make()).contains("NIKON CORPORATION");
            assertThat(m.warnings()).anySatisfy(w -> assertThat(w).contains("line break").contains("metadata-extractor"));
        }
    }

    /** A stand-in that answers -ver like exiftool, then never answers a file: the time limit must end it. */
    @Test
    void aHungExifToolIsKilledAndTheFileReadAnotherWay() throws Exception {
        Path fake = script("hangs", "sleep 600");
        try (ExifTool tool = ExifTool.start(fake, Duration.ofMillis(500), 1).orElseThrow();
             MetadataExtractor extractor = new MetadataExtractor(VideoProbe.fromPath(), Optional.of(tool))) {
            long start = System.nanoTime();
            MediaMetadata m = extractor.extract(NIKON, FileType.JPEG, Optional.empty(), Instant.EPOCH);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(m.make()).contains("NIKON CORPORATION");
            assertThat(m.warnings()).anySatisfy(w -> assertThat(w).contains("took longer than"));
            assertThat(tool.running()).isZero();
        }
    }

    @Test
    void anExifToolThatDiesIsReplacedAndTheFileReadAnotherWay() throws Exception {
        Path fake = script("dies", "exit 3");
        try (ExifTool tool = ExifTool.start(fake, Duration.ofSeconds(20), 1).orElseThrow();
             MetadataExtractor extractor = new MetadataExtractor(VideoProbe.fromPath(), Optional.of(tool))) {
            MediaMetadata m = extractor.extract(CANON, FileType.JPEG, Optional.empty(), Instant.EPOCH);
            assertThat(m.model()).contains("Canon EOS-1D Mark III");
            assertThat(m.warnings()).anySatisfy(w -> assertThat(w).contains("exiftool could not read").contains("metadata-extractor"));
        }
    }

    @Test
    void aProgramThatIsNotExifToolIsNotUsed() throws Exception {
        Path fake = dir.resolve("not-exiftool");
        Files.writeString(fake, "#!/bin/sh\necho hello\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        assertThat(ExifTool.start(fake, Duration.ofSeconds(5), 1)).isEmpty();
    }

    @Test
    void closingStopsEveryProcess() throws Exception {
        ExifTool tool = real(2);
        tool.read(NIKON);
        assertThat(tool.running()).isEqualTo(1);
        tool.close();
        assertThat(tool.running()).isZero();
        assertThat(tool.read(NIKON)).isInstanceOf(ExifTool.Result.Failed.class);
    }

    /**
     * exiftool in batch mode waits for input forever, even after its stdin closes: when the process
     * that started it is killed with SIGKILL (a crashed worker), the guard must end it.
     */
    @Test
    void noExifToolOutlivesTheProcessThatStartedIt() throws Exception {
        Path exe = NativeToolsForTests.require("exiftool");
        List<String> command = new ArrayList<>(List.of("sh", "-c", "\"$@\" & echo $!; exec sleep 600", "sh"));
        command.addAll(ExifTool.command(exe));
        Process parent = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        try {
            long guardPid = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream()))
                    .readLine().strip());
            ProcessHandle guard = ProcessHandle.of(guardPid).orElseThrow();
            ProcessHandle exiftool = awaitChild(guard);
            assertThat(exiftool.info().commandLine().orElse("")).contains("exiftool");

            parent.destroyForcibly().waitFor();

            assertThat(exiftool.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(guard.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
        } finally {
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
        }
    }

    private static ProcessHandle awaitChild(ProcessHandle guard) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            var child = guard.children().findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the guard " + guard.pid() + " started no exiftool");
    }

    private Path script(String name, String onRead) throws Exception {
        Path fake = dir.resolve(name);
        Files.writeString(fake, "#!/bin/sh\nif [ \"$1\" = \"-ver\" ]; then echo 12.57; exit 0; fi\n" + onRead + "\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        return fake;
    }
}
