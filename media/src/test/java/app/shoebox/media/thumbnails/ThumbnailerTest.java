package app.shoebox.media.thumbnails;

import app.shoebox.media.FileType;
import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.TestImages;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static app.shoebox.media.NativeToolsForTests.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThumbnailerTest {

    @TempDir
    Path dir;

    static Thumbnailer path(String name) {
        return NativeToolsForTests.thumbnailer(name);
    }

    /** Where the stored quadrants (red TL, green TR, blue BL, white BR) land once displayed upright. */
    static Stream<Arguments> orientations() {
        List<List<String>> expected = List.of(
                List.of("red", "green", "blue", "white"),
                List.of("green", "red", "white", "blue"),
                List.of("white", "blue", "green", "red"),
                List.of("blue", "white", "red", "green"),
                List.of("red", "blue", "green", "white"),
                List.of("blue", "red", "white", "green"),
                List.of("white", "green", "blue", "red"),
                List.of("green", "white", "red", "blue"));
        return Stream.of("ffm", "vipsthumbnail", "imageio").flatMap(p -> Stream.iterate(1, i -> i <= 8, i -> i + 1)
                .map(o -> Arguments.of(p, o, expected.get(o - 1))));
    }

    @ParameterizedTest(name = "{0} orientation {1}")
    @MethodSource("orientations")
    void appliesTheExifOrientation(String pathName, int orientation, List<String> expected) throws Exception {
        Thumbnailer thumbnailer = path(pathName);
        String exiftool = NativeToolsForTests.require("exiftool").toString();
        Path photo = TestImages.write(TestImages.quadrants(1600, 1200), "jpg", dir.resolve("o" + orientation + ".jpg"));
        run(exiftool, "-q", "-overwrite_original", "-Orientation#=" + orientation, photo.toString());

        Thumbnails t = thumbnailer.generate(photo, FileType.JPEG, dir.resolve("out"));

        boolean turned = orientation >= 5;
        assertThat(t.width()).isEqualTo(turned ? 1200 : 1600);
        assertThat(t.height()).isEqualTo(turned ? 1600 : 1200);
        BufferedImage preview = ImageIO.read(t.previewPath().toFile());
        BufferedImage small = ImageIO.read(t.thumbnailPath().toFile());
        assertThat(preview.getWidth()).isEqualTo(turned ? 1080 : 1440);
        assertThat(TestImages.quadrantColours(preview)).as("preview quadrants").isEqualTo(expected);
        assertThat(TestImages.quadrantColours(small)).as("thumbnail quadrants").isEqualTo(expected);
        assertThat(Math.max(small.getWidth(), small.getHeight())).isBetween(249, 250);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail", "imageio"})
    void reportsTheLibvipsVersionItDecodesWith(String pathName) throws Exception {
        var version = path(pathName).libvipsVersion();
        if (pathName.equals("imageio")) {
            assertThat(version).isEmpty();
            return;
        }
        String printed = run(NativeToolsForTests.require("vips").toString(), "--version").strip();
        assertThat(version.orElseThrow()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(printed).startsWith("vips-" + version.orElseThrow());
        // What a worker is given: libvips for what it reads, pure Java for the rest; libvips it is.
        assertThat(Thumbnailers.best().libvipsVersion()).isEqualTo(version);
    }

    /** {@code picture} written as {@code <baseName>.jpg} and thumbnailed into {@code out} under {@code baseName}. */
    private Thumbnails ofJpeg(Thumbnailer thumbnailer, BufferedImage picture, String baseName) throws Exception {
        Path photo = TestImages.write(picture, "jpg", dir.resolve(baseName + ".jpg"));
        return thumbnailer.generate(photo, FileType.JPEG, dir.resolve("out"), baseName);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail", "imageio"})
    void makesAPreviewOfAtMost1440AndAThumbnailOf250(String pathName) throws Exception {
        Thumbnails t = ofJpeg(path(pathName), TestImages.quadrants(3000, 2000), "asset-1");

        assertThat(t.previewPath()).isEqualTo(dir.resolve("out/asset-1-preview.jpeg").toAbsolutePath());
        assertThat(t.previewSize().longEdge()).isEqualTo(1440);
        assertThat(t.previewSize().height()).isBetween(959, 961);
        assertThat(t.thumbnailSize().longEdge()).isEqualTo(250);
        BufferedImage preview = ImageIO.read(t.previewPath().toFile());
        assertThat(preview.getWidth()).isEqualTo(t.previewSize().width());
        BufferedImage small = ImageIO.read(t.thumbnailPath().toFile());
        assertThat(small.getWidth()).isEqualTo(t.thumbnailSize().width());
        assertThat(t.thumbnailPath().getFileName().toString()).endsWith("." + t.thumbnailFormat().extension());
        assertThat(t.thumbnailFormat()).isEqualTo(pathName.equals("imageio") ? ThumbnailFormat.JPEG : ThumbnailFormat.WEBP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail", "imageio"})
    void theInProcessPathHandsTheHashesASmallUprightCopyOfThePreviewThatHashesAsThePreviewDoes(String pathName) throws Exception {
        Thumbnailer thumbnailer = path(pathName);
        Thumbnails t = ofJpeg(thumbnailer, TestImages.quadrants(3000, 2000), "asset-1");

        if (!pathName.equals("ffm")) {
            assertThat(t.hashImage()).as("the other paths leave the hashes to decode the preview").isEmpty();
            return;
        }
        BufferedImage small = t.hashImage().orElseThrow();
        assertThat(small.getWidth()).isEqualTo(Thumbnails.HASH_IMAGE_SIZE);
        assertThat(small.getHeight()).isBetween(66, 67);
        assertThat(TestImages.quadrantColours(small)).containsExactly("red", "green", "blue", "white");
        // A photo-like scene for the hashes: four flat quadrants leave most DCT terms near zero,
        // where any rounding flips the perceptual hash's bits.
        t = ofJpeg(thumbnailer, TestImages.scene(5, 3000, 2000), "asset-2");
        small = t.hashImage().orElseThrow();
        BufferedImage preview = ImageIO.read(t.previewPath().toFile());
        assertThat(app.shoebox.media.hash.PerceptualHash.distance(app.shoebox.media.hash.PerceptualHash.of(small),
                app.shoebox.media.hash.PerceptualHash.of(preview))).as("the same picture to the perceptual hash").isLessThanOrEqualTo(4);
        double[] fromMemory = app.shoebox.media.hash.ThumbHash.averageRgba(app.shoebox.media.hash.ThumbHash.of(small));
        double[] fromFile = app.shoebox.media.hash.ThumbHash.averageRgba(app.shoebox.media.hash.ThumbHash.of(preview));
        for (int i = 0; i < 4; i++) {
            assertThat(fromMemory[i]).as("thumbhash average channel %d", i).isCloseTo(fromFile[i], org.assertj.core.data.Offset.offset(0.03));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail", "imageio"})
    void neverEnlargesASmallImage(String pathName) throws Exception {
        Thumbnailer thumbnailer = path(pathName);
        Path photo = TestImages.write(TestImages.quadrants(200, 100), "png", dir.resolve("small.png"));

        Thumbnails t = thumbnailer.generate(photo, FileType.PNG, dir.resolve("out"));

        assertThat(t.previewSize()).isEqualTo(new app.shoebox.media.Dimensions(200, 100));
        assertThat(t.thumbnailSize()).isEqualTo(new app.shoebox.media.Dimensions(200, 100));
        assertThat(TestImages.quadrantColours(ImageIO.read(t.previewPath().toFile())))
                .containsExactly("red", "green", "blue", "white");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail", "imageio"})
    void transparencyBecomesWhiteInTheJpegPreview(String pathName) throws Exception {
        Thumbnailer thumbnailer = path(pathName);
        BufferedImage clear = new BufferedImage(400, 300, BufferedImage.TYPE_INT_ARGB);
        Path png = TestImages.write(clear, "png", dir.resolve("clear.png"));

        Thumbnails t = thumbnailer.generate(png, FileType.PNG, dir.resolve("out"));

        int rgb = ImageIO.read(t.previewPath().toFile()).getRGB(200, 150) & 0xFFFFFF;
        assertThat(rgb >> 16 & 0xFF).as("red of %06x", rgb).isGreaterThan(240);
        assertThat(rgb & 0xFF).as("blue of %06x", rgb).isGreaterThan(240);
    }

    /**
     * A JPEG whose embedded profile is linear RGB: grey 100 there is grey 168 in sRGB. The preview
     * is sRGB without a profile, so the pixels must have been converted; a JPEG without a profile is
     * sRGB already and keeps its values.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail"})
    void anEmbeddedColourProfileIsConvertedToSrgbAndAnImageWithoutOneKeepsItsValues(String pathName) throws Exception {
        Thumbnailer thumbnailer = path(pathName);
        BufferedImage grey = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = grey.createGraphics();
        g.setColor(new java.awt.Color(100, 100, 100));
        g.fillRect(0, 0, 400, 300);
        g.dispose();
        Path plain = TestImages.write(grey, "jpeg", dir.resolve("plain.jpg"));
        Path linear = dir.resolve("linear.jpg");
        byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        Files.write(linear, TestImages.withIccProfile(Files.readAllBytes(plain), profile));

        Thumbnails converted = thumbnailer.generate(linear, FileType.JPEG, dir.resolve("out-linear"));
        Thumbnails kept = thumbnailer.generate(plain, FileType.JPEG, dir.resolve("out-plain"));

        assertThat(ImageIO.read(converted.previewPath().toFile()).getRGB(200, 150) & 0xFF).isBetween(160, 176);
        assertThat(ImageIO.read(converted.thumbnailPath().toFile()).getRGB(125, 93) & 0xFF).isBetween(160, 176);
        assertThat(ImageIO.read(kept.previewPath().toFile()).getRGB(200, 150) & 0xFF).isBetween(96, 104);
    }

    /**
     * A profile that does not fit the pixels (a grey JPEG carrying an RGB profile: real files from
     * the exiv2, exempi and jhead test data in the metadata corpus, and one made here) is ignored:
     * the pixels are taken as they are. Converting through it failed the whole thumbnail as
     * corrupt ("unable to load or find any compatible input profile"), 10 of the corpus's 290
     * decodable images.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail", "imageio"})
    void aColourProfileThatDoesNotFitThePixelsIsIgnoredRatherThanFailingTheFile(String pathName) throws Exception {
        Thumbnailer thumbnailer = path(pathName);
        Path corpus = Path.of("src/test/resources/metadata-corpus/files");
        for (String name : List.of("exiv2/Reagan.jpg", "exempi/BlueSquare.jpg", "jhead/canon-bigend.jpg")) {
            Thumbnails t = thumbnailer.generate(corpus.resolve(name), FileType.JPEG, dir.resolve("out-" + name.replace('/', '-')));
            assertThat(ImageIO.read(t.previewPath().toFile())).as(name).isNotNull();
        }
        // Stored values, not colours: Java's grey colour space is linear, so getRGB would convert.
        BufferedImage grey = new BufferedImage(400, 300, BufferedImage.TYPE_BYTE_GRAY);
        java.util.Arrays.fill(((java.awt.image.DataBufferByte) grey.getRaster().getDataBuffer()).getData(), (byte) 100);
        Path plain = TestImages.write(grey, "jpeg", dir.resolve("grey.jpg"));
        Path withRgbProfile = dir.resolve("grey-srgb-profile.jpg");
        byte[] srgb = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_sRGB).getData();
        Files.write(withRgbProfile, TestImages.withIccProfile(Files.readAllBytes(plain), srgb));

        Thumbnails t = thumbnailer.generate(withRgbProfile, FileType.JPEG, dir.resolve("out-grey"));

        assertThat(ImageIO.read(t.previewPath().toFile()).getRaster().getSample(200, 150, 0)).isBetween(96, 104);
    }

    /**
     * Every image of the metadata corpus (real files from cameras, phones and editors) gets a
     * thumbnail from the in-process path (the server's), except these, which have no pixels to
     * decode (the test data of exiftool and libexif strip them) or are raws libvips does not
     * read. A regression on real files (such as profiles that do not fit their pixels) shows here
     * by name.
     */
    @org.junit.jupiter.api.Test
    void everyRealImageOfTheCorpusGetsAThumbnailExceptThoseWithoutPixels() throws Exception {
        java.util.Set<String> withoutPixels = java.util.Set.of("exiftool/CanonRaw.cr2", "exiftool/Nikon.nef",
                "exiftool/Panasonic.rw2", "exiv2/table.jpg", "libexif/canon_makernote_variant_1.jpg",
                "libexif/fuji_makernote_variant_1.jpg", "libexif/olympus_makernote_variant_2.jpg",
                "libexif/olympus_makernote_variant_3.jpg", "libexif/pentax_makernote_variant_2.jpg",
                "libexif/pentax_makernote_variant_3.jpg", "exiv2/IMG_1361.dng");
        Thumbnailer server = path("ffm");
        Path corpus = Path.of("src/test/resources/metadata-corpus/files");
        List<Path> files;
        try (var walk = Files.walk(corpus)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        java.util.Map<String, String> failed = new java.util.TreeMap<>();
        int made = 0;
        for (Path file : files) {
            var type = FileType.fromFileName(file.getFileName().toString());
            if (type.isEmpty() || type.get().kind() != app.shoebox.media.MediaKind.IMAGE || !server.canDecode(type.get())) {
                continue;
            }
            String name = corpus.relativize(file).toString();
            try {
                server.generate(file, type.get(), dir.resolve("corpus"), "f" + made + failed.size());
                made++;
            } catch (app.shoebox.media.MediaException e) {
                failed.put(name, e.getMessage());
            }
        }
        assertThat(failed.keySet()).as("refused: %s", failed).isEqualTo(new java.util.TreeSet<>(withoutPixels));
        assertThat(made).isGreaterThan(250);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail", "imageio"})
    void aFileNameWithBracketsIsNotReadAsLibvipsOptions(String pathName) throws Exception {
        Thumbnailer thumbnailer = path(pathName);
        Path folder = Files.createDirectories(dir.resolve("Trip [2024]"));
        Path photo = TestImages.write(TestImages.quadrants(300, 200), "jpg", folder.resolve("IMG[1].jpg"));

        Thumbnails t = thumbnailer.generate(photo, FileType.JPEG, dir.resolve("out"));

        assertThat(t.previewSize()).isEqualTo(new app.shoebox.media.Dimensions(300, 200));
        assertThat(t.previewPath().getFileName().toString()).isEqualTo("IMG_1_-preview.jpeg");
        try (var files = Files.list(dir.resolve("out"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no link left behind")
                    .containsExactlyInAnyOrder("IMG_1_-preview.jpeg", "IMG_1_-thumbnail." + t.thumbnailFormat().extension());
        }
    }

    static Stream<Arguments> formats() {
        return Stream.of("ffm", "vipsthumbnail", "imageio", "best").flatMap(p -> Stream.of(
                Arguments.of(p, FileType.PNG, "png"), Arguments.of(p, FileType.GIF, "gif"),
                Arguments.of(p, FileType.TIFF, "tif"), Arguments.of(p, FileType.BMP, "bmp"),
                Arguments.of(p, FileType.WEBP, "webp"), Arguments.of(p, FileType.HEIC, "heic"),
                Arguments.of(p, FileType.AVIF, "avif"), Arguments.of(p, FileType.JXL, "jxl"),
                Arguments.of(p, FileType.PSD, "psd")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formats")
    void readsTheCommonFormats(String pathName, FileType type, String extension) throws Exception {
        Thumbnailer thumbnailer = path(pathName);
        Path png = TestImages.write(TestImages.quadrants(800, 600), "png", dir.resolve("q.png"));
        Path file = dir.resolve("photo." + extension);
        if (type == FileType.WEBP || type == FileType.HEIC || type == FileType.AVIF || type == FileType.JXL) {
            // ImageIO writes neither; libvips' command line does.
            run(NativeToolsForTests.require("vips").toString(), "copy", png.toString(), file.toString());
        } else if (type == FileType.PSD) {
            run(NativeToolsForTests.require("vips").toString(), "magicksave", png.toString(), file.toString(), "--format", "psd");
        } else if (type == FileType.PNG) {
            Files.copy(png, file);
        } else {
            TestImages.write(TestImages.quadrants(800, 600), extension.equals("tif") ? "tiff" : extension, file);
        }

        if (!thumbnailer.canDecode(type)) {
            assertThatThrownBy(() -> thumbnailer.generate(file, type, dir.resolve("out")))
                    .isInstanceOfSatisfying(app.shoebox.media.MediaException.class, e -> {
                        assertThat(e.permanent()).isTrue();
                        assertThat(e.getMessage()).contains(file.toString()).contains("libvips");
                    });
            return;
        }
        Thumbnails t = thumbnailer.generate(file, type, dir.resolve("out"));

        assertThat(t.previewSize()).isEqualTo(new app.shoebox.media.Dimensions(800, 600));
        assertThat(TestImages.quadrantColours(ImageIO.read(t.thumbnailPath().toFile())))
                .containsExactly("red", "green", "blue", "white");
    }

    /**
     * What the server uses reads every image type it can with a decoder it trusts: libvips' own for
     * most, pure Java for BMP and PSD, which libvips would read only through ImageMagick.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bmp", "psd", "png"})
    void theServersPathReadsBmpAndPsdWithoutImageMagick(String extension) throws Exception {
        Thumbnailer best = path("best");
        assertThat(best.describe()).contains(".bmp", ".psd");
        Path png = TestImages.write(TestImages.quadrants(800, 600), "png", dir.resolve("q.png"));
        Path file = dir.resolve("photo." + extension);
        switch (extension) {
            case "bmp" -> TestImages.write(TestImages.quadrants(800, 600), "bmp", file);
            case "psd" -> run(NativeToolsForTests.require("vips").toString(), "magicksave", png.toString(), file.toString(),
                    "--format", "psd");
            default -> Files.copy(png, file);
        }
        // Named .jpg too: the path is chosen by the bytes, not the name.
        Path misnamed = Files.copy(file, dir.resolve("misnamed-" + extension + ".jpg"));

        for (var t : List.of(best.generate(file, FileType.fromFileName(file.toString()).orElseThrow(), dir.resolve("out")),
                best.generate(misnamed, FileType.JPEG, dir.resolve("out")))) {
            assertThat(t.previewSize()).isEqualTo(new app.shoebox.media.Dimensions(800, 600));
            assertThat(TestImages.quadrantColours(ImageIO.read(t.thumbnailPath().toFile())))
                    .containsExactly("red", "green", "blue", "white");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail", "imageio"})
    void anOutputThatCannotBeWrittenIsATransientFailure(String pathName) throws Exception {
        Thumbnailer thumbnailer = path(pathName);
        Path photo = TestImages.write(TestImages.quadrants(300, 200), "jpg", dir.resolve("p.jpg"));
        // A directory where the preview should go: the decoder succeeds, the write fails.
        Files.createDirectories(dir.resolve("out/p-preview.jpeg"));

        assertThatThrownBy(() -> thumbnailer.generate(photo, FileType.JPEG, dir.resolve("out")))
                .isInstanceOfSatisfying(app.shoebox.media.MediaException.class, e -> {
                    assertThat(e.permanent()).as(e.getMessage()).isFalse();
                    assertThat(e.getMessage()).contains(photo.toString());
                });
    }

    @org.junit.jupiter.api.Test
    void theInProcessPathCanBeCalledFromManyThreadsAtOnce() throws Exception {
        Thumbnailer ffm = path("ffm");
        List<Path> photos = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            photos.add(TestImages.write(TestImages.quadrants(1000 + i * 10, 800), "jpg", dir.resolve("c" + i + ".jpg")));
        }
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = photos.stream().map(p -> executor.submit(() -> ffm.generate(p, FileType.JPEG, dir.resolve("out")))).toList();
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get().width()).isEqualTo(1000 + i * 10);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail"})
    void thePixelLimitHoldsForFormatsSizedByTheDecodersOwnHeader(String pathName) throws Exception {
        path(pathName);
        Path png = TestImages.write(TestImages.quadrants(800, 600), "png", dir.resolve("q.png"));
        Path avif = dir.resolve("q.avif");
        run(NativeToolsForTests.require("vips").toString(), "copy", png.toString(), avif.toString());
        long limit = 100_000;
        var limits = new Thumbnailers.Limits(limit, java.time.Duration.ofSeconds(30));
        Thumbnailer strict = (pathName.equals("ffm") ? Thumbnailers.ffm(limits) : Thumbnailers.vipsthumbnail(limits)).orElseThrow();

        assertThatThrownBy(() -> strict.generate(avif, FileType.AVIF, dir.resolve("out")))
                .isInstanceOfSatisfying(app.shoebox.media.MediaException.class, e -> {
                    assertThat(e.reason()).isEqualTo(app.shoebox.media.MediaException.Reason.TOO_LARGE);
                    assertThat(e.getMessage()).contains("800x600");
                });
        assertThat(dir.resolve("out/q-preview.jpeg")).doesNotExist();
    }

    @org.junit.jupiter.api.Test
    void theBestPathSaysWhatItIs() {
        Thumbnailer best = Thumbnailers.best();
        assertThat(best.describe()).startsWith("thumbnails: ");
        assertThat(Thumbnailers.available()).isNotEmpty().last().isInstanceOf(ImageIoThumbnailer.class);
    }
}
