package app.shoebox.media.hash;

import app.shoebox.media.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PerceptualHashTest {

    @TempDir
    Path dir;

    static BufferedImage resized(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    Path jpeg(BufferedImage img, String name, float quality) throws Exception {
        Path file = dir.resolve(name);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return file;
    }

    @Test
    void aResizedReencodedCopyIsNear() throws Exception {
        BufferedImage original = TestImages.scene(1, 1200, 900);
        long a = PerceptualHash.of(jpeg(original, "a.jpg", 0.95f));
        long b = PerceptualHash.of(jpeg(resized(original, 400, 300), "b.jpg", 0.5f));

        assertThat(PerceptualHash.distance(a, b)).isLessThanOrEqualTo(PerceptualHash.NEAR_DUPLICATE_MAX_DISTANCE);
        assertThat(PerceptualHash.nearDuplicates(a, b)).isTrue();
    }

    @Test
    void differentPhotosAreFar() throws Exception {
        for (long seed = 2; seed < 8; seed++) {
            long a = PerceptualHash.of(TestImages.scene(seed, 400, 300));
            long b = PerceptualHash.of(TestImages.scene(seed + 100, 400, 300));
            assertThat(PerceptualHash.distance(a, b)).as("seeds %d and %d", seed, seed + 100)
                    .isGreaterThan(PerceptualHash.NEAR_DUPLICATE_MAX_DISTANCE);
        }
    }

    @Test
    void distanceCountsDifferingBits() {
        assertThat(PerceptualHash.distance(0L, -1L)).isEqualTo(64);
        assertThat(PerceptualHash.distance(0b1011L, 0b0001L)).isEqualTo(2);
        assertThat(PerceptualHash.toHex(255L)).isEqualTo("00000000000000ff");
    }

    @Test
    void transparentPixelsHashAsTheyShowOnWhiteWhateverColourTheyHide() {
        BufferedImage opaque = TestImages.scene(7, 200, 150);
        BufferedImage onWhite = new BufferedImage(200, 150, BufferedImage.TYPE_INT_RGB);
        BufferedImage hiding = new BufferedImage(200, 150, BufferedImage.TYPE_INT_ARGB);
        Random r = new Random(3);
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 200; x++) {
                boolean clear = x >= 100;
                onWhite.setRGB(x, y, clear ? 0xFFFFFF : opaque.getRGB(x, y));
                hiding.setRGB(x, y, clear ? r.nextInt(0x1000000) : 0xFF000000 | opaque.getRGB(x, y));
            }
        }
        assertThat(PerceptualHash.of(hiding)).isEqualTo(PerceptualHash.of(onWhite));
    }
}
