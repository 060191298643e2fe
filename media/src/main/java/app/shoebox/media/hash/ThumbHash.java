package app.shoebox.media.hash;

import java.awt.image.BufferedImage;

/**
 * ThumbHash (Evan Wallace's format, as Immich's clients and web UI decode it): a placeholder of an
 * image in about 25 bytes: the average colour, the aspect ratio and the lowest frequencies of a
 * DCT of luminance, two colour differences and alpha.
 *
 * <p>Computed from an image already decoded for another purpose (the preview the thumbnail step
 * wrote and hashes), shrunk to at most 100x100 by averaging: never from the original again.
 */
public final class ThumbHash {

    /** The format encodes at most this many pixels on a side; more only costs time. */
    static final int MAX_SIDE = 100;

    private ThumbHash() {
    }

    /** The hash of decoded pixels of any size (shrunk here to at most 100x100 by area averaging). */
    public static byte[] of(BufferedImage image) {
        int sw = image.getWidth();
        int sh = image.getHeight();
        double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(sw, sh));
        int w = Math.max(1, (int) Math.round(sw * scale));
        int h = Math.max(1, (int) Math.round(sh * scale));
        double[] small = Pixels.shrink(image, w, h);
        byte[] rgba = new byte[w * h * 4];
        for (int i = 0; i < rgba.length; i++) {
            rgba[i] = (byte) Math.round(small[i]);
        }
        return encode(w, h, rgba);
    }

    /** The reference encoder ({@code rgbaToThumbHash}) over RGBA bytes of at most 100x100 pixels. */
    static byte[] encode(int w, int h, byte[] rgba) {
        if (w > MAX_SIDE || h > MAX_SIDE) {
            throw new IllegalArgumentException(w + "x" + h + " does not fit in 100x100");
        }
        int n = w * h;
        double avgR = 0, avgG = 0, avgB = 0, avgA = 0;
        for (int i = 0, j = 0; i < n; i++, j += 4) {
            double alpha = (rgba[j + 3] & 0xFF) / 255.0;
            avgR += alpha / 255.0 * (rgba[j] & 0xFF);
            avgG += alpha / 255.0 * (rgba[j + 1] & 0xFF);
            avgB += alpha / 255.0 * (rgba[j + 2] & 0xFF);
            avgA += alpha;
        }
        if (avgA > 0) {
            avgR /= avgA;
            avgG /= avgA;
            avgB /= avgA;
        }
        boolean hasAlpha = avgA < n;
        int lLimit = hasAlpha ? 5 : 7; // fewer luminance terms when alpha needs room
        int lx = Math.max(1, (int) Math.round((double) lLimit * w / Math.max(w, h)));
        int ly = Math.max(1, (int) Math.round((double) lLimit * h / Math.max(w, h)));
        double[] l = new double[n];
        double[] p = new double[n];
        double[] q = new double[n];
        double[] a = new double[n];
        for (int i = 0, j = 0; i < n; i++, j += 4) {
            double alpha = (rgba[j + 3] & 0xFF) / 255.0;
            double r = avgR * (1 - alpha) + alpha / 255.0 * (rgba[j] & 0xFF);
            double g = avgG * (1 - alpha) + alpha / 255.0 * (rgba[j + 1] & 0xFF);
            double b = avgB * (1 - alpha) + alpha / 255.0 * (rgba[j + 2] & 0xFF);
            l[i] = (r + g + b) / 3;
            p[i] = (r + g) / 2 - b;
            q[i] = r - g;
            a[i] = alpha;
        }
        Channel lc = Channel.encode(l, w, h, Math.max(3, lx), Math.max(3, ly));
        Channel pc = Channel.encode(p, w, h, 3, 3);
        Channel qc = Channel.encode(q, w, h, 3, 3);
        Channel ac = hasAlpha ? Channel.encode(a, w, h, 5, 5) : null;

        boolean landscape = w > h;
        int header24 = (int) Math.round(63 * lc.dc) | ((int) Math.round(31.5 + 31.5 * pc.dc) << 6)
                | ((int) Math.round(31.5 + 31.5 * qc.dc) << 12) | ((int) Math.round(31 * lc.scale) << 18)
                | (hasAlpha ? 1 << 23 : 0);
        int header16 = (landscape ? ly : lx) | ((int) Math.round(63 * pc.scale) << 3)
                | ((int) Math.round(63 * qc.scale) << 9) | (landscape ? 1 << 15 : 0);
        int acStart = hasAlpha ? 6 : 5;
        int acCount = lc.ac.length + pc.ac.length + qc.ac.length + (hasAlpha ? ac.ac.length : 0);
        byte[] hash = new byte[acStart + (acCount + 1) / 2];
        hash[0] = (byte) header24;
        hash[1] = (byte) (header24 >> 8);
        hash[2] = (byte) (header24 >> 16);
        hash[3] = (byte) header16;
        hash[4] = (byte) (header16 >> 8);
        if (hasAlpha) {
            hash[5] = (byte) ((int) Math.round(15 * ac.dc) | ((int) Math.round(15 * ac.scale) << 4));
        }
        int index = 0;
        for (Channel c : hasAlpha ? new Channel[]{lc, pc, qc, ac} : new Channel[]{lc, pc, qc}) {
            for (double f : c.ac) {
                hash[acStart + (index >> 1)] |= (byte) ((int) Math.round(15 * f) << ((index & 1) << 2));
                index++;
            }
        }
        return hash;
    }

    /** The average colour a hash stands for, as red, green, blue and alpha in 0..1 ({@code thumbHashToAverageRGBA}). */
    public static double[] averageRgba(byte[] hash) {
        int header = (hash[0] & 0xFF) | (hash[1] & 0xFF) << 8 | (hash[2] & 0xFF) << 16;
        double l = (header & 63) / 63.0;
        double p = ((header >> 6) & 63) / 31.5 - 1;
        double q = ((header >> 12) & 63) / 31.5 - 1;
        boolean hasAlpha = (header >> 23) != 0;
        double a = hasAlpha ? (hash[5] & 15) / 15.0 : 1;
        double b = l - 2.0 / 3 * p;
        double r = (3 * l - b + q) / 2;
        double g = r - q;
        return new double[]{clamp(r), clamp(g), clamp(b), a};
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** One channel's DCT: the constant term, the varying terms scaled into 0..1, and their scale. */
    private record Channel(double dc, double[] ac, double scale) {

        static Channel encode(double[] channel, int w, int h, int nx, int ny) {
            double dc = 0;
            double scale = 0;
            double[] acs = new double[nx * ny];
            int count = 0;
            double[] fx = new double[w];
            // StrictMath: the same cosines as the reference encoder in JavaScript engines (fdlibm),
            // so the same pixels give the same bytes; Math.cos may differ in the last bit and flip
            // a rounding.
            for (int cy = 0; cy < ny; cy++) {
                for (int cx = 0; cx * ny < nx * (ny - cy); cx++) {
                    double f = 0;
                    for (int x = 0; x < w; x++) {
                        fx[x] = StrictMath.cos(Math.PI / w * cx * (x + 0.5));
                    }
                    for (int y = 0; y < h; y++) {
                        double fy = StrictMath.cos(Math.PI / h * cy * (y + 0.5));
                        for (int x = 0; x < w; x++) {
                            f += channel[x + y * w] * fx[x] * fy;
                        }
                    }
                    f /= (double) w * h;
                    if (cx > 0 || cy > 0) {
                        acs[count++] = f;
                        scale = Math.max(scale, Math.abs(f));
                    } else {
                        dc = f;
                    }
                }
            }
            double[] ac = java.util.Arrays.copyOf(acs, count);
            if (scale > 0) {
                for (int i = 0; i < ac.length; i++) {
                    ac[i] = 0.5 + 0.5 / scale * ac[i];
                }
            }
            return new Channel(dc, ac, scale);
        }
    }
}
