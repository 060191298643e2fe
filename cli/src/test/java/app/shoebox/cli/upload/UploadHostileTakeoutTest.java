package app.shoebox.cli.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Takeout parts as the world damages them, uploaded through the real command line into a real
 * server: a damaged member, declared sizes that lie, two members with one name, names with control
 * characters or not in UTF-8, links in a tgz, sidecars with impossible values. The good files
 * always arrive; every bad one is named by part and member with what to do, and the run says so in
 * its exit code.
 */
class UploadHostileTakeoutTest {

    private static final String DIR = TestTakeout.ROOT + "Photos from 2019/";
    private static UploadServer server;

    @BeforeAll
    static void start() throws Exception {
        server = UploadServer.start("upload_hostile");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Runs {@code from-google-photos} on the parts with a cache of its own; answers the exit code and the report. */
    private record Outcome(int exit, JsonNode report, String said) {
        Map<String, Long> counts() {
            return UploadFromFolderTest.counts(report);
        }
    }

    private static Outcome upload(String name, Path... parts) {
        Path report = server.root.resolve(name + "-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("from-google-photos", "--cache-dir", server.dir(name + "-cache").toString(),
                "--report", report.toString()));
        for (Path p : parts) {
            args.add(p.toString());
        }
        UploadServer.Run run = server.uploadSaying(args.toArray(String[]::new));
        return new Outcome(run.exit(), UploadServer.report(report), run.said());
    }

    private static long assetsNamed(String name) {
        return server.db().withHandle(h -> h.createQuery("SELECT count(*) FROM assets WHERE original_file_name = :n")
                .bind("n", name).mapTo(Long.class).one());
    }

