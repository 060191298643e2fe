package app.shoebox.media.thumbnails;

import app.shoebox.media.Dimensions;

import java.nio.file.Path;

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
 */
public record Thumbnails(Path thumbnailPath, Path previewPath, int width, int height, Dimensions thumbnailSize,
                         Dimensions previewSize, ThumbnailFormat thumbnailFormat) {
}
