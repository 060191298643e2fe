package app.shoebox.media.thumbnails;

import app.shoebox.media.FileType;
import app.shoebox.media.MediaException;
import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static app.shoebox.media.NativeToolsForTests.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * libvips keeps one error buffer per process. Different bad files thumbnailed at the same time,
 * round after round, must each fail with their own decoder's words: no other file's name, no other
 * decoder's text.
 */
class ConcurrentFailuresTest {

    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    /** Truncated HEICs (libheif names the file in its message) and truncated JPEGs (libjpeg does not). */
    private List<Path> badFiles() throws Exception {
        String vips = NativeToolsForTests.require("vips").toString();
        List<Path> bad = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path png = TestImages.write(noise(900, 600, i), "png", dir.resolve("source-" + i + ".png"));
            Path heic = dir.resolve("owner" + i + "-heic-photo.heic");
            run(vips, "copy", png.toString(), heic.toString());
            byte[] bytes = Files.readAllBytes(heic);
            bad.add(Files.write(heic, Arrays.copyOf(bytes, bytes.length / 2)));
            Path jpeg = TestImages.write(noise(1200, 900, 10 + i), "jpg", dir.resolve("whole-" + i + ".jpg"));
            byte[] jb = Files.readAllBytes(jpeg);
            bad.add(Files.write(dir.resolve("owner" + i + "-jpeg-photo.jpg"), Arrays.copyOf(jb, jb.length / 2)));
        }
        return bad;
    }

    private static BufferedImage noise(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        return img;
    }

    @Test
    void eachConcurrentFailureNamesOnlyItsOwnFile() throws Exception {
        Thumbnailer ffm = NativeToolsForTests.thumbnailer("ffm");
        List<Path> bad = badFiles();
        Path good = TestImages.write(TestImages.quadrants(2000, 1500), "jpg", dir.resolve("owner9-good.jpg"));
        List<Path> all = new ArrayList<>(bad);
        all.add(good);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        CyclicBarrier together = new CyclicBarrier(all.size());
        ExecutorService pool = Executors.newFixedThreadPool(all.size());
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int f = 0; f < all.size(); f++) {
                Path file = all.get(f);
                Path out = dir.resolve("out-" + f);
                runs.add(pool.submit(() -> {
                    for (int round = 0; round < ROUNDS; round++) {
                        together.await(30, TimeUnit.SECONDS);
                        boolean heic = file.toString().endsWith(".heic");
                        try {
                            ffm.generate(file, heic ? FileType.HEIC : FileType.JPEG, out, "r" + round);
                            if (!file.equals(good)) {
                                wrong.add(file.getFileName() + " succeeded");
                            }
                        } catch (MediaException e) {
                            String libvipsWords = e.getMessage().replace(file.toString(), "<own file>");
                            for (Path other : all) {
                                if (!other.equals(file) && libvipsWords.contains(other.getFileName().toString())) {
                                    wrong.add(file.getFileName() + " failed naming " + other.getFileName() + ": " + e.getMessage());
                                }
                            }
                            if (!heic && libvipsWords.contains("heif")) {
                                wrong.add(file.getFileName() + " failed with libheif's words: " + e.getMessage());
                            }
                            if (heic && libvipsWords.contains("VipsJpeg")) {
                                wrong.add(file.getFileName() + " failed with libjpeg's words: " + e.getMessage());
                            }
                            if (e.reason() != MediaException.Reason.CORRUPT) {
                                wrong.add(file.getFileName() + " failed as " + e.reason() + ": " + e.getMessage());
                            }
                            if (!libvipsWords.contains(heic ? "heif" : "VipsJpeg")) {
                                wrong.add(file.getFileName() + " failed without its decoder's words: " + e.getMessage());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> r : runs) {
                r.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(wrong).as("failures that carry another failure's words, of " + ROUNDS * bad.size()).isEmpty();
    }
}