    /** The byte offset of the central directory record naming {@code name}. */
    private static int centralRecord(byte[] zip, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < zip.length; i++) {
            if (b.getInt(i) == 0x02014b50 && (b.getShort(i + 28) & 0xffff) == n.length
                    && java.util.Arrays.equals(zip, i + 46, i + 46 + n.length, n, 0, n.length)) {
                return i;
            }
        }
        throw new AssertionError(name + " not in the central directory");
    }

    private static int indexOf(byte[] in, byte[] what, int from) {
        for (int i = from; i + what.length <= in.length; i++) {
            if (java.util.Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    /** Replaces every occurrence of {@code from} by {@code to} (the same length). */
    private static void replace(Path zip, byte[] from, byte[] to) throws IOException {
        byte[] b = Files.readAllBytes(zip);
        for (int i = 0; i + from.length <= b.length; i++) {
            if (java.util.Arrays.equals(b, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, b, i, to.length);
            }
        }
        Files.write(zip, b);
    }

    @Test
    void aDamagedMemberFailsAloneNamedByPartAndMemberAndARerunWithAGoodPartSendsOnlyIt() throws Exception {
        Path dir = server.dir("damaged");
        Path part = dir.resolve("takeout-001.zip");
        TestTakeout takeout = new TestTakeout().photo("Photos from 2019/d1.jpg", TestMedia.jpeg(20_000))
                .photo("Photos from 2019/d2.jpg", TestMedia.jpeg(20_000)).photo("Photos from 2019/d3.jpg", TestMedia.jpeg(20_000));
        takeout.zipStored(part);
        byte[] b = Files.readAllBytes(part);
        int data = indexOf(b, (DIR + "d2.jpg").getBytes(StandardCharsets.UTF_8), 0) + 1000;
        for (int i = data; i < data + 100; i++) {
            b[i] ^= 0x55;
        }
        Files.write(part, b);

        Outcome first = upload("damaged", part);

        assertThat(first.exit()).as("a file was left out").isEqualTo(1);
        assertThat(first.counts()).containsEntry("uploaded", 2L).containsEntry("failed", 1L);
        assertThat(first.report().get("failed").toString()).contains("takeout-001.zip!" + DIR + "d2.jpg").contains("damaged")
                .contains("download this Takeout part again");
        assertThat(assetsNamed("d2.jpg")).as("damaged bytes are never sent").isZero();

        takeout.zipStored(part);
        Outcome again = upload("damaged", part);
        assertThat(again.exit()).isZero();
        assertThat(again.counts()).containsEntry("uploaded", 1L).containsEntry("duplicates", 2L).containsEntry("failed", 0L);
        assertThat(assetsNamed("d1.jpg") + assetsNamed("d2.jpg") + assetsNamed("d3.jpg")).isEqualTo(3);
    }

    @ParameterizedTest(name = "declared size {0} bytes off")
    @ValueSource(ints = {1000, -1000})
    void aMemberWhoseDeclaredSizeLiesFailsAloneAndNothingButItsBytesIsSent(int lie) throws Exception {
        Path dir = server.dir("lies" + lie);
        Path part = dir.resolve("takeout-001.zip");
        String liar = "liar" + (lie > 0 ? "more" : "less") + ".jpg";
        new TestTakeout().photo("Photos from 2019/before" + lie + ".jpg", TestMedia.jpeg(5_000))
                .photo("Photos from 2019/" + liar, TestMedia.jpeg(5_000))
                .photo("Photos from 2019/after" + lie + ".jpg", TestMedia.jpeg(5_000)).zipStored(part);
        byte[] b = Files.readAllBytes(part);
        ByteBuffer cd = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = centralRecord(b, DIR + liar);
        cd.putInt(at + 20, cd.getInt(at + 20) + lie);
        cd.putInt(at + 24, cd.getInt(at + 24) + lie);
        Files.write(part, b);

        Outcome run = upload("lies" + lie, part);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.counts()).containsEntry("uploaded", 2L).containsEntry("failed", 1L);
        assertThat(run.report().get("failed").toString()).contains("takeout-001.zip!" + DIR + liar).contains("damaged");
        assertThat(assetsNamed(liar)).as("neither the next member's bytes nor a cut file sent").isZero();
    }

    @Test
    void ofTwoMembersWithOneNameTheOneThatCannotBeReadInPlaceFailsInsteadOfPassingForADuplicate() throws Exception {
        Path dir = server.dir("twins");
        Path part = dir.resolve("takeout-001.zip");
        new TestTakeout().photo("Photos from 2019/twinA.jpg", TestMedia.jpeg(4_000))
                .photo("Photos from 2019/twinB.jpg", TestMedia.jpeg(4_000)).zip(part);
        replace(part, "twinB.jpg".getBytes(StandardCharsets.UTF_8), "twinA.jpg".getBytes(StandardCharsets.UTF_8));
        Path other = dir.resolve("takeout-002.zip");
        new TestTakeout().photo("Photos from 2019/twinA.jpg", TestMedia.jpeg(4_000)).zip(other);

        Outcome run = upload("twins", part, other);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.counts()).as("the same name in another part is another file").containsEntry("uploaded", 2L)
                .containsEntry("duplicates", 0L).containsEntry("failed", 1L);
        assertThat(run.report().get("failed").toString()).contains("takeout-001.zip!" + DIR + "twinA.jpg")
                .contains("more than one member named").contains("unpack the archive");
        assertThat(assetsNamed("twinA.jpg")).isEqualTo(2);
    }

    @Test
    void namesWithControlCharactersArrive() throws Exception {
        Path part = server.dir("control").resolve("takeout-001.zip");
        String bell = "bell\u0007.jpg";
        String escape = "red\u001b[31m.jpg";
        String tab = "tab\there.jpg";
        new TestTakeout().photo("Photos from 2019/" + bell, TestMedia.jpeg(3_000))
                .photo("Photos from 2019/" + escape, TestMedia.jpeg(3_000)).photo("Photos from 2019/" + tab, TestMedia.jpeg(3_000))
                .zip(part);

        Outcome run = upload("control", part);

        assertThat(run.report().get("failed").toString()).isEqualTo("[]");
        assertThat(run.exit()).isZero();
        assertThat(run.counts()).containsEntry("uploaded", 3L);
        assertThat(run.said()).as("names are shown, not played to the terminal").doesNotContain("\u001b").doesNotContain("\u0007")
                .contains("red\\u001b[31m.jpg").contains("bell\\u0007.jpg");
    }

    @Test
    void aZipWhoseNamesAreNotUtf8IsReadWholeAndSaysSo() throws Exception {
        Path part = server.dir("legacy-names").resolve("takeout-001.zip");
        byte[] shiftJis = "写真".getBytes(Charset.forName("Shift_JIS"));
        String placeholder = "P".repeat(shiftJis.length);
        new TestTakeout().photo("Photos from 2019/plain.jpg", TestMedia.jpeg(3_000))
                .photo("Photos from 2019/" + placeholder + ".jpg", TestMedia.jpeg(3_000)).zip(part);
        replace(part, (placeholder + ".jpg").getBytes(StandardCharsets.US_ASCII), concat(shiftJis, ".jpg".getBytes(StandardCharsets.US_ASCII)));
        withoutUtf8Flag(part);

        Outcome run = upload("legacy-names", part);

        assertThat(run.exit()).isZero();
        assertThat(run.counts()).containsEntry("uploaded", 2L).containsEntry("failed", 0L);
        assertThat(run.report().get("notes").toString()).contains("takeout-001.zip").contains("not UTF-8");
    }

    /** Clears the "names are UTF-8" flag of every member, as an old zip tool leaves it. */
    private static void withoutUtf8Flag(Path zip) throws IOException {
        byte[] b = Files.readAllBytes(zip);
        ByteBuffer z = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 10 < b.length; i++) {
            if (z.getInt(i) == 0x04034b50) {
                z.putShort(i + 6, (short) (z.getShort(i + 6) & ~0x0800));
            } else if (z.getInt(i) == 0x02014b50) {
                z.putShort(i + 8, (short) (z.getShort(i + 8) & ~0x0800));
            }
        }
        Files.write(zip, b);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void impossibleSidecarValuesAreLeftOutAndSaidSoAndTheFileAndItsOtherMetadataArrive() throws Exception {
        Path part = server.dir("sidecars").resolve("takeout-001.zip");
        String longAgo = TestTakeout.sidecarJson("longago.jpg", "-99999999999", "");
        String nul = TestTakeout.sidecarJson("nul.jpg", "1600000000", "before\u0000after");
        String endless = TestTakeout.sidecarJson("endless.jpg", "1600000000", "word ".repeat(300_000));
        // NaN is no JSON, but a sidecar that says it is still has a date worth keeping.
        String plain = TestTakeout.sidecarJson("nan.jpg", "1600000000", "");
        String nan = plain.substring(0, plain.length() - 1) + ",\"geoData\":{\"latitude\":NaN,\"longitude\":Infinity}}";
        new TestTakeout().photo("Photos from 2019/longago.jpg", TestMedia.jpeg(3_000))
                .photo("Photos from 2019/longago.jpg.json", longAgo.getBytes(StandardCharsets.UTF_8))
                .photo("Photos from 2019/nul.jpg", TestMedia.jpeg(3_000))
                .photo("Photos from 2019/nul.jpg.json", nul.getBytes(StandardCharsets.UTF_8))
                .photo("Photos from 2019/endless.jpg", TestMedia.jpeg(3_000))
                .photo("Photos from 2019/endless.jpg.json", endless.getBytes(StandardCharsets.UTF_8))
                .photo("Photos from 2019/nan.jpg", TestMedia.jpeg(3_000))
                .photo("Photos from 2019/nan.jpg.json", nan.getBytes(StandardCharsets.UTF_8))
                .zip(part);

        Outcome run = upload("sidecars", part);

        assertThat(run.report().get("failed").toString()).isEqualTo("[]");
        assertThat(run.exit()).isZero();
        assertThat(run.counts()).containsEntry("uploaded", 4L);
        String warnings = run.report().get("warnings").toString();
        assertThat(warnings).contains("longago.jpg").contains("outside the years 1 to 9999").contains("NUL")
                .contains("only its first 65536");
        assertThat(warnings).doesNotContain("not metadata set").doesNotContain("nan.jpg");
        Instant taken = Instant.ofEpochSecond(1600000000);
        long dated = server.db().withHandle(h -> h.createQuery("""
                SELECT count(*) FROM assets a JOIN asset_exif e ON e.asset_id = a.id
                WHERE a.original_file_name IN ('nul.jpg', 'endless.jpg', 'nan.jpg') AND e.date_time_original = :t""")
                .bind("t", java.time.OffsetDateTime.ofInstant(taken, java.time.ZoneOffset.UTC)).mapTo(Long.class).one());
        assertThat(dated).as("the date is set though the description or the GPS was not as written").isEqualTo(3);
    }

    @Test
    void linksInATgzAreNeverFollowedAndAreReportedAsLinks() throws Exception {
        Path part = server.dir("links").resolve("takeout-001.tgz");
        byte[] real = TestMedia.jpeg(3_000);
        try (OutputStream f = Files.newOutputStream(part); GZIPOutputStream gz = new GZIPOutputStream(f);
             TarArchiveOutputStream out = new TarArchiveOutputStream(gz)) {
            TarArchiveEntry file = new TarArchiveEntry(DIR + "real.jpg");
            file.setSize(real.length);
            out.putArchiveEntry(file);
            out.write(real);
            out.closeArchiveEntry();
            TarArchiveEntry symlink = new TarArchiveEntry(DIR + "passwd.jpg", TarArchiveEntry.LF_SYMLINK);
            symlink.setLinkName("/etc/passwd");
            out.putArchiveEntry(symlink);
            out.closeArchiveEntry();
            TarArchiveEntry hard = new TarArchiveEntry(DIR + "again.jpg", TarArchiveEntry.LF_LINK);
            hard.setLinkName(DIR + "real.jpg");
            out.putArchiveEntry(hard);
            out.closeArchiveEntry();
        }

        Outcome run = upload("links", part);

        assertThat(run.exit()).isZero();
        assertThat(run.counts()).containsEntry("uploaded", 1L).containsEntry("skipped", 2L);
        String skipped = run.report().get("skipped").toString();
        assertThat(skipped).contains("passwd.jpg").contains("symbolic link (to /etc/passwd)").contains("again.jpg")
                .contains("hard link").doesNotContain("empty file");
    }
}
