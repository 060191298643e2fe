package app.shoebox.media.thumbnails;

import app.shoebox.media.FileType;
import app.shoebox.media.ImageHeader;
import app.shoebox.media.MediaException;
import app.shoebox.media.NativeTools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the thumbnail paths this machine offers and picks the best: libvips in-process, then the
 * {@code vipsthumbnail} process, then pure Java. Say {@link Thumbnailer#describe()} in the start-up log.
 */
public final class Thumbnailers {

    /** Per process (vipsthumbnail, vipsheader): a 12 MP photo takes well under a second. */
    public static final Duration DEFAULT_PROCESS_TIMEOUT = Duration.ofSeconds(60);

    /**
     * What every path refuses: images with more pixels than {@code pixelLimit} (checked on the header,
     * before decoding), and tool processes running longer than {@code processTimeout}.
     */
    public record Limits(long pixelLimit, Duration processTimeout) {
        public static final Limits DEFAULT = new Limits(ImageHeader.DEFAULT_PIXEL_LIMIT, DEFAULT_PROCESS_TIMEOUT);

        public Limits {
            if (pixelLimit <= 0 || processTimeout.isNegative() || processTimeout.isZero()) {
                throw new IllegalArgumentException("limits must be positive: " + pixelLimit + " pixels, " + processTimeout);
            }
        }
    }

    private static volatile LibVips.Result libvips;

    private Thumbnailers() {
    }

    /** The fastest path available here, with the default limits. Pure Java is always available. */
    public static Thumbnailer best() {
        return best(Limits.DEFAULT);
    }

    /**
     * libvips (in-process, else the process) for what its trusted loaders read, the pure-Java path
     * for what only it reads (BMP); pure Java alone without libvips.
     */
    public static Thumbnailer best(Limits limits) {
        Thumbnailer java = imageIo(limits);
        return ffm(limits).or(() -> vipsthumbnail(limits)).<Thumbnailer>map(v -> new Routed(v, java)).orElse(java);
    }

    /** The permanent failure for a type no decoder this installation trusts with uploaded files reads. */
    static MediaException untrusted(Path source, FileType type) {
        return new MediaException(MediaException.Reason.UNSUPPORTED, source, source + " is " + type.mimeType()
                + ", which libvips reads only with a loader Shoebox does not let it use on uploaded files (ImageMagick, "
                + "or one libvips marks unsafe for untrusted input); the original is kept, without a thumbnail");
    }

    /** One path for the types it reads, a second for those only the second reads. */
    record Routed(Thumbnailer first, Thumbnailer second) implements Thumbnailer {
        @Override
        public String describe() {
            List<String> viaSecond = java.util.Arrays.stream(FileType.values())
                    .filter(t -> t.kind() == app.shoebox.media.MediaKind.IMAGE && !first.canDecode(t) && second.canDecode(t))
                    .map(t -> t.extensions().getFirst()).toList();
            return first.describe() + (viaSecond.isEmpty() ? "" : "; " + String.join(", ", viaSecond) + " through the pure-Java path");
        }

        @Override
        public boolean canDecode(FileType type) {
            return first.canDecode(type) || second.canDecode(type);
        }

        @Override
        public java.util.Optional<String> libvipsVersion() {
            return first.libvipsVersion().or(second::libvipsVersion);
        }

        /** Chosen by what the bytes are: a BMP named {@code .jpg} goes where BMP goes. */
        @Override
        public Thumbnails generate(Path source, FileType type, Path outDir, String baseName) throws MediaException {
            FileType actual = type.decodeAs(app.shoebox.media.SourceCheck.head(source));
            return (first.canDecode(actual) || !second.canDecode(actual) ? first : second).generate(source, type, outDir, baseName);
        }
    }

    /** Every path available here, fastest first (for tests and the benchmark). */
    public static List<Thumbnailer> available() {
        List<Thumbnailer> all = new ArrayList<>();
        ffm().ifPresent(all::add);
        vipsthumbnail().ifPresent(all::add);
        all.add(imageIo());
        return all;
    }

    /** libvips through FFM, when {@code libvips.so.42} loads and initialises. */
    public static Optional<Thumbnailer> ffm() {
        return ffm(Limits.DEFAULT);
    }

    public static Optional<Thumbnailer> ffm(Limits limits) {
        return loadLibVips().vips().map(v -> new FfmThumbnailer(v, limits.pixelLimit()));
    }

    /** Why the in-process path is not available, or empty when it is. */
    public static Optional<String> whyNoFfm() {
        LibVips.Result r = loadLibVips();
        return r.vips().isPresent() ? Optional.empty() : Optional.of(r.whyNot());
    }

    /** The vipsthumbnail process, when it and vipsheader (both in libvips-tools) are on the PATH. */
    public static Optional<Thumbnailer> vipsthumbnail() {
        return vipsthumbnail(Limits.DEFAULT);
    }

    public static Optional<Thumbnailer> vipsthumbnail(Limits limits) {
        var header = NativeTools.find("vipsheader");
        return NativeTools.find("vipsthumbnail").flatMap(p -> header.map(h -> new VipsThumbnailProcess(p, h,
                limits.pixelLimit(), limits.processTimeout())));
    }

    /** Pure Java; JPEG output. */
    public static Thumbnailer imageIo() {
        return imageIo(Limits.DEFAULT);
    }

    public static Thumbnailer imageIo(Limits limits) {
        return new ImageIoThumbnailer(limits.pixelLimit());
    }

    /** Peak resident memory of the last vipsthumbnail run of {@code t} in KiB, 0 for other paths. */
    public static long lastProcessPeakRssKiB(Thumbnailer t) {
        return t instanceof VipsThumbnailProcess p ? p.lastPeakRssKiB() : 0;
    }

    /**
     * The most pixel memory in-process libvips has held at once since start-up, in bytes (its tracked
     * buffers, not the decoders' own small allocations); empty when libvips is not loaded.
     */
    public static Optional<Long> libvipsMemoryHighWater() {
        LibVips.Result r = libvips;
        return r == null ? Optional.empty() : r.vips().map(LibVips::memoryHighWater);
    }

    // libvips is initialised once per process; vips_init is not meant to be called again.
    private static synchronized LibVips.Result loadLibVips() {
        if (libvips == null) {
            libvips = LibVips.load();
        }
        return libvips;
    }
}
