package app.shoebox.media.thumbnails;

import app.shoebox.media.Dimensions;
import app.shoebox.media.FileType;
import app.shoebox.media.ImageHeader;
import app.shoebox.media.MediaException;
import app.shoebox.media.SourceCheck;
import app.shoebox.media.ProcessRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code vipsthumbnail} command, one process per output: the second path, for machines where
 * libvips cannot be loaded in-process. The preview is made from the source and the thumbnail from
 * the preview, so the source is decoded once. Each process is killed after the time limit.
 */
final class VipsThumbnailProcess implements Thumbnailer {

    private final Path vipsthumbnail;
    private final Path vipsheader;
    private final long pixelLimit;
    private final Duration timeout;
    private volatile long lastPeakRssKiB;

    VipsThumbnailProcess(Path vipsthumbnail, Path vipsheader, long pixelLimit, Duration timeout) {
        this.vipsthumbnail = vipsthumbnail;
        this.vipsheader = vipsheader;
        this.pixelLimit = pixelLimit;
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return "thumbnails: vipsthumbnail process (" + vipsthumbnail + "), WebP thumbnails, JPEG previews, "
                + timeout.toSeconds() + " s limit per process";
    }

    /**
     * Every libvips loader it marks unsafe for untrusted files is blocked in the child, ImageMagick's
     * included (a process cannot be given {@link LibVips#TRUSTED_LOADERS} as a list, but this blocks
     * the same dangerous ones: magickload, svgload, pdfload, jxlload, jp2kload, ...).
     */
    static final Map<String, String> BLOCK_UNTRUSTED = Map.of("VIPS_BLOCK_UNTRUSTED", "1");

    @Override
    public java.util.Optional<String> libvipsVersion() {
        // "libvips 8.14.1"
        return app.shoebox.media.NativeTools.version(vipsheader, "--vips-version",
                java.util.regex.Pattern.compile("libvips (\\S+)"));
    }

    @Override
    public boolean canDecode(FileType type) {
        return LibVips.TRUSTED_TYPES.contains(type);
    }

    /** Peak resident memory of the last vipsthumbnail process, in KiB (sampled; for the benchmark). */
    long lastPeakRssKiB() {
        return lastPeakRssKiB;
    }

    @Override
    public Thumbnails generate(Path source, FileType type, Path outDir, String baseName) throws MediaException {
        // libvips picks its loader from the bytes: only bytes that one of its trusted loaders reads go in.
        FileType actual = type.decodeAs(SourceCheck.head(source));
        if (!canDecode(actual)) {
            SourceCheck.check(source, type);
            throw Thumbnailers.untrusted(source, actual);
        }
        Prepared p = Prepared.check(source, actual, outDir, baseName, ThumbnailFormat.WEBP, pixelLimit, true);
        try {
            Dimensions stored = p.stored().isPresent() ? p.stored().get() : headerSize(p);
            long peak = run(p.decodable(), PREVIEW_SIZE, p.preview() + "[Q=80,optimize_coding,strip,background=255]", source, true);
            // The preview is upright and has no orientation tag left: thumbnail it as it is.
            peak = Math.max(peak, run(p.preview(), THUMBNAIL_SIZE, p.thumbnail() + "[Q=80,strip]", source, false));
            lastPeakRssKiB = peak;
            Dimensions previewSize = Prepared.sizeOf(p.preview(), source);
            Dimensions upright = Prepared.uprightLike(stored, previewSize);
            return new Thumbnails(p.thumbnail(), p.preview(), upright.width(), upright.height(),
                    Prepared.sizeOf(p.thumbnail(), source), previewSize, ThumbnailFormat.WEBP);
        } finally {
            p.cleanUp();
        }
    }

