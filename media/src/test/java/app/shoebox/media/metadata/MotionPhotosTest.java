package app.shoebox.media.metadata;

import app.shoebox.media.FileType;
import app.shoebox.media.MediaException;
import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.video.VideoProbe;
import app.shoebox.testing.MotionPhotoFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Motion photos built from a real phone JPEG of the corpus (a Motorola XT1575's), an MP4 made by
 * ffmpeg and Google's XMP written by exiftool, or Samsung's trailer: each form is found by both
 * readers, its bytes copied out exactly; every hostile offset or length is refused with a reason.
 */
class MotionPhotosTest {

    static final Path PHONE_JPEG = Path.of("src/test/resources/metadata-corpus/files/exiftool/Motorola.jpg");

    static byte[] still;
    static byte[] video;
    static MetadataExtractor withExifTool;
    static MetadataExtractor withoutExifTool;

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() throws Exception {
        NativeToolsForTests.require("exiftool");
        NativeToolsForTests.require("ffmpeg");
        still = Files.readAllBytes(PHONE_JPEG);
        video = MotionPhotoFiles.mp4(1);
        withExifTool = new MetadataExtractor(VideoProbe.fromPath(), ExifTool.fromPath(1));
        withoutExifTool = new MetadataExtractor(VideoProbe.fromPath());
    }

    @AfterAll
    static void close() {
        if (withExifTool != null) {
            withExifTool.close();
        }
    }

    MotionPhoto read(String reader, byte[] content) throws Exception {
        Path file = dir.resolve("PXL_20240101_000000000.MP.jpg");
        Files.write(file, content);
        MetadataExtractor extractor = reader.equals("exiftool") ? withExifTool : withoutExifTool;
        MediaMetadata meta = extractor.extract(file, FileType.JPEG, Optional.empty(), Instant.EPOCH);
        assertThat(meta.make()).as("the still's own metadata is still read").contains("Motorola");
        return meta.motionPhoto();
    }

    /** The embedded video's bytes, as copied out, and their SHA-1 as reported. */
    byte[] copied(byte[] content, MotionPhoto.Embedded e) throws Exception {
        Path file = dir.resolve("source.jpg");
        Files.write(file, content);
        Path out = dir.resolve("out.mp4");
        MotionPhotos.Copied c = MotionPhotos.copy(file, e, out);
        byte[] bytes = Files.readAllBytes(out);
        assertThat(c.sha1()).isEqualTo(MessageDigest.getInstance("SHA-1").digest(bytes));
        assertThat(c.size()).isEqualTo(bytes.length);
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void googleMotionPhotoIsFoundAndCopiedExactly(String reader) throws Exception {
        byte[] file = MotionPhotoFiles.googleMotionPhoto(still, video, Integer.toString(video.length), "0");
        MotionPhoto m = read(reader, file);
        assertThat(m).isEqualTo(new MotionPhoto.Embedded(MotionPhoto.Format.GOOGLE_MOTION_PHOTO, file.length - video.length, video.length));
        assertThat(copied(file, (MotionPhoto.Embedded) m)).isEqualTo(video);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void paddingCountsFromTheEndAsImmichCountsIt(String reader) throws Exception {
        byte[] file = MotionPhotoFiles.googleMotionPhoto(still, MotionPhotoFiles.concat(video, new byte[16]),
                Integer.toString(video.length), "16");
        MotionPhoto m = read(reader, file);
        assertThat(m).isInstanceOf(MotionPhoto.Embedded.class);
        assertThat(copied(file, (MotionPhoto.Embedded) m)).isEqualTo(video);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void microVideoIsFoundAndCopiedExactly(String reader) throws Exception {
        byte[] file = MotionPhotoFiles.microVideo(still, video, Integer.toString(video.length));
        MotionPhoto m = read(reader, file);
        assertThat(m).isEqualTo(new MotionPhoto.Embedded(MotionPhoto.Format.GOOGLE_MICRO_VIDEO, file.length - video.length, video.length));
        assertThat(copied(file, (MotionPhoto.Embedded) m)).isEqualTo(video);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void samsungTrailerIsFoundAndCopiedExactly(String reader) throws Exception {
        byte[] file = MotionPhotoFiles.samsung(still, video, 0);
        MotionPhoto m = read(reader, file);
        assertThat(m).isEqualTo(new MotionPhoto.Embedded(MotionPhoto.Format.SAMSUNG, still.length + 24, video.length));
        assertThat(copied(file, (MotionPhoto.Embedded) m)).isEqualTo(video);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void exiftoolReadsTheSameSamsungVideo(String reader) throws Exception {
        // exiftool's own reading of the trailer we build: the same bytes come out.
        Path file = dir.resolve("samsung.jpg");
        Files.write(file, MotionPhotoFiles.samsung(still, video, 0));
        Process p = new ProcessBuilder("exiftool", "-b", "-EmbeddedVideoFile", file.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        assertThat(out).as("exiftool reads our trailer as a Samsung one").isEqualTo(video);
        assertThat(read(reader, Files.readAllBytes(file))).isInstanceOf(MotionPhoto.Embedded.class);
    }

    static final Path PHONE_HEIC = Path.of("src/test/resources/metadata-corpus/files/tika/IMG_1034.heic");

    MotionPhoto readHeic(String reader, byte[] content) throws Exception {
        Path file = dir.resolve("PXL_20240101_000000000.MP.heic");
        Files.write(file, content);
        MetadataExtractor extractor = reader.equals("exiftool") ? withExifTool : withoutExifTool;
        return extractor.extract(file, FileType.HEIC, Optional.empty(), Instant.EPOCH).motionPhoto();
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void aHeicMotionPhotosMpvdBoxIsFoundAndCopiedExactly(String reader) throws Exception {
        byte[] heic = Files.readAllBytes(PHONE_HEIC);
        byte[] file = MotionPhotoFiles.heicMotionPhoto(heic, video, Integer.toString(video.length));
        MotionPhoto m = readHeic(reader, file);
        assertThat(m).isEqualTo(new MotionPhoto.Embedded(MotionPhoto.Format.GOOGLE_MOTION_PHOTO, file.length - video.length, video.length));
        assertThat(copied(file, (MotionPhoto.Embedded) m)).isEqualTo(video);
        // Immich reads the box, not the XMP's length: a wrong length does not matter when the box is there.
        byte[] wrongLength = MotionPhotoFiles.heicMotionPhoto(heic, video, "12");
        assertThat(copied(wrongLength, (MotionPhoto.Embedded) readHeic(reader, wrongLength))).isEqualTo(video);
        // Without the box, a length that reaches back into the HEIC's own boxes is refused.
        MotionPhoto into = readHeic(reader, MotionPhotoFiles.heicWithClaim(heic, Integer.toString(video.length)));
        if (reader.equals("exiftool")) {
            assertThat(into).isInstanceOf(MotionPhoto.Invalid.class);
            assertThat(((MotionPhoto.Invalid) into).reason()).contains("inside the still's own bytes (the HEIC's box 'mdat'");
        } else {
            assertThat(into).as("metadata-extractor reads no XMP from a HEIC: no claim, no video").isEqualTo(MotionPhoto.NONE);
        }
        assertThat(readHeic(reader, heic)).isEqualTo(MotionPhoto.NONE);
    }

    /** libvips stops at the still's end: the motion photo's thumbnails are the plain still's, pixel for pixel. */
    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "heic"})
    void theThumbnailerSeesOnlyTheStill(String kind) throws Exception {
        var thumbnailer = NativeToolsForTests.thumbnailer("best");
        boolean heic = kind.equals("heic");
        byte[] plain = heic ? Files.readAllBytes(PHONE_HEIC) : still;
        byte[] motion = heic ? MotionPhotoFiles.heicMotionPhoto(plain, video, Integer.toString(video.length))
                : MotionPhotoFiles.samsung(MotionPhotoFiles.googleMotionPhoto(plain, video, Integer.toString(video.length), "0"), video, 0);
        FileType type = heic ? FileType.HEIC : FileType.JPEG;
        Path a = dir.resolve("plain." + kind);
        Path b = dir.resolve("motion." + kind);
        Files.write(a, plain);
        Files.write(b, motion);
        var fromPlain = thumbnailer.generate(a, type, Files.createDirectories(dir.resolve("plain")));
        var fromMotion = thumbnailer.generate(b, type, Files.createDirectories(dir.resolve("motion")));
        assertThat(fromMotion.previewSize()).isEqualTo(fromPlain.previewSize());
        assertThat(pixels(fromMotion.previewPath())).isEqualTo(pixels(fromPlain.previewPath()));
    }

    static int[] pixels(Path image) throws Exception {
        var img = javax.imageio.ImageIO.read(image.toFile());
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void aPlainStillOrOneWithTrailingBytesButNoClaimHasNone(String reader) throws Exception {
        assertThat(read(reader, still)).isEqualTo(MotionPhoto.NONE);
        assertThat(read(reader, MotionPhotoFiles.concat(still, video))).isEqualTo(MotionPhoto.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void hostileLengthsAreRefusedWithTheirReason(String reader) throws Exception {
        String l = Integer.toString(video.length);
        assertInvalid(reader, MotionPhotoFiles.googleMotionPhoto(still, video, "0", "0"), "length is 0");
        assertInvalid(reader, MotionPhotoFiles.googleMotionPhoto(still, video, "-5", "0"), "length is -5");
        assertInvalid(reader, MotionPhotoFiles.googleMotionPhoto(still, video, "abc", "0"), "\"abc\" is not a whole number");
        assertInvalid(reader, MotionPhotoFiles.googleMotionPhoto(still, video, "99999999999", "0"), "more than the file's");
        assertInvalid(reader, MotionPhotoFiles.googleMotionPhoto(still, video, l, "-1"), "padding is -1");
        assertInvalid(reader, MotionPhotoFiles.googleMotionPhoto(still, video, Integer.toString(video.length + 100), "0"),
                "inside the still's own bytes");
        assertInvalid(reader, MotionPhotoFiles.googleMotionPhoto(still, new byte[video.length], l, "0"), "not an MP4 or QuickTime file");
        assertInvalid(reader, MotionPhotoFiles.microVideo(still, video, "0"), "length is 0");
        assertInvalid(reader, MotionPhotoFiles.microVideo(still, video, "-1"), "length is -1");
        assertInvalid(reader, MotionPhotoFiles.microVideo(still, video, "9223372036854775807"), "more than the file's");
        assertInvalid(reader, MotionPhotoFiles.microVideo(still, video, Integer.toString(video.length + 10)), "inside the still's own bytes");
        // A video that claims to be shorter than it is: its start is past the ftyp box, in the video's middle.
        assertInvalid(reader, MotionPhotoFiles.microVideo(still, video, Integer.toString(video.length - 8)), "not an MP4 or QuickTime file");
        assertInvalid(reader, MotionPhotoFiles.samsung(still, video, 1), "outside the file");
        assertInvalid(reader, MotionPhotoFiles.samsung(still, video, -video.length - 10), "names 16 bytes in a block of 14");
        assertInvalid(reader, MotionPhotoFiles.samsung(still, new byte[video.length], 0), "not an MP4 or QuickTime file");
        byte[] lyingTrailer = MotionPhotoFiles.samsung(still, video, 0);
        lyingTrailer[lyingTrailer.length - 6] = 1;
        assertInvalid(reader, lyingTrailer, "directory length");
    }

    /**
     * exiftool 12.57 answers a motion photo's container as "Directory", and names Google's depth-map
     * container "ContainerDirectory" (later versions use that name for the motion photo's): a file
     * with both still has its MotionPhoto item found.
     */
    @org.junit.jupiter.api.Test
    void theMotionPhotoItemIsFoundUnderEitherNameExiftoolGivesTheDirectory() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var both = json.readTree("""
                {"MotionPhoto": 1,
                 "ContainerDirectory": [{"Item": {"Mime": "image/jpeg", "Semantic": "Primary"}},
                                        {"Item": {"Mime": "image/jpeg", "Semantic": "Depth", "Length": 9000}}],
                 "Directory": [{"Item": {"Mime": "image/jpeg", "Semantic": "Primary", "Length": 0}},
                               {"Item": {"Mime": "video/mp4", "Semantic": "MotionPhoto", "Length": 5390, "Padding": 0}}]}""");
        assertThat(MotionPhotos.claim(both)).contains(new MotionPhotos.Claim(MotionPhoto.Format.GOOGLE_MOTION_PHOTO, 5390, 0, Optional.empty()));
        var newer = json.readTree("""
                {"MotionPhoto": 1,
                 "ContainerDirectory": [{"Item": {"Mime": "video/mp4", "Semantic": "MotionPhoto", "Length": 77, "Padding": 8}}]}""");
        assertThat(MotionPhotos.claim(newer)).contains(new MotionPhotos.Claim(MotionPhoto.Format.GOOGLE_MOTION_PHOTO, 77, 8, Optional.empty()));
    }

    void assertInvalid(String reader, byte[] file, String why) throws Exception {
        MotionPhoto m = read(reader, file);
        assertThat(m).isInstanceOf(MotionPhoto.Invalid.class);
        assertThat(((MotionPhoto.Invalid) m).reason()).contains(why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void aHugeTrailerIsLocatedWithoutReadingIt(String reader) throws Exception {
        // A 3 GB sparse file: the claim is checked by reading its few structural bytes, never the video.
        long huge = 3L << 30;
        byte[] head = MotionPhotoFiles.microVideo(still, new byte[0], Long.toString(huge));
        Path file = dir.resolve("huge.jpg");
        Files.write(file, head);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(head.length);
            f.write(new byte[]{0, 0, 0, 0x18, 'f', 't', 'y', 'p'});
            f.setLength(head.length + huge);
        }
        MetadataExtractor extractor = reader.equals("exiftool") ? withExifTool : withoutExifTool;
        MediaMetadata meta = extractor.extract(file, FileType.JPEG, Optional.empty(), Instant.EPOCH);
        assertThat(meta.motionPhoto()).isEqualTo(new MotionPhoto.Embedded(MotionPhoto.Format.GOOGLE_MICRO_VIDEO, head.length, huge));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exiftool", "metadata-extractor"})
    void aStillThatShrankWhileCopyingIsATransientFailure(String reader) throws Exception {
        byte[] file = MotionPhotoFiles.microVideo(still, video, Integer.toString(video.length));
        MotionPhoto.Embedded e = (MotionPhoto.Embedded) read(reader, file);
        Path cut = dir.resolve("cut.jpg");
        Files.write(cut, java.util.Arrays.copyOf(file, file.length - 10));
        try {
            MotionPhotos.copy(cut, e, dir.resolve("out.mp4"));
            throw new AssertionError("a shorter file must not copy");
        } catch (MediaException ex) {
            assertThat(ex.permanent()).isFalse();
            assertThat(ex.getMessage()).contains("cut.jpg").contains("ended at byte");
        }
    }
}
