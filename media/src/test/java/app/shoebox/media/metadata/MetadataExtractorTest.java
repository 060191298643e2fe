package app.shoebox.media.metadata;

import app.shoebox.media.FileType;
import app.shoebox.media.GeoPoint;
import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.TestImages;
import app.shoebox.media.video.VideoProbe;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static app.shoebox.media.NativeToolsForTests.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Files are drawn by ImageIO and tagged by exiftool; what we read is compared with what exiftool
 * reads back ({@code exiftool -j -n}), the reference.
 */
class MetadataExtractorTest {

    private static final Instant FILE_CREATED = Instant.parse("2001-02-03T04:05:06Z");

    @TempDir
    Path dir;

    private String exiftool;
    private final MetadataExtractor extractor = newExtractor();

    /** metadata-extractor alone here; {@link ExifToolReaderTest} runs every test again with exiftool. */
    MetadataExtractor newExtractor() {
        return new MetadataExtractor(VideoProbe.fromPath());
    }

    @org.junit.jupiter.api.AfterEach
    void closeExtractor() {
        extractor.close();
    }

    @BeforeEach
    void needsExiftool() {
        exiftool = NativeToolsForTests.require("exiftool").toString();
    }

    private Path photo(String name, String... tags) throws Exception {
        Path file = TestImages.write(TestImages.quadrants(640, 480), "jpg", dir.resolve(name));
        if (tags.length > 0) {
            List<String> cmd = new ArrayList<>(List.of(exiftool, "-q", "-overwrite_original"));
            cmd.addAll(List.of(tags));
            cmd.add(file.toString());
            run(cmd.toArray(String[]::new));
        }
        return file;
    }

    private JsonNode exiftool(Path file) throws Exception {
        return new ObjectMapper().readTree(run(exiftool, "-j", "-n", file.toString())).get(0);
    }

