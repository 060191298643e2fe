package app.shoebox.media.thumbnails;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libvips functions Shoebox calls, bound through the FFM API. Every call that can fail
 * returns a status that is checked, and the message is taken from libvips' error buffer.
 *
 * <p>That buffer is one per process, appended to by every failing call on any thread and read
 * without a lock: two thumbnails failing at once mixed their messages (one user's file path in
 * another user's error). So libvips work runs through {@link #exactly}: under a shared lock, where
 * the status decides success and the buffer is never read, and, when that run fails, once more
 * under an exclusive lock, alone in the process, where the buffer holds this run's text and nothing
 * else. Serialising every call instead cost about 15% of the throughput of two concurrent
 * thumbnails on two cores (measured; docs/media.md); failures are rare, so the second run costs
 * nothing that counts.
 */
final class LibVips {

    static final String LIBRARY = "libvips.so.42";

    // VipsSize and VipsFailOn enum values (vips/resample.h, vips/image.h), passed as C varargs ints.
    static final int SIZE_DOWN = 2;
    static final int FAIL_ON_TRUNCATED = 1;

    private static final Linker LINKER = Linker.nativeLinker();

    private final MethodHandle thumbnail;
    private final MethodHandle thumbnailImage;
    private final MethodHandle newFromFile;
    private final MethodHandle writeToFile;
    private final MethodHandle copyMemory;
    private final MethodHandle getWidth;
    private final MethodHandle getHeight;
    private final MethodHandle unref;
    private final MethodHandle errorBuffer;
    private final MethodHandle errorClear;
    private final MethodHandle memHighwater;
    private final MethodHandle writeToMemory;
    private final MethodHandle getBands;
    private final MethodHandle getFormat;
    private final MethodHandle gFree;
    private final MethodHandle getTypeof;
    private final MethodHandle getBlob;
    private final MethodHandle iccCompatible;
    private final String version;
    private final ReentrantReadWriteLock errorBufferLock = new ReentrantReadWriteLock();

    private LibVips(SymbolLookup lib) throws Throwable {
        MethodHandle init = handle(lib, "vips_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle versionOf = handle(lib, "vips_version", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        MethodHandle cacheSetMax = handle(lib, "vips_cache_set_max", FunctionDescriptor.ofVoid(JAVA_INT));
        // int vips_thumbnail(const char *filename, VipsImage **out, int width,
        //                    "size", VipsSize, "fail_on", VipsFailOn, "export_profile", const char *, NULL)
        thumbnail = variadic(lib, "vips_thumbnail", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), 3);
        // int vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, "size", VipsSize, "no_rotate", gboolean, NULL)
        thumbnailImage = variadic(lib, "vips_thumbnail_image", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), 3);
        // VipsImage *vips_image_new_from_file(const char *name, NULL): opens lazily, reads the header only.
        newFromFile = variadic(lib, "vips_image_new_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), 1);
        // int vips_image_write_to_file(VipsImage *image, const char *name, NULL); options go in "name[Q=80]".
        writeToFile = variadic(lib, "vips_image_write_to_file", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), 2);
        copyMemory = handle(lib, "vips_image_copy_memory", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getWidth = handle(lib, "vips_image_get_width", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getHeight = handle(lib, "vips_image_get_height", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        unref = handle(lib, "g_object_unref", FunctionDescriptor.ofVoid(ADDRESS));
        errorBuffer = handle(lib, "vips_error_buffer", FunctionDescriptor.of(ADDRESS));
        errorClear = handle(lib, "vips_error_clear", FunctionDescriptor.ofVoid());
        memHighwater = handle(lib, "vips_tracked_get_mem_highwater", FunctionDescriptor.of(JAVA_LONG));
        // void *vips_image_write_to_memory(VipsImage *in, size_t *size): the pixels, band-interleaved, g_free'd by the caller.
        writeToMemory = handle(lib, "vips_image_write_to_memory", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        getBands = handle(lib, "vips_image_get_bands", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getFormat = handle(lib, "vips_image_get_format", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        gFree = handle(lib, "g_free", FunctionDescriptor.ofVoid(ADDRESS));
        // GType vips_image_get_typeof(const VipsImage *image, const char *name): 0 when the field is absent.
        getTypeof = handle(lib, "vips_image_get_typeof", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
        // int vips_image_get_blob(const VipsImage *image, const char *name, const void **data, size_t *length)
        getBlob = handle(lib, "vips_image_get_blob", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        // gboolean vips_icc_is_compatible_profile(VipsImage *image, const void *data, size_t data_length)
        iccCompatible = handle(lib, "vips_icc_is_compatible_profile", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        try (Arena arena = Arena.ofConfined()) {
            if ((int) init.invokeExact(arena.allocateFrom("shoebox")) != 0) {
                throw new IllegalStateException("vips_init failed: " + takeError());
            }
        }
        allowOnlyTrustedLoaders(lib);
        routeWarningsToTheLog(lib);
        // The operation cache would keep decoded images of files we never open again, and serve a
        // stale result if a file were replaced under the same name.
        cacheSetMax.invokeExact(0);
        version = (int) versionOf.invokeExact(0) + "." + (int) versionOf.invokeExact(1) + "." + (int) versionOf.invokeExact(2);
    }

    /**
     * The loaders libvips may use on a file: those for the formats Shoebox hands it, which libvips
     * itself counts as safe for untrusted input. Every other loader is blocked, above all
     * ImageMagick's (magickload, which reads whatever its own sniffing decides and hands PostScript,
     * raw and other formats to external programs) and those libvips marks "untrusted" (SVG, PDF,
     * JPEG XL, JPEG 2000, PPM, FITS, Matlab, OpenSlide, ...). A file whose bytes say it is one of
     * those is then refused by libvips ("operation is blocked" / "not a known file format") however
     * it was named. BMP, which libvips reads only through ImageMagick, goes to the pure-Java path.
     */
    static final java.util.List<String> TRUSTED_LOADERS = java.util.List.of("VipsForeignLoadJpeg", "VipsForeignLoadPng",
            "VipsForeignLoadNsgif", "VipsForeignLoadWebp", "VipsForeignLoadTiff", "VipsForeignLoadHeif");

    /** The types whose bytes those loaders read (TIFF-based raws through tiffload). */
    static final java.util.Set<app.shoebox.media.FileType> TRUSTED_TYPES = java.util.EnumSet.of(app.shoebox.media.FileType.JPEG,
            app.shoebox.media.FileType.PNG, app.shoebox.media.FileType.GIF, app.shoebox.media.FileType.WEBP,
            app.shoebox.media.FileType.TIFF, app.shoebox.media.FileType.HEIC, app.shoebox.media.FileType.HEIF,
            app.shoebox.media.FileType.AVIF, app.shoebox.media.FileType.DNG, app.shoebox.media.FileType.RAW_TIFF_BASED);

    // vips_block_untrusted_set and vips_operation_block_set exist since libvips 8.13. Without them
    // this binding does not load, and the vipsthumbnail process (run with VIPS_BLOCK_UNTRUSTED) is used.
    private static void allowOnlyTrustedLoaders(SymbolLookup lib) throws Throwable {
        MethodHandle blockUntrusted = handle(lib, "vips_block_untrusted_set", FunctionDescriptor.ofVoid(JAVA_INT));
        MethodHandle blockSet = handle(lib, "vips_operation_block_set", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        blockUntrusted.invokeExact(1);
        try (Arena arena = Arena.ofConfined()) {
            blockSet.invokeExact(arena.allocateFrom("VipsForeignLoad"), 1);
            for (String loader : TRUSTED_LOADERS) {
                blockSet.invokeExact(arena.allocateFrom(loader), 0);
            }
        }
    }

    // GLib log levels (glib/gmessages.h): warning, message, info, debug.
    private static final int G_LOG_LEVELS_BELOW_CRITICAL = 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LibVips.class);

    /**
     * libvips reports decoder warnings ("error in tile", "Premature end of JPEG file") through GLib,
     * whose default handler writes them to the process's stderr, outside our logs. The failure
     * itself comes back as a status and a message; the warnings go to our log at debug level.
     */
    private static void routeWarningsToTheLog(SymbolLookup lib) throws Throwable {
        MethodHandle setHandler = handle(lib, "g_log_set_handler",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle target = java.lang.invoke.MethodHandles.lookup().findStatic(LibVips.class, "onGLog",
                java.lang.invoke.MethodType.methodType(void.class, MemorySegment.class, int.class, MemorySegment.class,
                        MemorySegment.class));
        MemorySegment stub = LINKER.upcallStub(target, FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS),
                Arena.global());
        int ignored = (int) setHandler.invokeExact(Arena.global().allocateFrom("VIPS"), G_LOG_LEVELS_BELOW_CRITICAL, stub,
                MemorySegment.NULL);
    }

    // Called by GLib on libvips' threads; must not throw.
    private static void onGLog(MemorySegment domain, int level, MemorySegment message, MemorySegment userData) {
        try {
            if (LOG.isDebugEnabled() && !message.equals(MemorySegment.NULL)) {
                LOG.debug("libvips: {}", message.reinterpret(Integer.MAX_VALUE).getString(0).strip());
            }
        } catch (Throwable e) {
            // Nowhere to report it from inside a native callback.
        }
    }

    /** Loads and initialises libvips, or says why it could not. */
    static Result load() {
        try {
            SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            return new Result(Optional.of(new LibVips(lib)), "");
        } catch (Throwable e) {
            return new Result(Optional.empty(), LIBRARY + " not usable (" + e.getMessage() + ")");
        }
    }

    record Result(Optional<LibVips> vips, String whyNot) {}

    String version() {
        return version;
    }

    /** The most pixel memory libvips has held at once since start-up (its own tracked allocations). */
    long memoryHighWater() {
        try {
            return (long) memHighwater.invokeExact();
        } catch (Throwable e) {
            return 0;
        }
    }

    /** A VipsImage pointer that is released when closed. */
    final class Image implements AutoCloseable {
        final MemorySegment pointer;

        Image(MemorySegment pointer) {
            this.pointer = pointer;
        }

        int width() throws Throwable {
            return (int) getWidth.invokeExact(pointer);
        }

        int height() throws Throwable {
            return (int) getHeight.invokeExact(pointer);
        }

        /**
         * Whether the pixels must go through their profile to become sRGB: a usable profile
         * ({@link #usableIccProfile}) that is not the standard sRGB one. Editors (Photoshop,
         * Lightroom and most others) embed that one in what they export; converting from it to
         * libvips' sRGB changes no value by more than rounding and costs about a tenth of a
         * thumbnail's CPU (docs/media.md, "Colour").
         */
        boolean needsConversionToSrgb() throws Throwable {
            return usableIccProfile().filter(profile -> !(profile.byteSize() == StandardSrgb.LENGTH
                    && StandardSrgb.is(profile.toArray(JAVA_BYTE)))).isPresent();
        }

        /**
         * The embedded ICC profile, as libvips holds it while this image lives, if lcms can read it
         * and it fits the image (an RGB profile on an RGB image, a grey one on a grey image...).
         * Some files carry one that does not: a grey JPEG with an sRGB profile is common, and
         * converting through it fails the whole thumbnail ("unable to load or find any compatible
         * input profile"). Such a profile is ignored, as newer libvips does: the pixels are taken
         * as they are.
         */
        private Optional<MemorySegment> usableIccProfile() throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment name = arena.allocateFrom("icc-profile-data");
                if ((long) getTypeof.invokeExact(pointer, name) == 0) {
                    return Optional.empty();
                }
                MemorySegment data = arena.allocate(ADDRESS);
                MemorySegment length = arena.allocate(JAVA_LONG);
                if ((int) getBlob.invokeExact(pointer, name, data, length) != 0) {
                    clearError();
                    return Optional.empty();
                }
                MemorySegment blob = data.get(ADDRESS, 0);
                long size = length.get(JAVA_LONG, 0);
                if ((int) iccCompatible.invokeExact(pointer, blob, size) == 0) {
                    return Optional.empty();
                }
                return Optional.of(blob.reinterpret(size));
            }
        }

        @Override
        public void close() {
            try {
                unref.invokeExact(pointer);
            } catch (Throwable e) {
                throw new IllegalStateException("g_object_unref failed", e);
            }
        }
    }

    /** How long a failed run waits to run again alone; libvips work of other threads takes seconds at most. */
    private static final java.time.Duration ALONE_WAIT = java.time.Duration.ofSeconds(60);

    /** libvips work that may fail with a {@link VipsError}. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws Throwable;
    }

    /**
     * Runs {@code work}, which must be repeatable (same inputs, outputs replaced). Concurrent with
     * other work while it succeeds; when it fails with a {@link VipsError}, it runs again alone in
     * the process, so the error's message is its own (see the class comment).
     */
    <T> T exactly(Work<T> work) throws Throwable {
        VipsError failedInCompany;
        errorBufferLock.readLock().lock();
        try {
            return work.run();
        } catch (VipsError e) {
            failedInCompany = e; // run again below, alone, for the message
        } finally {
            errorBufferLock.readLock().unlock();
        }
        // Bounded: a decode stuck in native code holds its shared lock for ever (until its worker's
        // watchdog ends the process); waiting for it would stall every later thumbnail behind us.
        if (!errorBufferLock.writeLock().tryLock(ALONE_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            throw new VipsError("libvips failed, and its own message could not be read (other libvips work went on for over "
                    + ALONE_WAIT.toSeconds() + " s)", failedInCompany.writing);
        }
        try {
            clearError();
            return work.run();
        } finally {
            clearError();
            errorBufferLock.writeLock().unlock();
        }
    }

    /** The header of {@code file}, without decoding pixels. */
    Image open(String file) throws VipsError, Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = (MemorySegment) newFromFile.invokeExact(arena.allocateFrom(file), MemorySegment.NULL);
            if (image.equals(MemorySegment.NULL)) {
                throw error(false);
            }
            return new Image(image);
        }
    }

    /**
     * Shrink-on-load thumbnail of a file: upright, never enlarged, fails on a truncated file.
     * {@code toSrgb}: convert through the file's embedded ICC profile to sRGB. Pass it only for a file
     * that has one: without an embedded profile libvips treats the pixels as sRGB already, and
     * {@code export_profile} would still send every pixel through lcms (sRGB to XYZ and back), which
     * cost about a quarter of a 12 MP JPEG's thumbnail for no change.
     */
    Image thumbnail(String file, int size, boolean toSrgb) throws VipsError, Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            // The option list ends at the first NULL name, so without a profile the last pair is not read.
            MemorySegment profileOption = toSrgb ? arena.allocateFrom("export_profile") : MemorySegment.NULL;
            int status = (int) thumbnail.invokeExact(arena.allocateFrom(file), out, size,
                    arena.allocateFrom("size"), SIZE_DOWN, arena.allocateFrom("fail_on"), FAIL_ON_TRUNCATED,
                    profileOption, arena.allocateFrom("srgb"), MemorySegment.NULL);
            return checked(status, out);
        }
    }

    /** A smaller copy of an image already upright in memory. */
    Image thumbnail(Image in, int size) throws VipsError, Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int status = (int) thumbnailImage.invokeExact(in.pointer, out, size,
                    arena.allocateFrom("size"), SIZE_DOWN, arena.allocateFrom("no_rotate"), 1, MemorySegment.NULL);
            return checked(status, out);
        }
    }

    /** Renders the whole pipeline into memory, so two outputs do not decode the source twice. */
    Image copyMemory(Image in) throws VipsError, Throwable {
        MemorySegment image = (MemorySegment) copyMemory.invokeExact(in.pointer);
        if (image.equals(MemorySegment.NULL)) {
            throw error(false);
        }
        return new Image(image);
    }

    // VipsBandFormat (vips/image.h): unsigned 8-bit.
    private static final int FORMAT_UCHAR = 0;

    /**
     * The pixels of a small 8-bit image as packed ARGB ints, row by row (grey and grey-alpha spread
     * to RGB, no alpha band opaque), or empty when it is not 8-bit with 1 to 4 bands (a 16-bit
     * image: the caller decodes the file instead). Four bands are read as RGBA: the image must be
     * what {@code vips_thumbnail} made, which is sRGB or grey (it converts CMYK).
     */
    Optional<Argb> argb(Image image) throws VipsError, Throwable {
        int bands = (int) getBands.invokeExact(image.pointer);
        int format = (int) getFormat.invokeExact(image.pointer);
        if (format != FORMAT_UCHAR || bands < 1 || bands > 4) {
            return Optional.empty();
        }
        int w = image.width();
        int h = image.height();
        byte[] in;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            MemorySegment data = (MemorySegment) writeToMemory.invokeExact(image.pointer, size);
            if (data.equals(MemorySegment.NULL)) {
                throw error(false);
            }
            try {
                long n = size.get(JAVA_LONG, 0);
                if (n != (long) w * h * bands) {
                    throw new VipsError("libvips handed back " + n + " bytes for a " + w + "x" + h + "x" + bands + " image", false);
                }
                in = data.reinterpret(n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            } finally {
                gFree.invokeExact(data);
            }
        }
        boolean grey = bands <= 2;
        int[] out = new int[w * h];
        for (int i = 0, j = 0; i < out.length; i++, j += bands) {
            int r = in[j] & 0xFF;
            int g = grey ? r : in[j + 1] & 0xFF;
            int b = grey ? r : in[j + 2] & 0xFF;
            int a = bands == 2 ? in[j + 1] & 0xFF : bands == 4 ? in[j + 3] & 0xFF : 0xFF;
            out[i] = a << 24 | r << 16 | g << 8 | b;
        }
        return Optional.of(new Argb(w, h, out));
    }

    /** Packed ARGB pixels of a {@code width x height} image, row by row. */
    record Argb(int width, int height, int[] pixels) {}

    /** Writes {@code image} to {@code fileWithOptions}, e.g. {@code /x/preview.jpeg[Q=80,strip]}. */
    void write(Image image, String fileWithOptions) throws VipsError, Throwable {
        try (Arena arena = Arena.ofConfined()) {
            int status = (int) writeToFile.invokeExact(image.pointer, arena.allocateFrom(fileWithOptions), MemorySegment.NULL);
            if (status != 0) {
                throw error(true);
            }
        }
    }

    private Image checked(int status, MemorySegment out) throws VipsError {
        MemorySegment image = out.get(ADDRESS, 0);
        if (status != 0 || image.equals(MemorySegment.NULL)) {
            // On failure libvips does not promise to have set *out: leave it alone rather than
            // risk releasing garbage.
            throw error(false);
        }
        return new Image(image);
    }

    /**
     * The failure of the call just made. Its message is read from the error buffer only when this
     * thread runs alone ({@link #exactly}'s second run); in company the buffer may hold other
     * threads' text, so it is not read at all.
     */
    private VipsError error(boolean writing) {
        if (!errorBufferLock.isWriteLockedByCurrentThread()) {
            return new VipsError("libvips failed (its message is read on a second run, alone)", writing);
        }
        return new VipsError(takeError(), writing);
    }

    private String takeError() {
        try {
            MemorySegment buffer = (MemorySegment) errorBuffer.invokeExact();
            String message = buffer.equals(MemorySegment.NULL) ? "" : buffer.reinterpret(Integer.MAX_VALUE).getString(0).strip();
            errorClear.invokeExact();
            return message.isEmpty() ? "libvips reported a failure without a message" : message;
        } catch (Throwable e) {
            return "libvips failed and its error buffer could not be read: " + e;
        }
    }

    private void clearError() {
        try {
            errorClear.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("vips_error_clear failed", e);
        }
    }

    /** A failure libvips reported, with its message; {@code writing} when writing an output failed. */
    static final class VipsError extends Exception {
        final boolean writing;

        VipsError(String message, boolean writing) {
            super(message);
            this.writing = writing;
        }
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.findOrThrow(name), fd);
    }

    private static MethodHandle variadic(SymbolLookup lib, String name, FunctionDescriptor fd, int firstVariadic) {
        return LINKER.downcallHandle(lib.findOrThrow(name), fd, Linker.Option.firstVariadicArg(firstVariadic));
    }
}
