package app.shoebox.media.hash;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;

/**
 * Shrinks decoded pixels by exact area averaging (each source pixel weighs by the share of it a
 * target pixel covers), for the hashes. {@code Image.getScaledInstance(SCALE_AREA_AVERAGING)} gives
 * the same averages through AWT's producer and consumer chain, and cost 120-380 ms per 1440-pixel
 * preview (measured on the 2-core machine with {@code shoebox bench import}): more than the
 * thumbnail itself. This reads the raster once, by rows then by columns.
 */
final class Pixels {

    private Pixels() {
    }

    /**
     * The image shrunk to {@code tw x th}, as interleaved red, green, blue, alpha in 0..255
     * (alpha 255 for an opaque image).
     */
    static double[] shrink(BufferedImage image, int tw, int th) {
        int sw = image.getWidth();
        int sh = image.getHeight();
        Axis across = new Axis(sw, tw);
        Axis down = new Axis(sh, th);
        double[] rows = new double[sh * tw * 4];
        double[] line = new double[sw * 4];
        for (int y = 0; y < sh; y++) {
            row(image, y, line);
            for (int x = 0; x < tw; x++) {
                double r = 0, g = 0, b = 0, a = 0;
                for (int k = 0; k < across.count[x]; k++) {
                    int i = (across.first[x] + k) * 4;
                    double w = across.weights[x][k];
                    r += line[i] * w;
                    g += line[i + 1] * w;
                    b += line[i + 2] * w;
                    a += line[i + 3] * w;
                }
                int o = (y * tw + x) * 4;
                rows[o] = r;
                rows[o + 1] = g;
                rows[o + 2] = b;
                rows[o + 3] = a;
            }
        }
        double[] out = new double[tw * th * 4];
        for (int y = 0; y < th; y++) {
            for (int k = 0; k < down.count[y]; k++) {
                int sy = down.first[y] + k;
                double w = down.weights[y][k];
                for (int x = 0; x < tw * 4; x++) {
                    out[y * tw * 4 + x] += rows[sy * tw * 4 + x] * w;
                }
            }
        }
        return out;
    }

    /** One source row as RGBA doubles; straight from the raster for the types ImageIO decodes JPEG to. */
    private static void row(BufferedImage image, int y, double[] line) {
        int w = image.getWidth();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && image.getRaster().getDataBuffer() instanceof DataBufferByte d
                && image.getRaster().getSampleModelTranslateX() == 0 && image.getRaster().getSampleModelTranslateY() == 0) {
            byte[] data = d.getData();
            int base = y * w * 3;
            for (int x = 0; x < w; x++) {
                int i = base + x * 3;
                line[x * 4] = data[i + 2] & 0xFF;
                line[x * 4 + 1] = data[i + 1] & 0xFF;
                line[x * 4 + 2] = data[i] & 0xFF;
                line[x * 4 + 3] = 255;
            }
            return;
        }
        int[] argb = image.getType() == BufferedImage.TYPE_INT_RGB && image.getRaster().getDataBuffer() instanceof DataBufferInt d
                && image.getRaster().getSampleModelTranslateX() == 0 && image.getRaster().getSampleModelTranslateY() == 0
                ? java.util.Arrays.copyOfRange(d.getData(), y * w, y * w + w) : image.getRGB(0, y, w, 1, null, 0, w);
        boolean alpha = image.getColorModel().hasAlpha();
        for (int x = 0; x < w; x++) {
            int p = argb[x];
            line[x * 4] = p >> 16 & 0xFF;
            line[x * 4 + 1] = p >> 8 & 0xFF;
            line[x * 4 + 2] = p & 0xFF;
            line[x * 4 + 3] = alpha ? p >>> 24 : 255;
        }
    }

    /** For each target position along one axis: the source pixels it covers and what share of each. */
    private static final class Axis {
        final int[] first;
        final int[] count;
        final double[][] weights;

        Axis(int source, int target) {
            first = new int[target];
            count = new int[target];
            weights = new double[target][];
            double step = (double) source / target;
            for (int t = 0; t < target; t++) {
                double from = t * step;
                double to = (t + 1) * step;
                int lo = (int) Math.floor(from);
                int hi = Math.min(source, (int) Math.ceil(to));
                first[t] = lo;
                count[t] = hi - lo;
                weights[t] = new double[hi - lo];
                for (int s = lo; s < hi; s++) {
                    double cover = Math.min(to, s + 1) - Math.max(from, s);
                    weights[t][s - lo] = cover / step;
                }
            }
        }
    }
}
