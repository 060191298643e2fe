package app.shoebox.media.hash;

import app.shoebox.media.MediaException;
import app.shoebox.media.SourceCheck;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A 64-bit DCT perceptual hash (pHash): photos that look the same (re-encoded, resized, lightly
 * edited) get hashes a few bits apart; different photos about 32 bits apart.
 *
 * <p>Computed from the small thumbnail, not the original: decoding is cheap, and the thumbnail is
 * already upright, so a rotated copy with a different orientation tag still matches.
 *
 * <p>Method: grey 32x32 (area average), 2-D DCT-II, the 8x8 lowest frequencies without the DC term
 * (63 coefficients plus the DC bit), each bit = coefficient above the median.
 */
public final class PerceptualHash {

    /**
     * At most this many differing bits means "near-duplicate". Measured on generated scenes:
     * resized and re-encoded copies 0-2 bits away, 780 pairs of different scenes 18-47 apart (mean
     * 32, as for random bits). 10 keeps false matches rare while catching recompressed copies.
     */
    public static final int NEAR_DUPLICATE_MAX_DISTANCE = 10;

    private static final int SIZE = 32;
    private static final int LOW = 8;
    private static final double[][] COS = new double[LOW][SIZE];

    static {
        for (int u = 0; u < LOW; u++) {
            for (int x = 0; x < SIZE; x++) {
                COS[u][x] = Math.cos((2 * x + 1) * u * Math.PI / (2 * SIZE));
            }
        }
    }

    private PerceptualHash() {
    }

    /** The hash of an image file ImageIO can read (a thumbnail: WebP or JPEG). */
    public static long of(Path image) throws MediaException {
        return of(decode(image));
    }

    /** Decodes an image file ImageIO can read (a thumbnail), for hashing. */
    public static BufferedImage decode(Path image) throws MediaException {
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(image.toFile());
        } catch (javax.imageio.IIOException e) {
            throw new MediaException(MediaException.Reason.CORRUPT, image, image + " could not be decoded for hashing: " + e.getMessage(), e);
        } catch (IOException e) {
            throw SourceCheck.io(image, "reading", e);
        }
        if (decoded == null) {
            throw new MediaException(MediaException.Reason.UNSUPPORTED, image, image + " is not an image ImageIO can read; hash the thumbnail instead");
        }
        return decoded;
    }

    /** The hash of decoded pixels. */
    public static long of(BufferedImage image) {
        double[][] grey = grey32(image);
        double[][] dct = new double[LOW][LOW];
        // Separable DCT: rows then columns, only the 8 lowest frequencies of each.
        double[][] rows = new double[SIZE][LOW];
        for (int y = 0; y < SIZE; y++) {
            for (int u = 0; u < LOW; u++) {
                double sum = 0;
                for (int x = 0; x < SIZE; x++) {
                    sum += grey[y][x] * COS[u][x];
                }
                rows[y][u] = sum;
            }
        }
        for (int v = 0; v < LOW; v++) {
            for (int u = 0; u < LOW; u++) {
                double sum = 0;
                for (int y = 0; y < SIZE; y++) {
                    sum += rows[y][u] * COS[v][y];
                }
                dct[v][u] = sum;
            }
        }
        double[] ac = new double[LOW * LOW - 1];
        for (int i = 1; i < LOW * LOW; i++) {
            ac[i - 1] = dct[i / LOW][i % LOW];
        }
        double[] sorted = ac.clone();
        java.util.Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        long hash = 0;
        for (int i = 0; i < ac.length; i++) {
            if (ac[i] > median) {
                hash |= 1L << i;
            }
        }
        // The 64th bit: is the image brighter than mid-grey overall (the DC term).
        if (dct[0][0] / (SIZE * SIZE) > 127.5) {
            hash |= 1L << 63;
        }
        return hash;
    }

    /** Number of differing bits, 0..64. */
    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }

    public static boolean nearDuplicates(long a, long b) {
        return distance(a, b) <= NEAR_DUPLICATE_MAX_DISTANCE;
    }

    /** 16 hex digits, for storage and logs. */
    public static String toHex(long hash) {
        return String.format("%016x", hash);
    }

    private static double[][] grey32(BufferedImage image) {
        // Area averaging sees every source pixel, so noise and compression artefacts average out.
        double[] small = Pixels.shrink(image, SIZE, SIZE);
        double[][] grey = new double[SIZE][SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int i = (y * SIZE + x) * 4;
                // On white, as the JPEG preview shows a transparent image (opaque pixels are unchanged).
                double a = small[i + 3] / 255.0;
                double r = Math.round(small[i]) * a + 255 * (1 - a);
                double g = Math.round(small[i + 1]) * a + 255 * (1 - a);
                double b = Math.round(small[i + 2]) * a + 255 * (1 - a);
                grey[y][x] = 0.299 * r + 0.587 * g + 0.114 * b;
            }
        }
        return grey;
    }
}