    private MediaMetadata extract(Path file) throws Exception {
        return extractor.extract(file, FileType.JPEG, Optional.empty(), FILE_CREATED);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void readsEveryOrientation(int orientation) throws Exception {
        Path file = photo("o.jpg", "-Orientation#=" + orientation);

        MediaMetadata m = extract(file);

        assertThat(m.orientation().orElseThrow().exifValue()).isEqualTo(exiftool(file).get("Orientation").asInt());
        assertThat(m.orientationString()).contains(Integer.toString(orientation));
    }

    @Test
    void readsCaptureTimeWithItsOffset() throws Exception {
        Path file = photo("t.jpg", "-DateTimeOriginal=2024:05:01 10:00:00", "-SubSecTimeOriginal=250",
                "-OffsetTimeOriginal=+02:00");
        JsonNode ref = exiftool(file);

        MediaMetadata m = extract(file);

        LocalDateTime local = LocalDateTime.parse(ref.get("DateTimeOriginal").asText().replaceFirst(":", "-").replaceFirst(":", "-").replace(' ', 'T'));
        ZoneOffset offset = ZoneOffset.of(ref.get("OffsetTimeOriginal").asText());
        assertThat(m.captureTime().localDateTime()).isEqualTo(local.withNano(250_000_000));
        assertThat(m.dateTimeOriginal()).isEqualTo(local.withNano(250_000_000).toInstant(offset));
        assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2024-05-01T08:00:00.250Z"));
        assertThat(m.timeZone()).contains("UTC+2");
        assertThat(m.captureTime().source()).isEqualTo(CaptureTime.Source.DATE_TIME_ORIGINAL);
    }

    @Test
    void readsANegativeHalfHourOffset() throws Exception {
        Path file = photo("t.jpg", "-DateTimeOriginal=2024:05:01 10:00:00", "-OffsetTimeOriginal=-03:30");

        MediaMetadata m = extract(file);

        assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2024-05-01T13:30:00Z"));
        assertThat(m.timeZone()).contains("UTC-3:30");
    }

    @Test
    void takesTheCameraClockAsUtcWhenNoOffsetIsKnown() throws Exception {
        Path file = photo("t.jpg", "-DateTimeOriginal=2024:05:01 10:00:00");
        assertThat(exiftool(file).has("OffsetTimeOriginal")).isFalse();

        MediaMetadata m = extract(file);

        assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(m.captureTime().offset()).isEmpty();
        assertThat(m.timeZone()).isEmpty();
    }

    @Test
    void derivesTheOffsetFromTheGpsClock() throws Exception {
        // Camera clock 10:00 local, GPS 13:00:12 UTC: the camera was at UTC-3.
        Path file = photo("t.jpg", "-DateTimeOriginal=2024:05:01 10:00:00", "-GPSDateStamp=2024:05:01",
                "-GPSTimeStamp=13:00:12");

        MediaMetadata m = extract(file);

        assertThat(m.timeZone()).contains("UTC-3");
        assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2024-05-01T13:00:00Z"));
    }

    @Test
    void fallsBackToDigitizedThenGpsThenTheFileDate() throws Exception {
        MediaMetadata digitized = extract(photo("d.jpg", "-CreateDate=2023:01:01 12:00:00", "-OffsetTimeDigitized=+01:00"));
        assertThat(digitized.captureTime().source()).isEqualTo(CaptureTime.Source.CREATE_DATE);
        assertThat(digitized.dateTimeOriginal()).isEqualTo(Instant.parse("2023-01-01T11:00:00Z"));

        MediaMetadata gps = extract(photo("g.jpg", "-GPSDateStamp=2022:06:30", "-GPSTimeStamp=18:30:00"));
        assertThat(gps.captureTime().source()).isEqualTo(CaptureTime.Source.GPS);
        assertThat(gps.dateTimeOriginal()).isEqualTo(Instant.parse("2022-06-30T18:30:00Z"));

        MediaMetadata none = extract(photo("n.jpg"));
        assertThat(none.captureTime().source()).isEqualTo(CaptureTime.Source.FILE_CREATED);
        assertThat(none.dateTimeOriginal()).isEqualTo(FILE_CREATED);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"100.0 mm f/2.8", "XF50mmF2 R WR", "18-55mm F3.5-5.6 - II", "iPhone XR back camera 4.25mm f/1.8"})
    void writesTheLensAsExiftoolPrintsIt(String lensModel) throws Exception {
        Path file = photo("l.jpg", "-Make=FUJIFILM", "-LensModel=" + lensModel);
        // Printed values (no -n): exiftool's LensID composite tidies the EXIF text.
        String expected = new ObjectMapper().readTree(run(exiftool, "-j", "-LensID", file.toString())).get(0).get("LensID").asText();

        assertThat(extract(file).lensModel()).contains(expected);
    }

    @Test
    void readsAnIptcOnlyDateWithItsOffset() throws Exception {
        Path file = photo("i.jpg", "-IPTC:DateCreated=2019:07:14", "-IPTC:TimeCreated=18:30:05+05:30");

        MediaMetadata m = extract(file);

        assertThat(m.captureTime().localDateTime()).isEqualTo(LocalDateTime.parse("2019-07-14T18:30:05"));
        assertThat(m.timeZone()).contains("UTC+5:30");
        assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2019-07-14T13:00:05Z"));
    }

    @Test
    void readsAnXmpOnlyDateAndSkipsABareOne() throws Exception {
        MediaMetadata withTime = extract(photo("x.jpg", "-XMP-photoshop:DateCreated=2018:03:04 05:06:07.5-08:00"));
        assertThat(withTime.dateTimeOriginal()).isEqualTo(Instant.parse("2018-03-04T13:06:07.500Z"));
        assertThat(withTime.timeZone()).contains("UTC-8");

        // A date without a time is no capture time (Immich skips it): the next tag, xmp:CreateDate, is used.
        MediaMetadata bare = extract(photo("y.jpg", "-XMP-photoshop:DateCreated=2018:03:04",
                "-XMP-xmp:CreateDate=2018:03:05 10:00:00Z"));
        assertThat(bare.dateTimeOriginal()).isEqualTo(Instant.parse("2018-03-05T10:00:00Z"));
    }

