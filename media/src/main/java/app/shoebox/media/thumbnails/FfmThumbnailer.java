package app.shoebox.media.thumbnails;

import app.shoebox.media.Dimensions;
import app.shoebox.media.FileType;
import app.shoebox.media.ImageHeader;
import app.shoebox.media.MediaException;
import app.shoebox.media.SourceCheck;

import java.nio.file.Path;

/**
 * libvips in this process, through {@link LibVips}. The fastest path: one shrink-on-load decode,
 * rendered once into memory, from which both outputs are written; no process start-up.
 *
 * <p>A crash inside libvips (a decoder bug on a hostile file) takes the JVM with it, which is why
 * the server runs media jobs in a worker process. Failures libvips reports are exceptions here.
 */
final class FfmThumbnailer implements Thumbnailer {

    private final LibVips vips;
    private final long pixelLimit;

    FfmThumbnailer(LibVips vips, long pixelLimit) {
        this.vips = vips;
        this.pixelLimit = pixelLimit;
    }

    @Override
    public String describe() {
        return "thumbnails: libvips " + vips.version() + " in-process (FFM), WebP thumbnails, JPEG previews";
    }

    @Override
    public java.util.Optional<String> libvipsVersion() {
        return java.util.Optional.of(vips.version());
    }

    /** The types a loader libvips may use reads ({@link LibVips#TRUSTED_LOADERS}). */
    @Override
    public boolean canDecode(FileType type) {
        return LibVips.TRUSTED_TYPES.contains(type);
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
            return vips.exactly(() -> render(p));
        } catch (LibVips.VipsError e) {
            if (e.writing) {
                // The source decoded; writing failed (disk full, permissions): worth retrying later.
                throw new MediaException(MediaException.Reason.IO, source,
                        "writing the thumbnails of " + source + " failed: " + e.getMessage(), e);
            }
            throw new MediaException(MediaException.Reason.CORRUPT, source,
                    source + " could not be decoded by libvips: " + e.getMessage() + "; the file is corrupt or truncated", e);
        } catch (Failed e) {
            throw e.failure;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new MediaException(MediaException.Reason.IO, source, "libvips call failed on " + source + ": " + e, e);
        } finally {
            p.cleanUp();
        }
    }

    /** Both outputs from one decode; repeatable, as {@link LibVips#exactly} needs. */
    private Thumbnails render(Prepared p) throws Throwable {
        Header header = header(p);
        // The preview is rendered into memory first: writing it and then thumbnailing the lazy
        // pipeline again would decode the source twice.
        try (var lazy = vips.thumbnail(p.decodable().toString(), PREVIEW_SIZE, header.toSrgb());
             var preview = vips.copyMemory(lazy)) {
            // JPEG has no alpha: transparent areas become white, as on the pure-Java path.
            vips.write(preview, p.preview() + "[Q=80,optimize_coding,strip,background=255]");
            try (var small = vips.thumbnail(preview, THUMBNAIL_SIZE);
                 var forHashes = vips.thumbnail(preview, Thumbnails.HASH_IMAGE_SIZE)) {
                vips.write(small, p.thumbnail() + "[Q=80,strip]");
                Dimensions previewSize = new Dimensions(preview.width(), preview.height());
                Dimensions upright = Prepared.uprightLike(header.stored(), previewSize);
                // The hashes' pixels come from memory: decoding the preview file again for them cost
                // about a tenth of the thumbnail step (docs/media.md, "A whole import against vipsthumbnail").
                return new Thumbnails(p.thumbnail(), p.preview(), upright.width(), upright.height(),
                        new Dimensions(small.width(), small.height()), previewSize, ThumbnailFormat.WEBP,
                        vips.argb(forHashes).map(FfmThumbnailer::image));
            }
        }
    }

    private static java.awt.image.BufferedImage image(LibVips.Argb argb) {
        var image = new java.awt.image.BufferedImage(argb.width(), argb.height(), java.awt.image.BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, argb.width(), argb.height(), argb.pixels(), 0, argb.width());
        return image;
    }

    /** The stored size (metadata-extractor's where it read one) and whether the pixels go through their ICC profile to sRGB. */
    private record Header(Dimensions stored, boolean toSrgb) {}

    /**
     * libvips' own view of the header: it decides which profile it would convert from, and sizes the
     * formats metadata-extractor does not ({@link Prepared#check} held those it did to the limit).
     * Decodes no pixels.
     */
    private Header header(Prepared p) throws Throwable {
        try (var header = vips.open(p.decodable().toString())) {
            if (p.stored().isPresent()) {
                return new Header(p.stored().get(), header.needsConversionToSrgb());
            }
            Dimensions d = new Dimensions(header.width(), header.height());
            if (d.pixels() > pixelLimit) {
                throw new Failed(ImageHeader.tooLarge(p.source(), d, pixelLimit));
            }
            return new Header(d, header.needsConversionToSrgb());
        }
    }

    /** Carries a finished {@link MediaException} through the Throwable-typed native calls. */
    private static final class Failed extends Exception {
        final MediaException failure;

        Failed(MediaException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }
}
