package app.shoebox.server.pipeline;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.server.assets.Users;
import app.shoebox.server.contract.OpenApiContract;
import app.shoebox.testing.LogCapture;
import app.shoebox.testing.MotionPhotoFiles;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static app.shoebox.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Android motion photos through the whole pipeline: a real phone JPEG of the metadata corpus (a
 * Motorola XT1575's) with an MP4 from ffmpeg embedded the three ways phones do it (Google Motion
 * Photo XMP, Google MicroVideo XMP, Samsung's trailer). No real Android motion photo can be
 * fetched from here; the files follow the published formats (see {@link MotionPhotoFiles}).
 */
class MotionPhotoTest {

    static final Path PHONE_JPEG = Path.of("../media/src/test/resources/metadata-corpus/files/exiftool/Motorola.jpg");

    static ServerFixture server;
    static byte[] still;

    @BeforeAll
    static void start() throws Exception {
        requireTools();
        still = Files.readAllBytes(PHONE_JPEG);
        server = ServerFixture.start("motion_photos", cfg -> cfg.withInProcessJobs(true));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static void requireTools() throws IOException, InterruptedException {
        for (String tool : List.of("exiftool", "ffmpeg")) {
            if (!MediaPipelineTest.run(tool, tool.equals("exiftool") ? "-ver" : "-version")) {
                Assumptions.abort(tool + " is not installed; skipping the motion-photo tests");
            }
        }
    }

    static void awaitIdle() throws InterruptedException {
        MediaPipelineTest.awaitIdle(server);
    }

    static JsonNode asset(Users user, String id) {
        HttpResponse<String> r = server.get("/api/assets/" + id, user.apiKey());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        OpenApiContract.assertValid("GET", "/assets/{id}", r);
        return json(r);
    }

    static byte[] bytes(Users user, String path) {
        HttpResponse<byte[]> r = TestFiles.bytes(server.request(path, user.apiKey()).GET().build());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    static List<Map<String, Object>> rows(Users user) {
        return server.server().database().jdbi().withHandle(h -> h.createQuery("""
                        SELECT id, type, visibility, status, original_path, original_file_name, file_created_at, local_date_time,
                               live_photo_video_id FROM assets WHERE owner_id = :owner ORDER BY created_at, id""")
                .bind("owner", user.user().id()).mapToMap().list());
    }

    /** Uploads the corpus still with {@code clip} embedded as a Google Motion Photo and waits for the pipeline. */
    static String uploadMotionPhoto(Users user, String name, byte[] clip) throws Exception {
        String id = TestFiles.uploadNew(server, user.apiKey(), name,
                MotionPhotoFiles.googleMotionPhoto(still, clip, Integer.toString(clip.length), "0"));
        awaitIdle();
        return id;
    }

    static long videos(Users user) {
        return rows(user).stream().filter(r -> "VIDEO".equals(r.get("type"))).count();
    }

    @Test
    void eachFormBecomesAHiddenVideoLinkedToItsStill() throws Exception {
        Users ann = Users.create(server, "motion-ann@example.com");
        Map<String, byte[]> videos = new LinkedHashMap<>();
        Map<String, String> stills = new LinkedHashMap<>();
        videos.put("PXL_20150918_112337000.MP.jpg", MotionPhotoFiles.mp4(11));
        videos.put("MVIMG_20150918_112337.jpg", MotionPhotoFiles.mp4(12));
        videos.put("20150918_112337.jpg", MotionPhotoFiles.mp4(13));
        Map<String, byte[]> files = Map.of(
                "PXL_20150918_112337000.MP.jpg", MotionPhotoFiles.googleMotionPhoto(still, videos.get("PXL_20150918_112337000.MP.jpg"),
                        Integer.toString(videos.get("PXL_20150918_112337000.MP.jpg").length), "0"),
                "MVIMG_20150918_112337.jpg", MotionPhotoFiles.microVideo(still, videos.get("MVIMG_20150918_112337.jpg"),
                        Integer.toString(videos.get("MVIMG_20150918_112337.jpg").length)),
                "20150918_112337.jpg", MotionPhotoFiles.samsung(still, videos.get("20150918_112337.jpg"), 0));
        for (String name : videos.keySet()) {
            stills.put(name, TestFiles.uploadNew(server, ann.apiKey(), name, files.get(name)));
        }
        awaitIdle();

        for (String name : videos.keySet()) {
            JsonNode s = asset(ann, stills.get(name));
            assertThat(s.get("type").asText()).as(name).isEqualTo("IMAGE");
            assertThat(s.get("livePhotoVideoId").isTextual()).as(name + " links its motion part").isTrue();
            String motionId = s.get("livePhotoVideoId").asText();
            JsonNode m = asset(ann, motionId);
            assertThat(m.get("type").asText()).isEqualTo("VIDEO");
            assertThat(m.get("visibility").asText()).isEqualTo("hidden");
            assertThat(m.get("originalFileName").asText()).isEqualTo(name.substring(0, name.lastIndexOf('.')) + ".mp4");
            assertThat(m.get("originalMimeType").asText()).isEqualTo("video/mp4");
            assertThat(m.get("fileCreatedAt").asText()).as("the still's date").isEqualTo(s.get("fileCreatedAt").asText());
            assertThat(m.get("localDateTime").asText()).isEqualTo(s.get("localDateTime").asText());
            assertThat(m.get("duration").asInt()).as("its own metadata step read the clip's second").isBetween(900, 1100);
            assertThat(m.get("checksum").asText()).isEqualTo(java.util.Base64.getEncoder().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-1").digest(videos.get(name))));
            assertThat(bytes(ann, "/api/assets/" + motionId + "/original")).as(name + ": the embedded MP4, byte for byte")
                    .isEqualTo(videos.get(name));
            assertThat(ImageIO.read(new ByteArrayInputStream(bytes(ann, "/api/assets/" + motionId + "/thumbnail?size=preview"))))
                    .as("the video has its own poster").isNotNull();
            // The still's thumbnail is the still's (libvips stops at the JPEG's end): the corpus JPEG is 8x8.
            var thumb = ImageIO.read(new ByteArrayInputStream(bytes(ann, "/api/assets/" + stills.get(name) + "/thumbnail?size=preview")));
            assertThat(thumb.getWidth()).isEqualTo(thumb.getHeight());
            assertThat(s.get("exifInfo").get("exifImageWidth").asInt()).isEqualTo(8);
            assertThat(s.get("exifInfo").get("make").asText()).isEqualTo("Motorola");
            assertThat(s.get("exifInfo").get("fileSizeInByte").asLong()).as("the still keeps its whole file").isEqualTo(files.get(name).length);

            // The storage template moved the still, and leaves the extracted video in encoded-video/, as Immich does.
            assertThat(s.get("originalPath").asText()).startsWith("library/");
            Map<String, Object> row = rows(ann).stream().filter(r -> r.get("id").toString().equals(motionId)).findFirst().orElseThrow();
            assertThat(row.get("original_path").toString()).isEqualTo("encoded-video/" + ann.user().id() + "/"
                    + motionId.substring(0, 2) + "/" + motionId.substring(2, 4) + "/" + motionId + "-MP.mp4");
            assertThat(Files.readAllBytes(server.library().resolve(row.get("original_path").toString()))).isEqualTo(videos.get(name));
        }
        assertThat(videos(ann)).isEqualTo(3);

        // The timeline shows the three stills with their motion parts, never the hidden videos.
        HttpResponse<String> buckets = server.get("/api/timeline/buckets", ann.apiKey());
        assertThat(json(buckets).toString()).isEqualTo("[{\"timeBucket\":\"2015-09-01\",\"count\":3}]");
        HttpResponse<String> bucket = server.get("/api/timeline/bucket?timeBucket=2015-09-01", ann.apiKey());
        OpenApiContract.assertValid("GET", "/timeline/bucket", bucket);
        JsonNode b = json(bucket);
        List<String> ids = new ArrayList<>();
        b.get("id").forEach(n -> ids.add(n.asText()));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(stills.values());
        for (int i = 0; i < ids.size(); i++) {
            assertThat(b.get("livePhotoVideoId").get(i).asText()).isEqualTo(asset(ann, ids.get(i)).get("livePhotoVideoId").asText());
        }
        assertThat(json(server.postJson("/api/search/metadata", ann.apiKey(), Map.of("isMotion", true)))
                .at("/assets/items")).as("Immich's motion filter finds them").hasSize(3);

        // Reading a still again makes no second motion part.
        String again = stills.get("PXL_20150918_112337000.MP.jpg");
        String linked = asset(ann, again).get("livePhotoVideoId").asText();
        HttpResponse<String> rerun = server.postJson("/api/assets/jobs", ann.apiKey(),
                Map.of("assetIds", List.copyOf(stills.values()), "name", "refresh-metadata"));
        assertThat(rerun.statusCode()).as(rerun.body()).isEqualTo(204);
        awaitIdle();
        assertThat(videos(ann)).isEqualTo(3);
        assertThat(asset(ann, again).get("livePhotoVideoId").asText()).isEqualTo(linked);

        // A lost extracted file is written again when the still is read again, as Immich does.
        Path lost = server.library().resolve(MotionPhotoVideos.path(ann.user().id(), UUID.fromString(linked)));
        Files.delete(lost);
        server.postJson("/api/assets/jobs", ann.apiKey(), Map.of("assetIds", List.of(again), "name", "refresh-metadata"));
        awaitIdle();
        assertThat(Files.readAllBytes(lost)).isEqualTo(videos.get("PXL_20150918_112337000.MP.jpg"));
        assertThat(videos(ann)).isEqualTo(3);
    }

    @Test
    void aVideoAlreadyThereIsReusedAndHidden() throws Exception {
        Users bea = Users.create(server, "motion-bea@example.com");
        byte[] clip = MotionPhotoFiles.mp4(21);
        String plain = TestFiles.uploadNew(server, bea.apiKey(), "clip.mp4", clip);
        awaitIdle();
        assertThat(asset(bea, plain).get("visibility").asText()).isEqualTo("timeline");
        String s = TestFiles.uploadNew(server, bea.apiKey(), "PXL_1.MP.jpg",
                MotionPhotoFiles.googleMotionPhoto(still, clip, Integer.toString(clip.length), "0"));
        // The same video in another still (another XMP form) is the same motion part.
        String t = TestFiles.uploadNew(server, bea.apiKey(), "MVIMG_1.jpg",
                MotionPhotoFiles.microVideo(still, clip, Integer.toString(clip.length)));
        awaitIdle();
        assertThat(asset(bea, s).get("livePhotoVideoId").asText()).isEqualTo(plain);
        assertThat(asset(bea, t).get("livePhotoVideoId").asText()).isEqualTo(plain);
        assertThat(asset(bea, plain).get("visibility").asText()).isEqualTo("hidden");
        assertThat(videos(bea)).isEqualTo(1);
    }

    @Test
    void hostileOffsetsAndLengthsMakeNoAssetAndFailNothing() throws Exception {
        Users cid = Users.create(server, "motion-cid@example.com");
        byte[] clip = MotionPhotoFiles.mp4(31);
        String l = Integer.toString(clip.length);
        Map<String, byte[]> hostile = new LinkedHashMap<>();
        hostile.put("zero.jpg", MotionPhotoFiles.googleMotionPhoto(still, clip, "0", "0"));
        hostile.put("negative.jpg", MotionPhotoFiles.googleMotionPhoto(still, clip, "-4096", "0"));
        hostile.put("larger-than-file.jpg", MotionPhotoFiles.googleMotionPhoto(still, clip, "9999999999", "0"));
        hostile.put("into-the-jpeg.jpg", MotionPhotoFiles.microVideo(still, clip, Integer.toString(clip.length + 200)));
        hostile.put("not-an-mp4.jpg", MotionPhotoFiles.googleMotionPhoto(still, new byte[clip.length], l, "0"));
        hostile.put("not-a-number.jpg", MotionPhotoFiles.microVideo(still, clip, "lots"));
        hostile.put("samsung-outside.jpg", MotionPhotoFiles.samsung(still, clip, 1_000_000));
        Map<String, String> ids = new LinkedHashMap<>();
        try (LogCapture log = LogCapture.of(MetadataHandler.class)) {
            for (var e : hostile.entrySet()) {
                ids.put(e.getKey(), TestFiles.uploadNew(server, cid.apiKey(), e.getKey(), e.getValue()));
            }
            awaitIdle();
            for (var e : ids.entrySet()) {
                List<String> lines = log.linesWith(e.getValue());
                assertThat(lines).as(e.getKey() + ": one warning naming the asset and the file").hasSize(1);
                assertThat(lines.getFirst()).contains(e.getKey()).contains("is not taken out");
            }
        }
        assertThat(videos(cid)).as("no motion part from a hostile claim").isZero();
        assertThat(rows(cid)).hasSize(hostile.size());
        for (var e : ids.entrySet()) {
            JsonNode s = asset(cid, e.getValue());
            assertThat(s.get("livePhotoVideoId").isNull()).isTrue();
            assertThat(s.get("exifInfo").get("make").asText()).as(e.getKey() + ": its metadata step succeeded").isEqualTo("Motorola");
            assertThat(s.get("thumbhash").isTextual()).as(e.getKey() + ": its thumbnails were made").isTrue();
            long errors = server.server().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM asset_processing_errors WHERE asset_id = :id").bind("id", UUID.fromString(e.getValue()))
                    .mapTo(Long.class).one());
            assertThat(errors).as(e.getKey() + ": no step failed").isZero();
        }
        try (var tmp = Files.list(server.library().resolve("tmp"))) {
            assertThat(tmp.filter(p -> p.getFileName().toString().startsWith("motion-")).toList()).as("no copy left behind").isEmpty();
        }
    }

    @Test
    void trashKeepsTheMotionPartAndDeletingForGoodTakesIt() throws Exception {
        Users dan = Users.create(server, "motion-dan@example.com");
        String s = uploadMotionPhoto(dan, "PXL_2.MP.jpg", MotionPhotoFiles.mp4(41));
        String motion = asset(dan, s).get("livePhotoVideoId").asText();
        Path file = server.library().resolve(MotionPhotoVideos.path(dan.user().id(), UUID.fromString(motion)));
        assertThat(file).exists();

        // Trashed, the still keeps its link; restored, it is whole again.
        assertThat(server.deleteJson("/api/assets", dan.apiKey(), Map.of("ids", List.of(s))).statusCode()).isEqualTo(204);
        assertThat(asset(dan, motion).get("visibility").asText()).isEqualTo("hidden");
        assertThat(asset(dan, s).get("livePhotoVideoId").asText()).isEqualTo(motion);
        assertThat(server.postJson("/api/trash/restore/assets", dan.apiKey(), Map.of("ids", List.of(s))).statusCode()).isEqualTo(200);

        // Deleted for good, the motion part goes with it: its row and its file.
        assertThat(server.deleteJson("/api/assets", dan.apiKey(), Map.of("ids", List.of(s), "force", true)).statusCode()).isEqualTo(204);
        assertThat(server.get("/api/assets/" + motion, dan.apiKey()).statusCode()).isEqualTo(400);
        assertThat(rows(dan)).isEmpty();
        assertThat(file).doesNotExist();
    }

    @Test
    void emptyingTheTrashTakesTheMotionPartOnlyWhenNoOtherStillLinksIt() throws Exception {
        Users eve = Users.create(server, "motion-eve@example.com");
        byte[] clip = MotionPhotoFiles.mp4(51);
        String s = uploadMotionPhoto(eve, "PXL_3.MP.jpg", clip);
        String t = TestFiles.uploadNew(server, eve.apiKey(), "MVIMG_3.jpg",
                MotionPhotoFiles.microVideo(still, clip, Integer.toString(clip.length)));
        awaitIdle();
        String motion = asset(eve, s).get("livePhotoVideoId").asText();
        assertThat(asset(eve, t).get("livePhotoVideoId").asText()).isEqualTo(motion);

        server.deleteJson("/api/assets", eve.apiKey(), Map.of("ids", List.of(s)));
        assertThat(server.postJson("/api/trash/empty", eve.apiKey(), Map.of()).statusCode()).isEqualTo(200);
        assertThat(asset(eve, motion).get("visibility").asText()).as("the other still still links it").isEqualTo("hidden");

        server.deleteJson("/api/assets", eve.apiKey(), Map.of("ids", List.of(t)));
        server.postJson("/api/trash/empty", eve.apiKey(), Map.of());
        assertThat(rows(eve)).isEmpty();
    }

    /** An Apple live photo's video goes the same way: the rule is the live photo's, whatever made the pair. */
    @Test
    void anAppleLivePhotosVideoIsDeletedForGoodWithItsStill() throws Exception {
        Users fay = Users.create(server, "motion-fay@example.com");
        Path dir = Files.createTempDirectory("apple-live");
        try {
            Path stillFile = dir.resolve("IMG_0001.jpg");
            Files.write(stillFile, MediaPipelineTest.jpeg(320, 240, 61, 0.9f));
            Path notes = dir.resolve("notes.bin");
            Files.write(notes, MediaPipelineTest.appleMakerNotes("F6A7-LIVE-DELETE"));
            MediaPipelineTest.run("exiftool", "-q", "-overwrite_original", "-Make=Apple", "-Model=iPhone XR", "-MakerNotes<=" + notes,
                    stillFile.toString());
            Path clip = dir.resolve("IMG_0001.mov");
            MediaPipelineTest.run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=10",
                    "-pix_fmt", "yuv420p", "-movflags", "use_metadata_tags",
                    "-metadata", "com.apple.quicktime.content.identifier=F6A7-LIVE-DELETE", clip.toString());
            String video = TestFiles.uploadNew(server, fay.apiKey(), "IMG_0001.mov", Files.readAllBytes(clip));
            String s = TestFiles.uploadNew(server, fay.apiKey(), "IMG_0001.jpg", Files.readAllBytes(stillFile));
            awaitIdle();
            assertThat(asset(fay, s).get("livePhotoVideoId").asText()).isEqualTo(video);
            server.deleteJson("/api/assets", fay.apiKey(), Map.of("ids", List.of(s), "force", true));
            assertThat(rows(fay)).isEmpty();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }
}