    private long run(Path in, int size, String out, Path source, boolean fromSource) throws MediaException {
        // Our own preview is sRGB already and carries no profile: converting it again would only
        // cost time (an lcms pass over every pixel).
        var result = ProcessRunner.run(command(in, size, out, fromSource), BLOCK_UNTRUSTED, timeout, source);
        if (fromSource && !result.succeeded() && result.stderr().contains("compatible input profile")) {
            // An embedded profile that does not fit the pixels (a grey JPEG with an RGB profile):
            // ignored, the pixels taken as they are, as on the in-process path.
            result = ProcessRunner.run(command(in, size, out, false), BLOCK_UNTRUSTED, timeout, source);
        }
        String stderr = result.stderr();
        if (!result.succeeded()) {
            // Writing the output, or reading our own preview back, is not the source's fault:
            // the disk may come back, so that is worth a retry.
            boolean output = !fromSource || stderr.contains("for write") || stderr.contains("unable to write")
                    || stderr.contains(out.substring(0, out.indexOf('[') < 0 ? out.length() : out.indexOf('[')));
            throw new MediaException(output ? MediaException.Reason.IO : MediaException.Reason.CORRUPT, source,
                    source + (output ? ": vipsthumbnail could not write " + out + ": " : " could not be thumbnailed by vipsthumbnail: ")
                            + firstError(stderr));
        }
        // vipsthumbnail has no --fail-on: a truncated file "succeeds" with grey where the data
        // stopped and a warning. The in-process path fails on truncation; do the same here.
        String lower = stderr.toLowerCase(Locale.ROOT);
        if (fromSource && (lower.contains("premature end") || lower.contains("truncated"))) {
            throw new MediaException(MediaException.Reason.CORRUPT, source,
                    source + " is truncated (" + firstError(stderr) + "); the file is incomplete");
        }
        return result.peakRssKiB();
    }

    private List<String> command(Path in, int size, String out, boolean toSrgb) {
        List<String> command = new java.util.ArrayList<>(List.of(vipsthumbnail.toString(), in.toString(), "--size", size + "x" + size + ">"));
        if (toSrgb) {
            command.addAll(List.of("--export-profile", "srgb"));
        }
        command.addAll(List.of("-o", out));
        return command;
    }

    private Dimensions headerSize(Prepared p) throws MediaException {
        var result = ProcessRunner.run(List.of(vipsheader.toString(), "-f", "width", p.decodable().toString()),
                BLOCK_UNTRUSTED, timeout, p.source());
        String[] lines = result.stdout().strip().split("\\s+");
        if (!result.succeeded() || lines.length < 1) {
            throw new MediaException(MediaException.Reason.CORRUPT, p.source(),
                    p.source() + " is not a readable image: " + firstError(result.stderr()));
        }
        // vipsheader prints one field per file; ask twice rather than parse its full output.
        var height = ProcessRunner.run(List.of(vipsheader.toString(), "-f", "height", p.decodable().toString()),
                BLOCK_UNTRUSTED, timeout, p.source());
        try {
            Dimensions d = new Dimensions(Integer.parseInt(lines[0]), Integer.parseInt(height.stdout().strip()));
            if (d.pixels() > pixelLimit) {
                throw ImageHeader.tooLarge(p.source(), d, pixelLimit);
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new MediaException(MediaException.Reason.CORRUPT, p.source(), p.source() + " has no readable size", e);
        }
    }

    // "(vipsthumbnail:8833): VIPS-WARNING **: 05:05:54.268: " before each warning.
    private static final java.util.regex.Pattern GLIB_PREFIX = java.util.regex.Pattern.compile("^\\(vips\\w*:\\d+\\): [\\w-]+ \\*\\*: [\\d:.]+: ");

    /** The lines of stderr that say what went wrong, without GLib's warning decoration. */
    private static String firstError(String stderr) {
        String joined = stderr.lines().map(l -> GLIB_PREFIX.matcher(l.strip()).replaceFirst(""))
                .filter(l -> !l.isEmpty() && !l.startsWith("read gave"))
                .collect(java.util.stream.Collectors.joining("; "));
        return joined.isEmpty() ? "no message" : joined;
    }
}