    @Test
    void anExifCreateDateComesBeforeAnIptcDateOnlyWithItsOffsetOrSubSeconds() throws Exception {
        // Immich's order puts SubSecCreateDate before DateTimeOriginal (which holds IPTC's date under MWG),
        // and exiftool makes SubSecCreateDate only when CreateDate has sub-seconds or an offset.
        MediaMetadata withOffset = extract(photo("o.jpg", "-EXIF:CreateDate=2017:01:01 09:00:00", "-OffsetTimeDigitized=+01:00",
                "-IPTC:DateCreated=2016:01:01", "-IPTC:TimeCreated=09:00:00+00:00"));
        assertThat(withOffset.captureTime().localDateTime()).isEqualTo(LocalDateTime.parse("2017-01-01T09:00:00"));
        assertThat(withOffset.captureTime().source()).isEqualTo(CaptureTime.Source.CREATE_DATE);

        MediaMetadata plain = extract(photo("p.jpg", "-EXIF:CreateDate=2017:01:01 09:00:00",
                "-IPTC:DateCreated=2016:01:01", "-IPTC:TimeCreated=09:00:00+00:00"));
        assertThat(plain.captureTime().localDateTime()).isEqualTo(LocalDateTime.parse("2016-01-01T09:00:00"));
        assertThat(plain.timeZone()).contains("UTC");
    }

    @ParameterizedTest(name = "{0} {1}, {2} {3}")
    @CsvSource({"48.8584, N, 2.2945, E", "33.8688, S, 151.2093, E", "40.6892, N, 74.0445, W", "22.9068, S, 43.1729, W"})
    void readsGpsInEveryHemisphere(double lat, String latRef, double lon, String lonRef) throws Exception {
        Path file = photo("gps.jpg", "-GPSLatitude=" + lat, "-GPSLatitudeRef=" + latRef, "-GPSLongitude=" + lon,
                "-GPSLongitudeRef=" + lonRef);
        JsonNode ref = exiftool(file);

        MediaMetadata m = extract(file);

        assertThat(m.latitude().orElseThrow()).isCloseTo(ref.get("GPSLatitude").asDouble(), within(1e-6));
        assertThat(m.longitude().orElseThrow()).isCloseTo(ref.get("GPSLongitude").asDouble(), within(1e-6));
        assertThat(Math.signum(m.latitude().orElseThrow())).isEqualTo(latRef.equals("S") ? -1.0 : 1.0);
        assertThat(Math.signum(m.longitude().orElseThrow())).isEqualTo(lonRef.equals("W") ? -1.0 : 1.0);
    }

    @Test
    void readsCameraLensAndExposure() throws Exception {
        Path file = photo("c.jpg", "-Make=Canon", "-Model=Canon EOS R6", "-LensModel=RF24-105mm F4 L IS USM",
                "-ExposureTime=0.008", "-FNumber=2.8", "-ISO=200", "-FocalLength=35", "-Rating=4",
                "-ImageDescription=Beach at dusk", "-ModifyDate=2024:05:02 09:00:00");
        JsonNode ref = exiftool(file);

        MediaMetadata m = extract(file);

        assertThat(m.make()).contains(ref.get("Make").asText());
        assertThat(m.model()).contains(ref.get("Model").asText());
        assertThat(m.lensModel()).contains(ref.get("LensModel").asText());
        assertThat(m.exposureTime()).contains("1/" + Math.round(1 / ref.get("ExposureTime").asDouble()));
        assertThat(m.fNumber().orElseThrow()).isCloseTo(ref.get("FNumber").asDouble(), within(1e-9));
        assertThat(m.iso()).contains(ref.get("ISO").asInt());
        assertThat(m.focalLength().orElseThrow()).isCloseTo(ref.get("FocalLength").asDouble(), within(1e-9));
        assertThat(m.rating()).contains(ref.get("Rating").asInt());
        assertThat(m.description()).contains(ref.get("ImageDescription").asText());
        assertThat(m.modifyDate()).contains(Instant.parse("2024-05-02T09:00:00Z"));
        assertThat(m.exifImageWidth()).contains(ref.get("ImageWidth").asInt());
        assertThat(m.exifImageHeight()).contains(ref.get("ImageHeight").asInt());
        assertThat(m.fileSizeInByte()).isEqualTo(Files.size(file));
        assertThat(m.warnings()).isEmpty();
    }

