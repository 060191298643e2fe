package app.shoebox.media.thumbnails;

import app.shoebox.media.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which embedded profiles the in-process thumbnailer converts from: every usable one except the
 * standard sRGB profile editors embed, whose conversion to sRGB costs a quarter of a thumbnail and
 * changes nothing but rounding. Real files from the metadata corpus carry the profiles.
 */
class ColourProfileTest {

    private static final Path CORPUS = Path.of("src/test/resources/metadata-corpus/files");

    @TempDir
    Path dir;

    /**
     * The corpus's JPEGs with these profiles are grey (their pixels were cut out), so the profiles
     * are taken from them into a colour JPEG made here; the WebP and the HEIC are colour files.
     */
    @Test
    void theStandardSrgbProfileIsNotConvertedFromButAdobeRgbAndDisplayP3Are() throws Throwable {
        LibVips vips = LibVipsBlockTest.vips();
        Path plain = TestImages.write(TestImages.quadrants(400, 300), "jpeg", dir.resolve("plain.jpg"));
        // Two copies of the HP sRGB profile that differ in their header (the rendering intent), and Adobe RGB (1998).
        for (String from : new String[] {"exiftool/XMP.jpg", "jhead/iptc-utf8.jpg", "exiftool/ExifTool.jpg"}) {
            byte[] profile = TestImages.iccProfile(Files.readAllBytes(CORPUS.resolve(from))).orElseThrow();
            Path tagged = dir.resolve(from.replace('/', '-'));
            Files.write(tagged, TestImages.withIccProfile(Files.readAllBytes(plain), profile));
            try (var image = vips.open(tagged.toString())) {
                assertThat(image.needsConversionToSrgb()).as("a colour JPEG with the profile of " + from)
                        .isEqualTo(from.equals("exiftool/ExifTool.jpg"));
            }
        }
        for (String name : new String[] {"exiv2/exiv2-bug1199.webp", "tika/IMG_1034.heic"}) {
            try (var image = vips.open(CORPUS.resolve(name).toString())) {
                assertThat(image.needsConversionToSrgb()).as(name).isTrue();
            }
        }
    }

    @Test
    void aProfileThatOnlyLooksLikeTheStandardOneIsNotTakenForIt() throws Exception {
        byte[] standard = TestImages.iccProfile(Files.readAllBytes(CORPUS.resolve("exiftool/XMP.jpg"))).orElseThrow();
        assertThat(StandardSrgb.is(standard)).isTrue();

        byte[] header = standard.clone();
        header[68] ^= 1;
        assertThat(StandardSrgb.is(header)).as("another rendering intent in the header").isTrue();

        byte[] curve = standard.clone();
        curve[curve.length - 20] ^= 1;
        assertThat(StandardSrgb.is(curve)).as("one value of a tone curve changed").isFalse();
        assertThat(StandardSrgb.is(Arrays.copyOf(standard, standard.length - 1))).isFalse();
        byte[] javas = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_sRGB).getData();
        assertThat(StandardSrgb.is(javas)).as("Java's own sRGB profile, another file").isFalse();
    }

    /** The premise: from the standard profile, libvips' conversion changes no value by more than rounding. */
    @Test
    void convertingFromTheStandardProfileWouldChangeNothingButRounding() throws Throwable {
        LibVips vips = LibVipsBlockTest.vips();
        byte[] standard = TestImages.iccProfile(Files.readAllBytes(CORPUS.resolve("exiftool/XMP.jpg"))).orElseThrow();
        BufferedImage colours = TestImages.quadrants(400, 300);
        Path plain = TestImages.write(colours, "jpeg", dir.resolve("plain.jpg"));
        Path tagged = dir.resolve("srgb.jpg");
        Files.write(tagged, TestImages.withIccProfile(Files.readAllBytes(plain), standard));

        int[] converted;
        int[] asIs;
        try (var a = vips.thumbnail(tagged.toString(), 200, true); var b = vips.thumbnail(tagged.toString(), 200, false)) {
            converted = vips.argb(a).orElseThrow().pixels();
            asIs = vips.argb(b).orElseThrow().pixels();
        }
        assertThat(converted).hasSameSizeAs(asIs);
        int worst = 0;
        for (int i = 0; i < converted.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                worst = Math.max(worst, Math.abs((converted[i] >> shift & 0xFF) - (asIs[i] >> shift & 0xFF)));
            }
        }
        assertThat(worst).as("largest difference of a channel value").isLessThanOrEqualTo(2);
    }
}
