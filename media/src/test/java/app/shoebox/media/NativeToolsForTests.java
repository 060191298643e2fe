package app.shoebox.media;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.fail;

/** Tests that need a native tool skip when it is missing, and fail instead when CI=true. */
public final class NativeToolsForTests {

    private NativeToolsForTests() {
    }

    public static Path require(String tool) {
        var found = NativeTools.find(tool);
        if (found.isEmpty()) {
            missing(tool + " is not installed");
        }
        return found.orElseThrow();
    }

    public static void missing(String what) {
        if ("true".equals(System.getenv("CI"))) {
            fail(what + " (CI=true: native tools are required)");
        }
        Assumptions.abort(what + "; skipped (install it, or set CI=true to make this a failure)");
    }

    /** One thumbnail path by name ("ffm", "vipsthumbnail", "imageio", or "best", what the server uses); skips (or fails on CI) when it is missing. */
    public static app.shoebox.media.thumbnails.Thumbnailer thumbnailer(String name) {
        return switch (name) {
            case "ffm" -> app.shoebox.media.thumbnails.Thumbnailers.ffm().orElseGet(() -> {
                missing("libvips cannot be loaded in-process: "
                        + app.shoebox.media.thumbnails.Thumbnailers.whyNoFfm().orElse(""));
                return null;
            });
            case "vipsthumbnail" -> app.shoebox.media.thumbnails.Thumbnailers.vipsthumbnail().orElseGet(() -> {
                missing("vipsthumbnail is not installed");
                return null;
            });
            case "imageio" -> app.shoebox.media.thumbnails.Thumbnailers.imageIo();
            case "best" -> app.shoebox.media.thumbnails.Thumbnailers.best();
            default -> throw new IllegalArgumentException(name + " is not a thumbnail path");
        };
    }

    /** Runs a command that must succeed (test fixtures: exiftool, ffmpeg, vips). */
    public static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
