package app.shoebox.server.pipeline;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.assets.TestFiles;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static app.shoebox.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Uploads real images to a server that works its own queues, and checks what the pipeline made of them. */
class MediaPipelineTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("media_pipeline", cfg -> cfg.withInProcessJobs(true));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A picture of random coloured blocks; the same seed gives the same picture. */
    static byte[] jpeg(int width, int height, long seed, float quality) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        Random r = new Random(seed);
        for (int i = 0; i < 40; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillRect(r.nextInt(width), r.nextInt(height), 20 + r.nextInt(width / 2), 20 + r.nextInt(height / 2));
        }
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, null), param);
        }
        writer.dispose();
        return out.toByteArray();
    }

    static String xmp(String dateTimeOriginal, String description) {
        return """
                <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
                <x:xmpmeta xmlns:x="adobe:ns:meta/">
                 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                  <rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"
                      xmlns:dc="http://purl.org/dc/elements/1.1/">
                   <exif:DateTimeOriginal>%s</exif:DateTimeOriginal>
                   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:description>
                  </rdf:Description>
                 </rdf:RDF>
                </x:xmpmeta>
                <?xpacket end="w"?>""".formatted(dateTimeOriginal, description);
    }

    static String upload(String name, byte[] content, String sidecar) {
        return TestFiles.uploadNew(server, ADMIN_KEY, name, content,
                java.util.Optional.ofNullable(sidecar).map(x -> x.getBytes(StandardCharsets.UTF_8)));
    }

    /** Waits until no queue has work waiting or running (the pipeline's steps enqueue each other). */
    static void awaitIdle() throws InterruptedException {
        awaitIdle(server);
    }

    static void awaitIdle(ServerFixture server) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            boolean busy = false;
            for (JsonNode q : json(server.get("/api/queues", ADMIN_KEY))) {
                JsonNode s = q.get("statistics");
                busy |= s.get("waiting").asLong() + s.get("active").asLong() + s.get("delayed").asLong() > 0;
            }
            if (!busy) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the job queues did not drain within 90 s: " + server.get("/api/queues", ADMIN_KEY).body());
    }

    static JsonNode asset(String id) {
        HttpResponse<String> r = server.get("/api/assets/" + id, ADMIN_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    @Test
    void anUploadedPhotoGetsItsMetadataThumbnailsAndTemplatePlace() throws Exception {
        byte[] photo = jpeg(640, 480, 1, 0.9f);
        String id = upload("holiday.jpg", photo, xmp("2015-08-09T10:11:12+02:00", "From the sidecar"));
        awaitIdle();

        JsonNode a = asset(id);
        assertThat(a.at("/exifInfo/exifImageWidth").asInt()).isEqualTo(640);
        assertThat(a.at("/exifInfo/exifImageHeight").asInt()).isEqualTo(480);
        assertThat(a.at("/exifInfo/dateTimeOriginal").asText()).startsWith("2015-08-09T08:11:12");
        assertThat(a.at("/exifInfo/timeZone").asText()).isEqualTo("UTC+2");
        assertThat(a.at("/exifInfo/description").asText()).isEqualTo("From the sidecar");
        assertThat(a.get("fileCreatedAt").asText()).startsWith("2015-08-09T08:11:12");
        assertThat(a.get("localDateTime").asText()).startsWith("2015-08-09T10:11:12");
        assertThat(a.get("originalPath").asText()).matches("library/[0-9a-f-]{36}/2015/08/holiday(\\+\\d+)?\\.jpg");
        assertThat(a.get("processingErrors")).isEmpty();

        HttpResponse<byte[]> thumb = TestFiles.bytes(server.request("/api/assets/" + id + "/thumbnail?size=thumbnail", ADMIN_KEY).GET().build());
        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(thumb.headers().firstValue("content-type").orElse("")).matches("image/(webp|jpeg)");
        HttpResponse<byte[]> preview = TestFiles.bytes(server.request("/api/assets/" + id + "/thumbnail?size=preview", ADMIN_KEY).GET().build());
        assertThat(preview.statusCode()).isEqualTo(200);
        BufferedImage p = ImageIO.read(new ByteArrayInputStream(preview.body()));
        assertThat(p.getWidth()).as("a preview is never larger than the original").isEqualTo(640);
        assertThat(p.getHeight()).isEqualTo(480);
        assertThumbhashIsThePreviews(a, p);

        HttpResponse<byte[]> original = TestFiles.bytes(server.request("/api/assets/" + id + "/original", ADMIN_KEY).GET().build());
        assertThat(original.body()).isEqualTo(photo);
        assertThat(TestFiles.libraryFiles(server)).noneMatch(f -> f.startsWith("upload/") && f.contains(id));
    }

    @Test
    void aVideoGetsItsDurationAndAPosterThumbnail() throws Exception {
        Path clip = Files.createTempFile("clip", ".mp4");
        try {
            if (!run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", "testsrc=duration=2:size=320x240:rate=10", "-pix_fmt", "yuv420p",
                    // The key an iPhone writes into the MOV half of a live photo.
                    "-movflags", "use_metadata_tags", "-metadata", "com.apple.quicktime.content.identifier=5D1B-LIVE",
                    clip.toString())) {
                Assumptions.abort("ffmpeg is not installed; skipping the video pipeline test");
            }
            String id = upload("clip.mp4", Files.readAllBytes(clip), null);
            awaitIdle();

            JsonNode a = asset(id);
            assertThat(a.get("type").asText()).isEqualTo("VIDEO");
            assertThat(a.get("duration").asInt()).isBetween(1900, 2100);
            assertThat(a.get("width").asInt()).isEqualTo(320);
            assertThat(a.get("processingErrors")).isEmpty();
            String liveId = server.server().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT live_photo_cid FROM asset_exif WHERE asset_id = CAST(:id AS uuid)").bind("id", id)
                    .mapTo(String.class).one());
            assertThat(liveId).as("the live-photo identifier is stored for pairing").isEqualTo("5D1B-LIVE");
            HttpResponse<byte[]> preview = TestFiles.bytes(server.request("/api/assets/" + id + "/thumbnail?size=preview", ADMIN_KEY).GET().build());
            assertThat(preview.statusCode()).isEqualTo(200);
            BufferedImage poster = ImageIO.read(new ByteArrayInputStream(preview.body()));
            assertThat(poster.getWidth()).isEqualTo(320);
            assertThat(poster.getHeight()).isEqualTo(240);
            assertThumbhashIsThePreviews(a, poster);
        } finally {
            Files.deleteIfExists(clip);
        }
    }

    /**
     * The asset's thumbhash (base64, as Immich returns it) stands for the preview it serves: made
     * from the pixels the preview was written from, it has the preview's shape (the hash's length
     * follows the aspect ratio) and its average colour.
     */
    static void assertThumbhashIsThePreviews(JsonNode asset, BufferedImage preview) {
        assertThat(asset.get("thumbhash").isTextual()).as("thumbhash in %s", asset).isTrue();
        byte[] hash = java.util.Base64.getDecoder().decode(asset.get("thumbhash").asText());
        byte[] previews = app.shoebox.media.hash.ThumbHash.of(preview);
        assertThat(hash).hasSameSizeAs(previews);
        double[] stored = app.shoebox.media.hash.ThumbHash.averageRgba(hash);
        double[] expected = app.shoebox.media.hash.ThumbHash.averageRgba(previews);
        for (int i = 0; i < 4; i++) {
            assertThat(stored[i]).as("average channel %d of %s", i, asset.get("thumbhash")).isCloseTo(expected[i],
                    org.assertj.core.data.Offset.offset(0.03));
        }
    }

    /** Runs a tool; false (test skipped) if it is not installed here, a failure if it is missing under CI. */
    static boolean run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(command[0] + " is required in CI (.ci/run installs it)", e);
            }
            return false;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return true;
    }

    /**
     * Apple's maker notes holding only the content identifier (tag 0x0011, which exiftool 12.57 calls
     * {@code MediaGroupUUID} and Immich reads as {@code ContentIdentifier}): the header "Apple iOS",
     * version 1, big-endian, one IFD entry, its text after the IFD. Offsets count from the header.
     */
    static byte[] appleMakerNotes(String contentId) {
        byte[] text = (contentId + "\0").getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32 + text.length);
        b.put("Apple iOS\0".getBytes(StandardCharsets.US_ASCII)).putShort((short) 1).put((byte) 'M').put((byte) 'M');
        b.putShort((short) 1).putShort((short) 0x0011).putShort((short) 2).putInt(text.length).putInt(32).putInt(0);
        b.put(text);
        return b.array();
    }

    /**
     * No licence-clean real pair is at hand: the still is a generated JPEG given Apple maker notes
     * with the content identifier by exiftool, the motion half a MOV made by ffmpeg with the
     * QuickTime key an iPhone writes. Both orders of upload pair; another identifier, or the same
     * identifier on another user's video, does not.
     */
    @Test
    void theHalvesOfALivePhotoArePairedAndTheVideoHidden() throws Exception {
        Path dir = Files.createTempDirectory("live");
        try {
            List<String[]> pairs = new ArrayList<>();
            for (String cid : List.of("A1F3-LIVE-STILL-FIRST", "B2E4-LIVE-VIDEO-FIRST", "C3D5-LONELY", "D4E6-OTHER-OWNER")) {
                Path still = dir.resolve(cid + ".jpg");
                Files.write(still, jpeg(320, 240, cid.hashCode(), 0.9f));
                Path notes = dir.resolve(cid + ".bin");
                Files.write(notes, appleMakerNotes(cid));
                if (!run("exiftool", "-q", "-overwrite_original", "-Make=Apple", "-Model=iPhone XR", "-MakerNotes<=" + notes, still.toString())) {
                    Assumptions.abort("exiftool is not installed; skipping the live-photo test");
                }
                Path clip = dir.resolve(cid + ".mov");
                if (!run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=10",
                        "-pix_fmt", "yuv420p", "-movflags", "use_metadata_tags",
                        "-metadata", "com.apple.quicktime.content.identifier=" + (cid.equals("C3D5-LONELY") ? "OTHER-ID" : cid),
                        clip.toString())) {
                    Assumptions.abort("ffmpeg is not installed; skipping the live-photo test");
                }
                pairs.add(new String[]{cid, still.toString(), clip.toString()});
            }
            String stillFirst = upload("IMG_0001.jpg", Files.readAllBytes(Path.of(pairs.get(0)[1])), null);
            awaitIdle();
            String itsVideo = upload("IMG_0001.mov", Files.readAllBytes(Path.of(pairs.get(0)[2])), null);
            String videoFirst = upload("IMG_0002.mov", Files.readAllBytes(Path.of(pairs.get(1)[2])), null);
            awaitIdle();
            String itsStill = upload("IMG_0002.jpg", Files.readAllBytes(Path.of(pairs.get(1)[1])), null);
            String lonely = upload("IMG_0003.jpg", Files.readAllBytes(Path.of(pairs.get(2)[1])), null);
            String otherVideo = upload("IMG_0003.mov", Files.readAllBytes(Path.of(pairs.get(2)[2])), null);
            String mine = upload("IMG_0004.jpg", Files.readAllBytes(Path.of(pairs.get(3)[1])), null);
            app.shoebox.server.assets.Users someoneElse = app.shoebox.server.assets.Users.create(server, "live-other@example.com");
            String theirs = TestFiles.uploadNew(server, someoneElse.apiKey(), "IMG_0004.mov",
                    Files.readAllBytes(Path.of(pairs.get(3)[2])));
            awaitIdle();

            assertThat(asset(stillFirst).get("livePhotoVideoId").asText()).isEqualTo(itsVideo);
            assertThat(asset(itsStill).get("livePhotoVideoId").asText()).isEqualTo(videoFirst);
            assertThat(asset(itsVideo).get("visibility").asText()).isEqualTo("hidden");
            assertThat(asset(videoFirst).get("visibility").asText()).isEqualTo("hidden");
            assertThat(asset(lonely).get("livePhotoVideoId").isNull()).as("different identifiers do not pair").isTrue();
            assertThat(asset(otherVideo).get("visibility").asText()).isEqualTo("timeline");
            assertThat(asset(mine).get("livePhotoVideoId").isNull()).as("another user's video never pairs").isTrue();
            HttpResponse<String> theirVideo = server.get("/api/assets/" + theirs, someoneElse.apiKey());
            assertThat(json(theirVideo).get("visibility").asText()).isEqualTo("timeline");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void nearDuplicatesAreGroupedAndDifferentPhotosAreNot() throws Exception {
        String a = upload("dup-a.jpg", jpeg(800, 600, 7, 0.95f), null);
        String b = upload("dup-b.jpg", jpeg(800, 600, 7, 0.4f), null);
        String other = upload("other.jpg", jpeg(800, 600, 8, 0.9f), null);
        awaitIdle();

        JsonNode groups = json(server.get("/api/duplicates", ADMIN_KEY));
        List<List<String>> members = new ArrayList<>();
        for (JsonNode g : groups) {
            List<String> ids = new ArrayList<>();
            g.get("assets").forEach(x -> ids.add(x.get("id").asText()));
            members.add(ids);
        }
        assertThat(members).anySatisfy(ids -> assertThat(ids).contains(a, b).doesNotContain(other));
        assertThat(members).noneSatisfy(ids -> assertThat(ids).contains(other));
        assertThat(asset(a).get("duplicateId").asText()).isEqualTo(asset(b).get("duplicateId").asText());
    }

    @Test
    void aCorruptPhotoIsDiscardedOnceWithItsReasonOnTheAssetAndInTheQueue() throws Exception {
        byte[] photo = jpeg(1200, 900, 3, 0.9f);
        byte[] truncated = java.util.Arrays.copyOf(photo, photo.length / 3);
        String id = upload("broken.jpg", truncated, null);
        awaitIdle();

        JsonNode errors = asset(id).get("processingErrors");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).get("reason").asText()).contains("broken.jpg");
        String queue = errors.get(0).get("step").asText().equals(AssetJobs.EXTRACT_METADATA)
                ? "metadataExtraction" : "thumbnailGeneration";
        JsonNode failed = json(server.get("/api/queues/" + queue + "/jobs?status=failed", ADMIN_KEY));
        JsonNode job = null;
        for (JsonNode j : failed) {
            if (j.at("/data/assetId").asText().equals(id)) {
                job = j;
            }
        }
        assertThat(job).as("the failed job is listed in the queue API: " + failed).isNotNull();
        assertThat(job.get("state").asText()).isEqualTo("discarded");
        assertThat(job.get("attempt").asInt()).as("a corrupt file is not retried").isEqualTo(1);
        assertThat(job.get("errors").get(0).get("message").asText()).contains("broken.jpg");
    }

    /**
     * {@code jpeg} with an EXIF block (APP1) holding an ImageDescription of {@code descriptionLength}
     * characters, as cameras write long maker notes: the block comes right after the JPEG's start.
     */
    static byte[] withExif(byte[] jpeg, int descriptionLength) {
        byte[] text = ("caption ".repeat(descriptionLength / 8 + 1).substring(0, descriptionLength) + "\0")
                .getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer tiff = java.nio.ByteBuffer.allocate(8 + 2 + 12 + 4 + text.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        tiff.put(new byte[] {'I', 'I', 42, 0}).putInt(8);          // header, IFD0 at 8
        tiff.putShort((short) 1);                                  // one entry
        tiff.putShort((short) 0x010E).putShort((short) 2).putInt(text.length).putInt(8 + 2 + 12 + 4); // ImageDescription, ASCII
        tiff.putInt(0);                                            // no next IFD
        tiff.put(text);
        byte[] exif = new byte[6 + tiff.capacity()];
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
        System.arraycopy(tiff.array(), 0, exif, 6, tiff.capacity());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xE1);
        out.write((exif.length + 2) >> 8);
        out.write((exif.length + 2) & 0xFF);
        out.writeBytes(exif);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    @Test
    void aJpegCutInsideItsExifBlockIsDiscardedOnceWithItsReasonAndNoServerPath() throws Exception {
        byte[] whole = withExif(jpeg(800, 600, 5, 0.9f), 20_000);
        byte[] cut = java.util.Arrays.copyOf(whole, 3000);
        String id;
        try (app.shoebox.testing.LogCapture log = app.shoebox.testing.LogCapture.of("app.shoebox")) {
            id = upload("cut-in-exif.jpg", cut, null);
            awaitIdle();
            assertThat(log.linesWith("upload cut-in-exif.jpg")).as("the upload's own line").singleElement()
                    .satisfies(l -> assertThat(l).startsWith("INFO").contains("3000 bytes").contains("created asset " + id));
            assertThat(log.linesWith("asset " + id + ",")).as("one line for the discarded step").singleElement().satisfies(l ->
                    assertThat(l).startsWith("WARN").contains("cut-in-exif.jpg").contains("discarded after attempt 1")
                            .contains(server.library().toString()));
        }

        // metadata-extractor alone stops at the metadata ("truncated or damaged"); exiftool, where
        // installed, reads what is there and the thumbnail step finds the rest missing. Either way:
        // one step, discarded once, with the reason on the asset.
        JsonNode errors = asset(id).get("processingErrors");
        assertThat(errors).hasSize(1);
        String step = errors.get(0).get("step").asText();
        assertThat(step).isIn(AssetJobs.EXTRACT_METADATA, AssetJobs.GENERATE_THUMBNAILS);
        String reason = errors.get(0).get("reason").asText();
        assertThat(reason).contains("cut-in-exif.jpg").containsPattern("truncated|corrupt").containsPattern(" (upload|library)/")
                .doesNotContain(server.library().toString());
        String queue = step.equals(AssetJobs.EXTRACT_METADATA) ? "metadataExtraction" : "thumbnailGeneration";
        JsonNode job = null;
        for (JsonNode j : json(server.get("/api/queues/" + queue + "/jobs?status=failed", ADMIN_KEY))) {
            if (j.at("/data/assetId").asText().equals(id)) {
                job = j;
            }
        }
        assertThat(job).isNotNull();
        assertThat(job.get("state").asText()).isEqualTo("discarded");
        assertThat(job.get("attempt").asInt()).as("a file that ends early is not retried").isEqualTo(1);
        assertThat(job.get("errors").get(0).get("message").asText()).isEqualTo(reason);
        assertThat(job.toString()).doesNotContain(server.library().toString());
        // It has no thumbnail (its pipeline stopped at the metadata): gone, so that the other tests'
        // "start" finds nothing missing.
        assertThat(server.deleteJson("/api/assets", ADMIN_KEY, Map.of("ids", List.of(id), "force", true)).statusCode())
                .isEqualTo(204);
    }

    /** The first line a tool prints when asked for its version; skips (fails on CI) when it is missing. */
    static String printedVersion(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(command[0] + " is required in CI (.ci/run installs it)", e);
            }
            Assumptions.abort(command[0] + " is not installed");
            return "";
        }
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        p.waitFor();
        return first;
    }

    @Test
    void serverAboutReportsTheToolVersionsTheJobNodesUse() throws Exception {
        String vips = printedVersion("vips", "--version");          // "vips-8.14.1"
        String ffmpeg = printedVersion("ffmpeg", "-version");       // "ffmpeg version 5.1.9-0+deb12u1 Copyright ..."
        HttpResponse<String> r = server.get("/api/server/about", ADMIN_KEY);
        app.shoebox.server.contract.OpenApiContract.assertValid("GET", "/server/about", r);
        JsonNode about = json(r);
        assertThat(about.get("libvips").asText()).isNotEmpty();
        assertThat(vips).isEqualTo("vips-" + about.get("libvips").asText());
        assertThat(about.get("ffmpeg").asText()).isNotEmpty();
        assertThat(ffmpeg).startsWith("ffmpeg version " + about.get("ffmpeg").asText() + " ");
    }

    @Test
    void anEditMadeBeforeExtractionIsKept() throws Exception {
        assertThat(server.putJson("/api/jobs/metadataExtraction", ADMIN_KEY, Map.of("command", "pause")).statusCode()).isEqualTo(200);
        String id;
        try {
            id = upload("edited.jpg", jpeg(320, 240, 11, 0.9f), xmp("2001-02-03T04:05:06Z", "camera text"));
            HttpResponse<String> edit = server.putJson("/api/assets/" + id, ADMIN_KEY,
                    Map.of("description", "my words", "dateTimeOriginal", "2010-01-01T12:00:00.000Z"));
            assertThat(edit.statusCode()).as(edit.body()).isEqualTo(200);
            JsonNode paused = json(server.get("/api/queues/metadataExtraction", ADMIN_KEY));
            assertThat(paused.get("isPaused").asBoolean()).isTrue();
        } finally {
            server.putJson("/api/jobs/metadataExtraction", ADMIN_KEY, Map.of("command", "resume"));
        }
        awaitIdle();
        JsonNode a = asset(id);
        assertThat(a.at("/exifInfo/description").asText()).isEqualTo("my words");
        assertThat(a.at("/exifInfo/dateTimeOriginal").asText()).startsWith("2010-01-01T12:00");
        assertThat(a.at("/exifInfo/exifImageWidth").asInt()).as("the rest was extracted").isEqualTo(320);
    }

    @Test
    void stepsCanBeRerunForOneAssetForTheMissingOnesOrForAll() throws Exception {
        awaitIdle();
        String id = upload("rerun.jpg", jpeg(300, 200, 21, 0.9f), null);
        awaitIdle();
        HttpResponse<String> one = server.postJson("/api/assets/jobs", ADMIN_KEY,
                Map.of("assetIds", List.of(id), "name", "regenerate-thumbnail"));
        assertThat(one.statusCode()).as(one.body()).isEqualTo(204);
        awaitIdle();
        long before = completed("thumbnailGeneration");

        server.putJson("/api/jobs/thumbnailGeneration", ADMIN_KEY, Map.of("command", "start", "force", false));
        awaitIdle();
        assertThat(completed("thumbnailGeneration"))
                .as("nothing is missing a thumbnail (a corrupt file that failed for good does not count)").isEqualTo(before);

        HttpResponse<String> all = server.putJson("/api/jobs/thumbnailGeneration", ADMIN_KEY, Map.of("command", "start", "force", true));
        assertThat(all.statusCode()).isEqualTo(200);
        awaitIdle();
        long assets = json(server.get("/api/assets/statistics", ADMIN_KEY)).get("images").asLong();
        assertThat(completed("thumbnailGeneration")).isGreaterThanOrEqualTo(before + assets);

        HttpResponse<String> bad = server.postJson("/api/assets/jobs", ADMIN_KEY,
                Map.of("assetIds", List.of(java.util.UUID.randomUUID().toString()), "name", "regenerate-thumbnail"));
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    /** Jobs of the queue that ran to an end, completed or failed for good. */
    private static long completed(String queue) {
        JsonNode s = json(server.get("/api/queues/" + queue, ADMIN_KEY)).get("statistics");
        return s.get("completed").asLong() + s.get("failed").asLong();
    }
}
