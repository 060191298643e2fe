package app.shoebox.cli.upload;

import app.shoebox.client.api.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code shoebox upload from-google-photos} with a Takeout in three parts (two zips and a tgz) that
 * has Google's quirks: sidecars in another part than their photo, names cut at 46 characters,
 * {@code .supplemental-metadata} and its cuts, {@code (1)} counters, edited copies in English and
 * German, a live photo, trashed and archived items, an album whose title is in another part,
 * a file with no sidecar, other products' files, and members that name files outside the archive.
 */
class UploadFromTakeoutTest {

    private static UploadServer server;
    private static ApiClient admin;

    private static final Instant T1 = Instant.parse("2019-05-04T10:11:12Z");
    private static final Instant T2 = Instant.parse("2019-06-01T08:00:00Z");
    private static final Instant T3 = Instant.parse("2019-07-01T09:00:00Z");
    private static final Instant T3B = Instant.parse("2019-07-02T09:00:00Z");
    private static final Instant T4 = Instant.parse("2019-08-01T10:00:00Z");
    private static final Instant T5 = Instant.parse("2019-09-01T11:00:00Z");
    private static final Instant T6 = Instant.parse("2019-10-01T12:00:00Z");
    private static final Instant T7 = Instant.parse("2019-11-01T13:00:00Z");
    private static final Instant T8 = Instant.parse("2019-12-01T14:00:00Z");
    private static final Instant T10 = Instant.parse("2020-01-01T15:00:00Z");
    private static final Instant T11 = Instant.parse("2020-02-01T16:00:00Z");
    private static final Instant T12 = Instant.parse("2020-03-01T17:00:00Z");
    private static final Instant T13 = Instant.parse("2020-04-01T18:00:00Z");

    @BeforeAll
    static void start() throws Exception {
        server = UploadServer.start("upload_takeout");
        admin = server.client(UploadServer.KEY);
    }

    @AfterAll
    static void stop() {
        admin.close();
        server.close();
    }

