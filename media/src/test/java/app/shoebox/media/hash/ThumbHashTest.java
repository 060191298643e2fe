package app.shoebox.media.hash;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Base64;
import java.util.function.IntBinaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ThumbHashTest {

    /** A red ramp across, a green ramp down, blue from both; alpha from {@code alpha}. */
    static byte[] ramps(int w, int h, IntBinaryOperator alpha) {
        byte[] rgba = new byte[w * h * 4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 4;
                rgba[o] = (byte) (255 * x / (w - 1));
                rgba[o + 1] = (byte) (255 * y / (h - 1));
                rgba[o + 2] = (byte) ((x * 7 + y * 13) % 256);
                rgba[o + 3] = (byte) alpha.applyAsInt(x, y);
            }
        }
        return rgba;
    }

    /**
     * The bytes the reference encoder (npm {@code thumbhash} 0.1.1, {@code rgbaToThumbHash}, the
     * package Immich's web UI decodes with) makes of the same pixels: an opaque landscape image and
     * a portrait one with a transparent half.
     */
    @Test
    void matchesTheReferenceEncoderByteForByte() {
        assertThat(Base64.getEncoder().encodeToString(ThumbHash.encode(40, 30, ramps(40, 30, (x, y) -> 255))))
                .isEqualTo("HwgKPZpgh3dwh3eHdXh2eKCACPh4");
        assertThat(Base64.getEncoder().encodeToString(ThumbHash.encode(30, 40, ramps(30, 40, (x, y) -> x < 15 ? 255 : 0))))
                .isEqualTo("GneFHA5YRgVyeHdmZAOERs/3WIeIiIiICA==");
    }

    @Test
    void aLargeImageIsShrunkFirstAndKeepsItsAverageColour() {
        BufferedImage image = new BufferedImage(1440, 960, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(200, 40, 40));
        g.fillRect(0, 0, 1440, 960);
        g.dispose();
        byte[] hash = ThumbHash.of(image);
        double[] avg = ThumbHash.averageRgba(hash);
        assertThat(avg[0]).isCloseTo(200 / 255.0, within(0.04));
        assertThat(avg[1]).isCloseTo(40 / 255.0, within(0.04));
        assertThat(avg[2]).isCloseTo(40 / 255.0, within(0.04));
        assertThat(avg[3]).isEqualTo(1.0);
        // Landscape flag set, no alpha byte: 5 header bytes and the terms of a 7x5 luminance grid, 3x3 colours.
        assertThat(hash[4] & 0x80).isNotZero();
        assertThat(hash.length).isBetween(20, 30);
    }
}
