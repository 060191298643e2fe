package app.shoebox.server.web;

import org.junit.jupiter.api.Assumptions;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Real media for browser tests: JPEGs whose EXIF exiftool wrote, and a short clip ffmpeg made. */
final class TestMedia {

    private TestMedia() {
    }

    /** A landscape-like picture (sky, hills, sun) so screenshots look like a library, with camera EXIF. */
    static Path photo(Path dir, String name, long seed, String make, String model, String lens, String taken, String offset)
            throws Exception {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(1200, 800, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color sky = Color.getHSBColor(0.5f + r.nextFloat() * 0.15f, 0.35f + r.nextFloat() * 0.3f, 0.85f);
        g.setPaint(new GradientPaint(0, 0, sky, 0, 500, sky.brighter()));
        g.fillRect(0, 0, 1200, 800);
        g.setColor(new Color(255, 220 + r.nextInt(30), 120));
        int sun = 80 + r.nextInt(60);
        g.fillOval(200 + r.nextInt(800), 60 + r.nextInt(150), sun, sun);
        for (int layer = 0; layer < 3; layer++) {
            g.setColor(Color.getHSBColor(0.22f + r.nextFloat() * 0.15f, 0.45f + layer * 0.12f, 0.65f - layer * 0.15f));
            int[] xs = new int[14];
            int[] ys = new int[14];
            for (int i = 0; i < 12; i++) {
                xs[i] = i * 110;
                ys[i] = 430 + layer * 90 + r.nextInt(120) - 60;
            }
            xs[12] = 1200;
            ys[12] = 800;
            xs[13] = 0;
            ys[13] = 800;
            g.fillPolygon(xs, ys, 14);
        }
        g.dispose();
        Path file = dir.resolve(name);
        ImageIO.write(img, "jpeg", file.toFile());
        run(List.of(tool("exiftool"), "-q", "-overwrite_original", "-Make=" + make, "-Model=" + model, "-LensModel=" + lens,
                "-FNumber=2.8", "-ExposureTime=1/250", "-ISO=200", "-FocalLength=35",
                "-DateTimeOriginal=" + taken, "-OffsetTimeOriginal=" + offset, file.toString()));
        return file;
    }

    /** A two-second clip with sound-free test bars, H.264 in MP4. */
    static Path clip(Path dir, String name) throws Exception {
        Path file = dir.resolve(name);
        run(List.of(tool("ffmpeg"), "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=3:size=640x360:rate=25",
                "-pix_fmt", "yuv420p", "-movflags", "+faststart", file.toString()));
        return file;
    }

    private static String tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(name + " is required in CI (.ci/run installs it)");
        }
        Assumptions.abort(name + " is not installed; skipping the browser test");
        return name;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
    }
}
