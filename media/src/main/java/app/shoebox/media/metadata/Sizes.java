package app.shoebox.media.metadata;

import app.shoebox.media.Dimensions;
import app.shoebox.media.FileType;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.bmp.BmpHeaderDirectory;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.gif.GifHeaderDirectory;
import com.drew.metadata.heif.HeifDirectory;
import com.drew.metadata.jpeg.JpegDirectory;
import com.drew.metadata.photoshop.PsdHeaderDirectory;
import com.drew.metadata.png.PngDirectory;
import com.drew.metadata.webp.WebpDirectory;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The stored pixel size as exiftool's {@code ImageSize} gives it: the container's own header for
 * JPEG, PNG, GIF, WebP, BMP and PSD (never EXIF's copy, which editors leave stale); the largest
 * image of a HEIF (its grid, not a tile); a TIFF's first image; for raw files the largest image
 * any IFD declares (the raw data, not the preview in IFD0).
 */
final class Sizes {

    private static final Set<FileType> RAW = EnumSet.of(FileType.DNG, FileType.RAW_TIFF_BASED,
            FileType.RAF, FileType.CRW, FileType.MRW, FileType.X3F, FileType.CR3);
    private static final List<Entry> CONTAINERS = List.of(
            new Entry(JpegDirectory.class, JpegDirectory.TAG_IMAGE_WIDTH, JpegDirectory.TAG_IMAGE_HEIGHT),
            new Entry(PngDirectory.class, PngDirectory.TAG_IMAGE_WIDTH, PngDirectory.TAG_IMAGE_HEIGHT),
            new Entry(GifHeaderDirectory.class, GifHeaderDirectory.TAG_IMAGE_WIDTH, GifHeaderDirectory.TAG_IMAGE_HEIGHT),
            new Entry(WebpDirectory.class, WebpDirectory.TAG_IMAGE_WIDTH, WebpDirectory.TAG_IMAGE_HEIGHT),
            new Entry(BmpHeaderDirectory.class, BmpHeaderDirectory.TAG_IMAGE_WIDTH, BmpHeaderDirectory.TAG_IMAGE_HEIGHT),
            new Entry(PsdHeaderDirectory.class, PsdHeaderDirectory.TAG_IMAGE_WIDTH, PsdHeaderDirectory.TAG_IMAGE_HEIGHT));

    private record Entry(Class<? extends Directory> type, int width, int height) {
    }

    private Sizes() {
    }

    static Optional<Dimensions> of(Metadata m, FileType type) {
        if (type == FileType.TIFF) {
            // A TIFF's first image is the picture; EXIF's copy of its size may describe an older version.
            for (ExifIFD0Directory d : m.getDirectoriesOfType(ExifIFD0Directory.class)) {
                Optional<Dimensions> s = size(d, ExifDirectoryBase.TAG_IMAGE_WIDTH, ExifDirectoryBase.TAG_IMAGE_HEIGHT);
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        if (RAW.contains(type)) {
            Optional<Dimensions> largest = Optional.empty();
            for (ExifDirectoryBase d : m.getDirectoriesOfType(ExifDirectoryBase.class)) {
                largest = larger(largest, size(d, ExifDirectoryBase.TAG_IMAGE_WIDTH, ExifDirectoryBase.TAG_IMAGE_HEIGHT));
                if (d instanceof ExifSubIFDDirectory) {
                    largest = larger(largest, size(d, ExifDirectoryBase.TAG_EXIF_IMAGE_WIDTH, ExifDirectoryBase.TAG_EXIF_IMAGE_HEIGHT));
                }
            }
            if (largest.isPresent()) {
                return largest;
            }
        }
        Optional<Dimensions> heif = Optional.empty();
        for (HeifDirectory d : m.getDirectoriesOfType(HeifDirectory.class)) {
            heif = larger(heif, size(d, HeifDirectory.TAG_IMAGE_WIDTH, HeifDirectory.TAG_IMAGE_HEIGHT));
        }
        if (heif.isPresent()) {
            // metadata-extractor may size only a tile of a grid image; the EXIF size is the whole picture.
            for (ExifSubIFDDirectory d : m.getDirectoriesOfType(ExifSubIFDDirectory.class)) {
                heif = larger(heif, size(d, ExifDirectoryBase.TAG_EXIF_IMAGE_WIDTH, ExifDirectoryBase.TAG_EXIF_IMAGE_HEIGHT));
            }
            return heif;
        }
        for (Entry e : CONTAINERS) {
            for (Directory d : m.getDirectoriesOfType(e.type())) {
                Optional<Dimensions> s = size(d, e.width(), e.height());
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Dimensions> size(Directory d, int widthTag, int heightTag) {
        Integer w = d.getInteger(widthTag);
        Integer h = d.getInteger(heightTag);
        return w != null && h != null && w > 0 && h > 0 ? Optional.of(new Dimensions(w, h)) : Optional.empty();
    }

    private static Optional<Dimensions> larger(Optional<Dimensions> a, Optional<Dimensions> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isPresent() && b.get().pixels() > a.get().pixels() ? b : a;
    }
}
