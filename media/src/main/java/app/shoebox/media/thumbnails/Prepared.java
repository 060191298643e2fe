package app.shoebox.media.thumbnails;

import app.shoebox.media.Dimensions;
import app.shoebox.media.FileType;
import app.shoebox.media.ImageHeader;
import app.shoebox.media.MediaException;
import app.shoebox.media.Orientation;
import app.shoebox.media.SourceCheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The checks and names every thumbnail path shares: the source is there, not empty, what its type
 * says and within the pixel limit; where the outputs go.
 */
record Prepared(Path source, Path decodable, Optional<Dimensions> stored, Optional<Orientation> orientation,
                Path thumbnail, Path preview) {

    /** {@code forLibvips}: the source is handed to libvips by name, so it needs a bracket-free one. */
    static Prepared check(Path source, FileType type, Path outDir, String baseName, ThumbnailFormat thumbnailFormat,
                          long pixelLimit, boolean forLibvips) throws MediaException {
        if (baseName.isEmpty() || baseName.matches(".*[\\[\\]/\\\\].*")) {
            throw new IllegalArgumentException("baseName must be a plain file name: " + baseName);
        }
        SourceCheck.check(source, type);
        Optional<Dimensions> stored = Optional.empty();
        Optional<Orientation> orientation = Optional.empty();
        // For the formats metadata-extractor does not parse, each path asks its own decoder for the
        // header before decoding.
        if (ImageHeader.parses(type)) {
            ImageHeader header = ImageHeader.read(source).requireWithin(pixelLimit, source);
            stored = header.dimensions();
            orientation = header.orientation();
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw SourceCheck.io(outDir, "creating", e);
        }
        Path thumbnail = outDir.resolve(baseName + "-thumbnail." + thumbnailFormat.extension()).toAbsolutePath();
        Path preview = outDir.resolve(baseName + "-preview.jpeg").toAbsolutePath();
        Path decodable = forLibvips ? decodable(source, outDir, baseName) : source.toAbsolutePath();
        return new Prepared(source, decodable, stored, orientation, thumbnail, preview);
    }

    /**
     * libvips reads {@code name[options]} in file names, so a source path with brackets would be
     * misread: give it a bracket-free link instead.
     */
    private static Path decodable(Path source, Path outDir, String baseName) throws MediaException {
        Path abs = source.toAbsolutePath();
        if (abs.toString().indexOf('[') < 0 && abs.toString().indexOf(']') < 0) {
            return abs;
        }
        Path link = outDir.resolve(baseName + "-source").toAbsolutePath();
        try {
            Files.deleteIfExists(link);
            return Files.createSymbolicLink(link, abs);
        } catch (IOException e) {
            throw SourceCheck.io(source, "linking", e);
        }
    }

    /** Removes the bracket-free link, if one was made. */
    void cleanUp() {
        if (!decodable.equals(source.toAbsolutePath())) {
            try {
                Files.deleteIfExists(decodable);
            } catch (IOException e) {
                // A stale link is harmless; the next run replaces it.
            }
        }
    }

    /** The original's size as displayed, from the stored size and the orientation. */
    static Dimensions displayed(Dimensions stored, Optional<Orientation> orientation) {
        return orientation.filter(Orientation::swapsDimensions).isPresent() ? stored.transposed() : stored;
    }

    /**
     * The original's displayed size, judged by the upright preview libvips made: libvips knows
     * better than the EXIF tag whether a turn was needed (libheif, for one, turns HEIC images itself).
     */
    static Dimensions uprightLike(Dimensions stored, Dimensions preview) {
        boolean storedPortrait = stored.height() > stored.width();
        boolean previewPortrait = preview.height() > preview.width();
        return stored.width() != stored.height() && storedPortrait != previewPortrait ? stored.transposed() : stored;
    }

    /** The size of an image written by a path, read back from its header. */
    static Dimensions sizeOf(Path output, Path source) throws MediaException {
        return ImageHeader.read(output).dimensions().orElseThrow(() -> new MediaException(MediaException.Reason.IO, source,
                "the thumbnail " + output + " of " + source + " was written without a readable size"));
    }
}
