package app.shoebox.media.thumbnails;

import app.shoebox.media.Dimensions;
import app.shoebox.media.FileType;
import app.shoebox.media.ImageHeader;
import app.shoebox.media.MediaException;
import app.shoebox.media.Orientation;
import app.shoebox.media.SourceCheck;

import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Pure Java (ImageIO with the TwelveMonkeys readers), for machines without libvips, and for BMP and
 * Photoshop files, which libvips reads only through ImageMagick. Reads JPEG, PNG, GIF, BMP, TIFF,
 * WebP and PSD; not HEIC/AVIF/JXL, which need libvips. Writes JPEG only: there is no pure-Java WebP
 * encoder here.
 */
final class ImageIoThumbnailer implements Thumbnailer {

    private static final Set<FileType> READABLE = EnumSet.of(FileType.JPEG, FileType.PNG, FileType.GIF, FileType.BMP,
            FileType.TIFF, FileType.WEBP, FileType.PSD);

    private final long pixelLimit;

    ImageIoThumbnailer(long pixelLimit) {
        this.pixelLimit = pixelLimit;
        ImageIO.setUseCache(false);
    }

    @Override
    public String describe() {
        return "thumbnails: pure Java (ImageIO + TwelveMonkeys), JPEG thumbnails and previews; "
                + "HEIC, AVIF and JPEG XL need libvips (install libvips42)";
    }

    @Override
    public boolean canDecode(FileType type) {
        return READABLE.contains(type);
    }

    @Override
    public Thumbnails generate(Path source, FileType type, Path outDir, String baseName) throws MediaException {
        if (!canDecode(type)) {
            SourceCheck.check(source, type);
            throw new MediaException(MediaException.Reason.UNSUPPORTED, source, source + " is " + type.mimeType()
                    + ", which the pure-Java image path cannot decode; install libvips (libvips42) to get its thumbnails");
        }
        Prepared p = Prepared.check(source, type, outDir, baseName, ThumbnailFormat.JPEG, pixelLimit, false);
        BufferedImage decoded = decode(source, p.orientation());
        BufferedImage preview = upright(fit(decoded, PREVIEW_SIZE), p.orientation());
        BufferedImage small = fit(preview, THUMBNAIL_SIZE);
        write(preview, p.preview(), source);
        write(small, p.thumbnail(), source);
        Dimensions stored = p.stored().orElseGet(() -> new Dimensions(decoded.getWidth(), decoded.getHeight()));
        Dimensions upright = Prepared.displayed(stored, p.orientation());
        return new Thumbnails(p.thumbnail(), p.preview(), upright.width(), upright.height(),
                new Dimensions(small.getWidth(), small.getHeight()), new Dimensions(preview.getWidth(), preview.getHeight()),
                ThumbnailFormat.JPEG);
    }

    /**
     * Decodes, subsampled while reading when the image is at least twice the preview size: keeping
     * every second pixel of a 12 MP JPEG (4000 to 2000 px wide) skips a quarter-size colour conversion
     * and a 48 MB buffer, and the preview is scaled smoothly from what is left.
     */
    private BufferedImage decode(Path source, Optional<Orientation> orientation) throws MediaException {
        try (ImageInputStream in = ImageIO.createImageInputStream(source.toFile())) {
            if (in == null) {
                throw SourceCheck.io(source, "opening", new IOException("no image input stream"));
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new MediaException(MediaException.Reason.CORRUPT, source, source + " is not an image ImageIO can read");
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
                Dimensions d = new Dimensions(reader.getWidth(0), reader.getHeight(0));
                if (d.pixels() > pixelLimit) {
                    throw ImageHeader.tooLarge(source, d, pixelLimit);
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, d.longEdge() / PREVIEW_SIZE);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage image = reader.read(0, param);
                for (String w : warnings) {
                    String lower = w.toLowerCase(Locale.ROOT);
                    // A truncated file decodes with grey where the data stopped: refuse it, as libvips does.
                    if (lower.contains("premature end") || lower.contains("truncat")) {
                        throw new MediaException(MediaException.Reason.CORRUPT, source,
                                source + " is truncated (" + w + "); the file is incomplete");
                    }
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IIOException | EOFException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new MediaException(MediaException.Reason.CORRUPT, source,
                    source + " could not be decoded: " + e.getMessage() + "; the file is corrupt or truncated", e);
        } catch (IOException e) {
            throw SourceCheck.parseFailure(source, "ImageIO", e);
        }
    }

    /** Scales so the long edge is at most {@code size}, halving first for quality, never enlarging. */
    static BufferedImage fit(BufferedImage image, int size) {
        int w = image.getWidth();
        int h = image.getHeight();
        double scale = Math.min(1.0, (double) size / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * scale));
        int th = Math.max(1, (int) Math.round(h * scale));
        BufferedImage current = rgb(image);
        // Bilinear from far above the target skips pixels (aliasing); halving steps average them.
        while (current.getWidth() / 2 >= tw && current.getHeight() / 2 >= th) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2, new AffineTransform());
        }
        if (current.getWidth() != tw || current.getHeight() != th) {
            current = draw(current, tw, th, new AffineTransform());
        }
        return current;
    }

    /** Turns the image upright according to its EXIF orientation. */
    static BufferedImage upright(BufferedImage image, Optional<Orientation> orientation) {
        if (orientation.isEmpty() || orientation.get() == Orientation.NORMAL) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        AffineTransform t = new AffineTransform();
        switch (orientation.get()) {
            case MIRROR_HORIZONTAL -> { t.translate(w, 0); t.scale(-1, 1); }
            case ROTATE_180 -> { t.translate(w, h); t.rotate(Math.PI); }
            case MIRROR_VERTICAL -> { t.translate(0, h); t.scale(1, -1); }
            case TRANSPOSE -> { t.rotate(-Math.PI / 2); t.scale(-1, 1); }
            case ROTATE_90_CW -> { t.translate(h, 0); t.rotate(Math.PI / 2); }
            case TRANSVERSE -> { t.translate(h, w); t.scale(-1, -1); t.rotate(-Math.PI / 2); t.scale(-1, 1); }
            case ROTATE_270_CW -> { t.translate(0, w); t.rotate(-Math.PI / 2); }
            default -> { }
        }
        boolean swap = orientation.get().swapsDimensions();
        return draw(image, swap ? h : w, swap ? w : h, t, true);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h, AffineTransform t) {
        return draw(src, w, h, t, false);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h, AffineTransform t, boolean exact) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
                    exact ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            if (exact) {
                g.drawImage(src, t, null);
            } else {
                g.drawImage(src, 0, 0, w, h, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Opaque RGB: transparent areas become white, as on a light page, instead of JPEG's black. */
    private static BufferedImage rgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void write(BufferedImage image, Path target, Path source) throws MediaException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(tmp))) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.8f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw SourceCheck.io(target, "writing the thumbnail of " + source + " to", e);
        } finally {
            writer.dispose();
        }
        try {
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw SourceCheck.io(target, "writing the thumbnail of " + source + " to", e);
        }
    }
}
