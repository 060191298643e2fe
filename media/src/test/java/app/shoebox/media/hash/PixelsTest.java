package app.shoebox.media.hash;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PixelsTest {

    /** The shrink the hashes used before, through AWT, as the reference. */
    static BufferedImage awt(BufferedImage image, int w, int h) {
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.drawImage(image.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        return small;
    }

    @Test
    void agreesWithAwtsAreaAveragingWithinOneLevel() {
        Random r = new Random(3);
        for (int type : new int[]{BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY}) {
            BufferedImage image = new BufferedImage(1440, 1077, type);
            Graphics2D g = image.createGraphics();
            for (int i = 0; i < 300; i++) {
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
                g.fillRect(r.nextInt(1440), r.nextInt(1077), 1 + r.nextInt(200), 1 + r.nextInt(200));
            }
            g.dispose();
            for (int[] size : new int[][]{{32, 32}, {100, 75}}) {
                double[] mine = Pixels.shrink(image, size[0], size[1]);
                BufferedImage reference = awt(image, size[0], size[1]);
                for (int y = 0; y < size[1]; y++) {
                    for (int x = 0; x < size[0]; x++) {
                        int p = reference.getRGB(x, y);
                        int i = (y * size[0] + x) * 4;
                        assertThat(mine[i]).as("red at %d,%d of type %d", x, y, type).isCloseTo(p >> 16 & 0xFF, org.assertj.core.data.Offset.offset(1.0));
                        assertThat(mine[i + 1]).isCloseTo(p >> 8 & 0xFF, org.assertj.core.data.Offset.offset(1.0));
                        assertThat(mine[i + 2]).isCloseTo(p & 0xFF, org.assertj.core.data.Offset.offset(1.0));
                        assertThat(mine[i + 3]).isEqualTo(255.0, org.assertj.core.data.Offset.offset(1e-6));
                    }
                }
            }
        }
    }
}