    @Test
    void anXmpSidecarOverridesDateDescriptionGpsRatingAndTags() throws Exception {
        Path file = photo("s.jpg", "-DateTimeOriginal=2024:05:01 10:00:00", "-OffsetTimeOriginal=+02:00",
                "-ImageDescription=Embedded", "-Rating=2", "-GPSLatitude=10", "-GPSLatitudeRef=N",
                "-GPSLongitude=10", "-GPSLongitudeRef=E");
        Path sidecar = dir.resolve("s.jpg.xmp");
        run(exiftool, "-q", "-XMP-exif:DateTimeOriginal=2020:01:02 03:04:05-05:00", "-XMP-dc:Description=From the sidecar",
                "-XMP-xmp:Rating=5", "-XMP-dc:Subject=beach", "-XMP-dc:Subject=family",
                // XMP has no hemisphere tags: the sign goes into the value ("33,30.0S").
                "-XMP-exif:GPSLatitude=-33.5", "-XMP-exif:GPSLongitude=-70.25", sidecar.toString());
        JsonNode ref = exiftool(sidecar);

        MediaMetadata m = extractor.extract(file, FileType.JPEG, Optional.of(sidecar), FILE_CREATED);

        assertThat(m.captureTime().source()).isEqualTo(CaptureTime.Source.XMP_SIDECAR);
        assertThat(m.dateTimeOriginal()).isEqualTo(Instant.parse("2020-01-02T08:04:05Z"));
        assertThat(m.timeZone()).contains("UTC-5");
        assertThat(m.description()).contains(ref.get("Description").asText()).contains("From the sidecar");
        assertThat(m.rating()).contains(5);
        assertThat(m.tags()).containsExactly("beach", "family");
        assertThat(m.latitude().orElseThrow()).isCloseTo(ref.get("GPSLatitude").asDouble(), within(1e-6));
        assertThat(m.longitude().orElseThrow()).isCloseTo(ref.get("GPSLongitude").asDouble(), within(1e-6));
        assertThat(m.location()).contains(new GeoPoint(-33.5, -70.25));
    }

    @Test
    void aFormatTheLibraryDoesNotParseStillGetsMetadata() throws Exception {
        Path png = TestImages.write(TestImages.quadrants(64, 48), "png", dir.resolve("q.png"));
        Path jxl = dir.resolve("q.jxl");
        run(NativeToolsForTests.require("vips").toString(), "copy", png.toString(), jxl.toString());

        MediaMetadata m = extractor.extract(jxl, FileType.JXL, Optional.empty(), FILE_CREATED);

        assertThat(m.dateTimeOriginal()).isEqualTo(FILE_CREATED);
        assertThat(m.fileSizeInByte()).isEqualTo(Files.size(jxl));
    }

    @Test
    void aBrokenSidecarIsIgnoredWithAWarning() throws Exception {
        Path file = photo("b.jpg", "-ImageDescription=Embedded");
        Path sidecar = Files.writeString(dir.resolve("b.xmp"), "this is not xmp");

        MediaMetadata m = extractor.extract(file, FileType.JPEG, Optional.of(sidecar), FILE_CREATED);

        assertThat(m.description()).contains("Embedded");
        assertThat(m.warnings()).singleElement().asString().contains(sidecar.toString());
    }
}
