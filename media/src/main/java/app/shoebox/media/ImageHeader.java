package app.shoebox.media;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.bmp.BmpHeaderDirectory;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.gif.GifHeaderDirectory;
import com.drew.metadata.heif.HeifDirectory;
import com.drew.metadata.jpeg.JpegDirectory;
import com.drew.metadata.png.PngDirectory;
import com.drew.metadata.webp.WebpDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an image's header says, read without decoding any pixels (metadata-extractor parses the
 * container only). This is where decompression bombs are stopped: the pixel count is checked here,
 * before any decoder allocates a buffer for it.
 */
public record ImageHeader(Optional<Dimensions> dimensions, Optional<Orientation> orientation, Metadata metadata) {

    /**
     * The default pixel limit: 0x3FFF x 0x3FFF (268 MP), the limit sharp and Immich use. Large enough for
     * 200 MP phone photos and stitched panoramas, small enough that one decode cannot exhaust memory.
     */
    public static final long DEFAULT_PIXEL_LIMIT = 0x3FFFL * 0x3FFFL;

    // Where each container keeps its pixel size, first match wins: the container's own header is
    // the truth; EXIF's copy is only a fallback (editors often leave it stale).
    private static final List<Map.Entry<Class<? extends Directory>, int[]>> SIZE_TAGS = List.of(
            Map.entry(JpegDirectory.class, new int[] {JpegDirectory.TAG_IMAGE_WIDTH, JpegDirectory.TAG_IMAGE_HEIGHT}),
            Map.entry(PngDirectory.class, new int[] {PngDirectory.TAG_IMAGE_WIDTH, PngDirectory.TAG_IMAGE_HEIGHT}),
            Map.entry(GifHeaderDirectory.class, new int[] {GifHeaderDirectory.TAG_IMAGE_WIDTH, GifHeaderDirectory.TAG_IMAGE_HEIGHT}),
            Map.entry(WebpDirectory.class, new int[] {WebpDirectory.TAG_IMAGE_WIDTH, WebpDirectory.TAG_IMAGE_HEIGHT}),
            Map.entry(BmpHeaderDirectory.class, new int[] {BmpHeaderDirectory.TAG_IMAGE_WIDTH, BmpHeaderDirectory.TAG_IMAGE_HEIGHT}),
            Map.entry(HeifDirectory.class, new int[] {HeifDirectory.TAG_IMAGE_WIDTH, HeifDirectory.TAG_IMAGE_HEIGHT}),
            Map.entry(ExifIFD0Directory.class, new int[] {ExifDirectoryBase.TAG_IMAGE_WIDTH, ExifDirectoryBase.TAG_IMAGE_HEIGHT}),
            Map.entry(ExifSubIFDDirectory.class, new int[] {ExifDirectoryBase.TAG_EXIF_IMAGE_WIDTH, ExifDirectoryBase.TAG_EXIF_IMAGE_HEIGHT}));

    // The image formats metadata-extractor parses and sizes. For the others (JXL, AVIF, JP2,
    // most raw formats) a parse failure says nothing about the file, only about the library.
    private static final java.util.Set<FileType> PARSED = java.util.EnumSet.of(FileType.JPEG, FileType.PNG, FileType.GIF,
            FileType.WEBP, FileType.BMP, FileType.TIFF, FileType.HEIC, FileType.HEIF);

    /** Whether {@link #read} understands this format, so that a failure to parse it means a broken file. */
    public static boolean parses(FileType type) {
        return PARSED.contains(type);
    }

    /**
     * Reads the header of {@code file}. A file whose container cannot be parsed at all is a permanent
     * failure; a container without a size (some formats metadata-extractor does not size) gives an
     * empty {@link #dimensions()} and leaves the check to the decoder.
     */
    public static ImageHeader read(Path file) throws MediaException {
        Metadata metadata;
        try {
            metadata = ImageMetadataReader.readMetadata(file.toFile());
        } catch (ImageProcessingException | RuntimeException e) {
            throw new MediaException(MediaException.Reason.CORRUPT, file,
                    file + " is not a readable image or video (" + e.getMessage() + "); the file is corrupt or mislabelled", e);
        } catch (IOException e) {
            throw SourceCheck.parseFailure(file, "the metadata parser", e);
        }
        return new ImageHeader(dimensionsOf(metadata), orientationOf(metadata), metadata);
    }

    /** Throws a permanent failure when the header claims more than {@code pixelLimit} pixels. */
    public ImageHeader requireWithin(long pixelLimit, Path file) throws MediaException {
        Optional<Dimensions> d = dimensions;
        if (d.isPresent() && d.get().pixels() > pixelLimit) {
            throw tooLarge(file, d.get(), pixelLimit);
        }
        return this;
    }

    public static MediaException tooLarge(Path file, Dimensions d, long pixelLimit) {
        return new MediaException(MediaException.Reason.TOO_LARGE, file, file + " claims " + d + " pixels ("
                + d.pixels() / 1_000_000 + " MP), more than the limit of " + pixelLimit / 1_000_000
                + " MP; refusing to decode it (a decompression bomb or a damaged header)");
    }

    public static Optional<Dimensions> dimensionsOf(Metadata metadata) {
        for (var entry : SIZE_TAGS) {
            for (Directory dir : metadata.getDirectoriesOfType(entry.getKey())) {
                Integer w = dir.getInteger(entry.getValue()[0]);
                Integer h = dir.getInteger(entry.getValue()[1]);
                if (w != null && h != null && w > 0 && h > 0) {
                    return Optional.of(new Dimensions(w, h));
                }
            }
        }
        return Optional.empty();
    }

    public static Optional<Orientation> orientationOf(Metadata metadata) {
        for (Directory dir : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
            Integer o = dir.getInteger(ExifDirectoryBase.TAG_ORIENTATION);
            if (o != null) {
                return Orientation.fromExif(o);
            }
        }
        return Optional.empty();
    }
}
