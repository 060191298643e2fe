package app.shoebox.media.thumbnails;

import app.shoebox.media.Dimensions;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The two images made for one photo (or video poster).
 *
 * @param thumbnailPath   the small one, long edge {@link Thumbnailer#THUMBNAIL_SIZE} (or the original's, if smaller)
 * @param previewPath     the JPEG preview, long edge {@link Thumbnailer#PREVIEW_SIZE} (or the original's, if smaller)
 * @param width           the original's width as displayed (EXIF orientation applied)
 * @param height          the original's height as displayed
 * @param thumbnailSize   the thumbnail's pixel size
 * @param previewSize     the preview's pixel size
 * @param thumbnailFormat WebP where libvips made it, JPEG otherwise; the preview is always JPEG
 * @param hashImage       the preview shrunk to at most {@link #HASH_IMAGE_SIZE} pixels on a side, from the
 *                        pixels the preview was written from, for the perceptual hash and the thumbhash;
 *                        empty where the path has none at hand (the preview file is then decoded for them)
 */
public record Thumbnails(Path thumbnailPath, Path previewPath, int width, int height, Dimensions thumbnailSize,
                         Dimensions previewSize, ThumbnailFormat thumbnailFormat, Optional<BufferedImage> hashImage) {

    /** The long edge of {@link #hashImage}: all a thumbhash encodes, and more than the 32x32 of the perceptual hash. */
    public static final int HASH_IMAGE_SIZE = 100;

    public Thumbnails(Path thumbnailPath, Path previewPath, int width, int height, Dimensions thumbnailSize,
                      Dimensions previewSize, ThumbnailFormat thumbnailFormat) {
        this(thumbnailPath, previewPath, width, height, thumbnailSize, previewSize, thumbnailFormat, Optional.empty());
    }
}
