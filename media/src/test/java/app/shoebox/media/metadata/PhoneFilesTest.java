package app.shoebox.media.metadata;

import app.shoebox.media.FileType;
import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.video.VideoProbe;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static app.shoebox.media.NativeToolsForTests.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Real iPhone HEICs through both readers: two iPhone XR files (exiv2's test data) for orientation,
 * the capture time with its offset tags, GPS and the whole picture's size, and an iPhone 8 file
 * (Apache Tika's test data) whose offset only its GPS time gives. No real live-photo pair is in the reachable
 * sources, so the MOV half of the pairing is checked on a clip that ffmpeg writes Apple's key into.
 */
class PhoneFilesTest {

    private static final Path HEICS = CorpusAgreementTest.CORPUS.resolve("files/exiv2");

    @TempDir
    Path dir;

    private static MetadataExtractor reader(String name) {
        return name.equals("exiftool")
                ? new MetadataExtractor(VideoProbe.fromPath(), ExifTool.fromPath(1).or(() -> {
                    NativeToolsForTests.require("exiftool");
                    return Optional.empty();
                }))
                : new MetadataExtractor(VideoProbe.fromPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void iphoneHeicWithGps(String readerName) throws Exception {
        try (MetadataExtractor reader = reader(readerName)) {
            MediaMetadata m = reader.extract(HEICS.resolve("2021-02-13-1929.heic"), FileType.HEIC, Optional.empty(), Instant.EPOCH);

            assertThat(m.make()).contains("Apple");
            assertThat(m.model()).contains("iPhone XR");
            assertThat(m.orientationString()).contains("6");
            assertThat(m.captureTime().localDateTime()).hasToString("2021-02-13T11:03:31.864");
            assertThat(m.timeZone()).contains("UTC-6");
            assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2021-02-13T17:03:31.864Z"));
            assertThat(m.latitude().orElseThrow()).isCloseTo(30.5804, within(1e-3));
            assertThat(m.longitude().orElseThrow()).isLessThan(0);
            assertThat(m.exifImageWidth()).contains(4032);
            assertThat(m.exifImageHeight()).contains(3024);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void iphoneHeicWithoutGps(String readerName) throws Exception {
        try (MetadataExtractor reader = reader(readerName)) {
            MediaMetadata m = reader.extract(HEICS.resolve("IMG_3578.heic"), FileType.HEIC, Optional.empty(), Instant.EPOCH);

            assertThat(m.orientationString()).contains("1");
            assertThat(m.timeZone()).contains("UTC-6");
            assertThat(m.captureTime().localDateTime().toString()).isEqualTo("2020-04-17T10:03:40.031");
            assertThat(m.location()).isEmpty();
            assertThat(m.lensModel()).isPresent();
        }
    }

    /** iOS 11 wrote no offset tags: the offset comes from the GPS clock (UTC) against the local time. */
    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void iphoneHeicWithoutOffsetTagsTakesTheOffsetFromItsGpsTime(String readerName) throws Exception {
        try (MetadataExtractor reader = reader(readerName)) {
            MediaMetadata m = reader.extract(CorpusAgreementTest.CORPUS.resolve("files/tika/IMG_1034.heic"), FileType.HEIC,
                    Optional.empty(), Instant.EPOCH);

            assertThat(m.model()).contains("iPhone 8");
            assertThat(m.lensModel()).contains("iPhone 8 back camera 3.99mm f/1.8");
            assertThat(m.orientationString()).contains("1");
            assertThat(m.captureTime().localDateTime()).hasToString("2018-02-05T15:11:44.277");
            assertThat(m.timeZone()).contains("UTC+8");
            assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2018-02-05T07:11:44.277Z"));
            assertThat(m.latitude().orElseThrow()).isCloseTo(23.1779, within(1e-3));
            assertThat(m.longitude().orElseThrow()).isCloseTo(113.3943, within(1e-3));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void theMovHalfOfALivePhotoCarriesItsContentIdentifier(String readerName) throws Exception {
        Path ffmpeg = NativeToolsForTests.require("ffmpeg");
        Path mov = dir.resolve("IMG_0001.MOV");
        run(List.of(ffmpeg.toString(), "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=64x48:d=0.2", "-c:v", "mjpeg",
                "-movflags", "use_metadata_tags", "-metadata", "com.apple.quicktime.content.identifier=3A8E-LIVE-0001",
                mov.toString()).toArray(String[]::new));
        try (MetadataExtractor reader = reader(readerName)) {
            MediaMetadata m = reader.extract(mov, FileType.QUICKTIME, Optional.empty(), Instant.EPOCH);

            assertThat(m.livePhotoId()).contains("3A8E-LIVE-0001");
        }
    }
}