    /** The three parts; answers their paths. */
    static List<Path> takeout(Path dir) {
        String y19 = "Photos from 2019/";
        byte[] img1 = TestMedia.jpeg(20_000);
        new TestTakeout()
                .photo(y19 + "IMG_0001.jpg", img1)
                .photo(y19 + "IMG_0001.jpg.json", TestTakeout.sidecar("IMG_0001.jpg", T1, 48.8584, 2.2945, "Eiffel", true, false, false))
                .photo(y19 + "IMG_0002.jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "IMG_0003.jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "IMG_0003.jpg.json", TestTakeout.sidecar("IMG_0003.jpg", T3))
                .photo(y19 + "IMG_0003(1).jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "IMG_0003.jpg(1).json", TestTakeout.sidecar("IMG_0003.jpg", T3B))
                .photo(y19 + "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL.jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json",
                        TestTakeout.sidecar("PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL.jpg", T4))
                .photo(y19 + "Screenshot_20240101-123456_Photos.png", TestMedia.jpeg(10_000))
                .photo(y19 + "Screenshot_20240101-123456_Photos.png.suppleme.json",
                        TestTakeout.sidecar("Screenshot_20240101-123456_Photos.png", T5))
                .photo(y19 + "IMG_0004.jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "IMG_0004-edited.jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "IMG_0004.jpg.json", TestTakeout.sidecar("IMG_0004.jpg", T6))
                .photo(y19 + "IMG_0005.jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "IMG_0005-bearbeitet.jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "IMG_0005.jpg.supplemental-metadata.json", TestTakeout.sidecar("IMG_0005.jpg", T7))
                .photo(y19 + "IMG_0006.HEIC", TestMedia.heic(10_000))
                .photo(y19 + "IMG_0006.MP4", TestMedia.mp4(20_000))
                .photo(y19 + "IMG_0006.HEIC.json", TestTakeout.sidecar("IMG_0006.HEIC", T8))
                .photo(y19 + "IMG_0007.jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "IMG_0007.jpg.json", TestTakeout.sidecar("IMG_0007.jpg", T8, null, null, null, false, false, true))
                .photo(y19 + "IMG_0008.jpg", TestMedia.jpeg(10_000))
                .photo(y19 + "IMG_0008.jpg.json", TestTakeout.sidecar("IMG_0008.jpg", T10, null, null, null, false, true, false))
                .photo(y19 + "IMG_0009.jpg", TestMedia.jpeg(10_000))
                .add("Takeout/archive_browser.html", "<html></html>".getBytes())
                .add("Takeout/Drive/holiday.jpg", TestMedia.jpeg(1_000))
                .add("../evil.jpg", TestMedia.jpeg(1_000))
                .add("/tmp/evil2.jpg", TestMedia.jpeg(1_000))
                .zip(dir.resolve("takeout-20240601T000000Z-001.zip"));
        new TestTakeout()
                .photo(y19 + "IMG_0002.jpg.supplemental-metadata.json", TestTakeout.sidecar("IMG_0002.jpg", T2))
                .photo("Trip/IMG_0001.jpg", img1)
                .photo("Trip/IMG_0001.jpg.json", TestTakeout.sidecar("IMG_0001.jpg", T1, 48.8584, 2.2945, "Eiffel", true, false, false))
                .photo("Trip/beach.jpg", TestMedia.jpeg(10_000))
                .photo("Trip/beach.jpg.supplemen.json", TestTakeout.sidecar("beach.jpg", T11, -33.8568, 151.2153, null, false, false,
                        false))
                .zip(dir.resolve("takeout-20240601T000000Z-002.zip"));
        new TestTakeout()
                .photo("Trip/metadata.json", TestTakeout.album("Summer Trip 2019"))
                .photo("Photos from 2020/VID_0010.mp4", TestMedia.mp4(30_000))
                .photo("Photos from 2020/VID_0010.mp4.json", TestTakeout.sidecar("VID_0010.mp4", T12))
                .photo("Photos from 2020/IMG_0011.jpg", TestMedia.jpeg(10_000))
                .photo("Photos from 2020/IMG_0011.jpg.supplemental-metadata.json", TestTakeout.sidecar("IMG_0011.jpg", T13))
                .add("../x.jpg", TestMedia.jpeg(1_000))
                .tgz(dir.resolve("takeout-20240601T000000Z-003.tgz"));
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ApiClient.AssetInfo asset(String name) {
        String id = server.db().withHandle(h -> h.createQuery("SELECT id::text FROM assets WHERE original_file_name = :n")
                .bind("n", name).mapTo(String.class).one());
        return admin.asset(id);
    }

    private static Instant taken(String name) {
        return asset(name).dateTimeOriginal().orElseThrow(() -> new AssertionError(name + " has no capture time"));
    }

    @Test
    void everyFileArrivesOnceWithGooglesDateGpsAndAlbumAndTheCountsAddUp() throws Exception {
        Path dir = server.dir("takeout");
        List<Path> parts = takeout(dir);
        Path cache = server.dir("takeout-cache");
        Path report = server.root.resolve("takeout.json");
        List<String> args = new ArrayList<>(List.of("from-google-photos", "--cache-dir", cache.toString(), "--report",
                report.toString(), "--time-zone", "UTC"));
        parts.forEach(p -> args.add(p.toString()));

        assertThat(server.upload(args.toArray(String[]::new))).as("exit 1: the hostile members failed").isEqualTo(1);

        JsonNode r = UploadServer.report(report);
        assertThat(UploadFromFolderTest.counts(r)).containsExactlyInAnyOrderEntriesOf(Map.of("found", 24L, "uploaded", 17L,
                "duplicates", 1L, "skipped", 3L, "failed", 3L, "unprocessed", 0L));
        assertThat(r.get("failed").toString()).contains("../evil.jpg").contains("/tmp/evil2.jpg").contains("../x.jpg")
                .contains("outside");
        assertThat(r.get("skipped").toString()).contains("IMG_0007.jpg").contains("trash").contains("archive_browser.html")
                .contains("Takeout/Drive");
        assertThat(r.get("warnings").toString()).as("a file with no sidecar is uploaded and reported")
                .contains("IMG_0009.jpg").contains("no JSON sidecar");
        assertThat(server.assetCount()).isEqualTo(17);

        ApiClient.AssetInfo eiffel = asset("IMG_0001.jpg");
        assertThat(eiffel.dateTimeOriginal()).contains(T1);
        assertThat(eiffel.latitude()).hasValueSatisfying(v -> assertThat(v).isCloseTo(48.8584, org.assertj.core.data.Offset.offset(1e-6)));
        assertThat(eiffel.longitude()).hasValueSatisfying(v -> assertThat(v).isCloseTo(2.2945, org.assertj.core.data.Offset.offset(1e-6)));
        assertThat(eiffel.description()).isEqualTo("Eiffel");
        assertThat(eiffel.favorite()).isTrue();
        assertThat(taken("IMG_0002.jpg")).as("sidecar in another part").isEqualTo(T2);
        assertThat(taken("IMG_0003.jpg")).isEqualTo(T3);
        assertThat(taken("IMG_0003(1).jpg")).as("(1) counter after the extension in the sidecar").isEqualTo(T3B);
        assertThat(taken("PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL.jpg")).as("name cut at 46").isEqualTo(T4);
        assertThat(taken("Screenshot_20240101-123456_Photos.png")).as("supplemental-metadata cut at 46").isEqualTo(T5);
        assertThat(taken("IMG_0004-edited.jpg")).isEqualTo(T6);
        assertThat(taken("IMG_0005-bearbeitet.jpg")).isEqualTo(T7);
        assertThat(taken("IMG_0006.HEIC")).isEqualTo(T8);
        assertThat(taken("IMG_0006.MP4")).as("the motion part shares the still's sidecar").isEqualTo(T8);
        assertThat(asset("IMG_0006.HEIC").livePhotoVideoId()).contains(asset("IMG_0006.MP4").id());
        assertThat(asset("IMG_0008.jpg").archived()).isTrue();
        assertThat(asset("IMG_0009.jpg").dateTimeOriginal()).isEmpty();
        assertThat(taken("beach.jpg")).isEqualTo(T11);
        assertThat(taken("VID_0010.mp4")).as("from the tgz part").isEqualTo(T12);
        assertThat(taken("IMG_0011.jpg")).isEqualTo(T13);
        assertThat(server.albums()).as("album titled by metadata.json from another part; year folders are no albums")
                .containsExactly("Summer Trip 2019:2");

        Path again = server.root.resolve("takeout-again.json");
        args.set(4, again.toString());
        assertThat(server.upload(args.toArray(String[]::new))).isEqualTo(1);
        JsonNode second = UploadServer.report(again);
        assertThat(second.at("/counts/uploaded").asLong()).isZero();
        assertThat(second.at("/counts/duplicates").asLong()).isEqualTo(18);
        assertThat(second.get("filesRead").asLong()).as("no member read again: hashes cached").isZero();
        assertThat(second.at("/counts/metadataUpdates").asLong()).as("nothing set again").isZero();
        assertThat(server.assetCount()).isEqualTo(17);
        assertThat(server.albums()).containsExactly("Summer Trip 2019:2");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 2})
    void aTruncatedPartIsNamedWithWhatToDoAndNothingIsUploadedWithoutIt(int which) throws Exception {
        Path dir = server.dir("takeout-truncated-" + which);
        List<Path> parts = takeout(dir);
        Path cut = parts.get(which);
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        long before = server.assetCount();
        List<String> args = new ArrayList<>(List.of("from-google-photos", "--cache-dir", server.dir("truncated-cache-" + which).toString()));
        parts.forEach(p -> args.add(p.toString()));

        UploadServer.Run run = server.uploadSaying(args.toArray(String[]::new));

        assertThat(run.exit()).as("the run did not go on without the part").isNotZero();
        assertThat(run.said()).contains(cut.toString()).contains("download this Takeout part again");
        assertThat(server.assetCount()).as("no file sent without the sidecars and albums the part may hold").isEqualTo(before);
    }

    @Test
    void aTakeoutIsReadWhereItIsWithoutATempCopyOfAnyMember() throws Exception {
        Path dir = server.dir("takeout-notemp");
        List<Path> parts = takeout(dir);
        Path tmp = server.dir("uploader-tmp");
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                app.shoebox.cli.Main.class.getName(), "upload", "from-google-photos", "--server", server.url(), "--api-key",
                UploadServer.KEY, "--no-ui", "--dry-run", "--cache-dir", server.dir("notemp-cache").toString()));
        parts.forEach(p -> command.add(p.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(server.root.resolve("notemp.log").toFile());
        pb.environment().put("TMPDIR", tmp.toString());
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(Files.readString(server.root.resolve("notemp.log"))).contains("to upload").contains("17");
        try (var left = Files.list(tmp)) {
            assertThat(left.toList()).as("nothing unpacked to a temp folder").isEmpty();
        }
    }
}
