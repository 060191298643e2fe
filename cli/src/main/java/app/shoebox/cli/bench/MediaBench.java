package app.shoebox.cli.bench;

import app.shoebox.media.FileType;
import app.shoebox.media.MediaException;
import app.shoebox.media.NativeTools;
import app.shoebox.media.ProcessRunner;
import app.shoebox.media.metadata.ExifTool;
import app.shoebox.media.metadata.MetadataExtractor;
import app.shoebox.media.video.VideoProbe;
import app.shoebox.media.thumbnails.Thumbnailer;
import app.shoebox.media.thumbnails.Thumbnailers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code shoebox bench media}: each thumbnail path makes the 1440 px JPEG preview and the 250 px
 * thumbnail of the same 12 MP JPEGs, one at a time, and {@code vipsthumbnail} alone does the same
 * work as the reference. Prints ms per image, images per second and peak memory per path; then the
 * in-process path with several thumbnails at once ({@code --threads}), and the metadata readers' ms
 * per file on real camera files and on the same JPEGs.
 */
@Command(name = "media", mixinStandardHelpOptions = true,
        description = "Measure the thumbnail paths (libvips in-process, vipsthumbnail process, pure Java) on 12 MP JPEGs, "
                + "and metadata per file (exiftool batch mode, metadata-extractor) on real camera files.")
public final class MediaBench implements Callable<Integer> {

    // Heap bytes allocated by this thread: per image and per path, unlike heap "used", which also
    // counts garbage the collector has not yet reclaimed.
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Option(names = "--files", defaultValue = "12", description = "How many images to process per path (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--dir", description = "Take the JPEGs from this folder instead of generating 4000x3000 ones.")
    Optional<Path> dir;

    @Option(names = "--threads", defaultValue = "2",
            description = "Also measure the in-process path with this many thumbnails at once, as a worker runs them "
                    + "(default ${DEFAULT-VALUE}; 1 skips it).")
    int threads;

    @Option(names = "--metadata-dir", description = "Real camera files for the metadata figures (every file below it); "
            + "default: the test corpus when run from the source tree, else the JPEGs above.")
    Optional<Path> metadataDir;

    @Option(names = "--metadata-rounds", defaultValue = "3", description = "Passes over the metadata files (default ${DEFAULT-VALUE}).")
    int metadataRounds;

    private static final Path CORPUS = Path.of("media/src/test/resources/metadata-corpus/files");

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("shoebox-bench-media");
        try {
            List<Path> images = dir.isPresent() ? existing(dir.get()) : generate(work.resolve("in"));
            if (images.isEmpty()) {
                System.err.println("no JPEG files to measure" + dir.map(d -> " in " + d).orElse(""));
                return 2;
            }
            long bytes = 0;
            for (Path p : images) {
                bytes += Files.size(p);
            }
            System.out.printf(Locale.ROOT, "%d JPEGs, %.1f MB on average; %d cores; load average before: %s%n",
                    images.size(), bytes / 1e6 / images.size(), Runtime.getRuntime().availableProcessors(), loadAverage());
            Map<String, String> figures = new LinkedHashMap<>();
            figures.put("files", Integer.toString(images.size()));
            figures.put("avg_file_mb", fmt(bytes / 1e6 / images.size()));

            Map<String, Measure> paths = new LinkedHashMap<>();
            Thumbnailers.ffm().ifPresentOrElse(t -> paths.put("ffm", new Measure(t)),
                    () -> System.out.println("ffm: not available (" + Thumbnailers.whyNoFfm().orElse("") + ")"));
            Thumbnailers.vipsthumbnail().ifPresentOrElse(t -> paths.put("vipsthumbnail_process", new Measure(t)),
                    () -> System.out.println("vipsthumbnail process: not installed"));
            paths.put("imageio", new Measure(Thumbnailers.imageIo()));
            Optional<Path> vipsthumbnail = NativeTools.find("vipsthumbnail");
            Measure reference = new Measure(null);
            // Warm-up, not counted: class loading, JIT, libvips start-up, page cache.
            for (var e : paths.entrySet()) {
                e.getValue().thumbnailer.generate(images.getFirst(), FileType.JPEG, work.resolve("out-" + e.getKey()), "warmup");
            }
            // Interleaved: every path takes its turn on each image, so a burst of load from other
            // work on the machine falls on all paths alike instead of on whichever ran then.
            for (int i = 0; i < images.size(); i++) {
                Path image = images.get(i);
                for (var e : paths.entrySet()) {
                    Measure m = e.getValue();
                    long allocated = THREADS.getCurrentThreadAllocatedBytes();
                    double cpu = cpuSeconds();
                    long start = System.nanoTime();
                    m.thumbnailer.generate(image, FileType.JPEG, work.resolve("out-" + e.getKey()), "img" + i);
                    long elapsed = System.nanoTime() - start;
                    m.add(elapsed, cpuSeconds() - cpu, THREADS.getCurrentThreadAllocatedBytes() - allocated,
                            Thumbnailers.lastProcessPeakRssKiB(m.thumbnailer));
                }
                if (vipsthumbnail.isPresent()) {
                    double cpu = cpuSeconds();
                    long start = System.nanoTime();
                    long peak = reference(vipsthumbnail.get(), image, work.resolve("out-reference"), i);
                    reference.add(System.nanoTime() - start, cpuSeconds() - cpu, 0, peak);
                }
            }
            for (var e : paths.entrySet()) {
                e.getValue().report(e.getKey(), e.getValue().thumbnailer.describe(), figures);
            }
            Thumbnailers.libvipsMemoryHighWater().ifPresent(b -> figures.put("ffm_libvips_peak_mb", fmt(b / 1e6)));
            figures.put("jvm_peak_rss_mb", fmt(ProcessRunner.peakRssKiB(ProcessHandle.current().pid()) / 1024.0));
            if (vipsthumbnail.isPresent()) {
                reference.report("vipsthumbnail_reference", "vipsthumbnail alone, 2 processes per image, no Shoebox checks", figures);
            }
            if (threads > 1 && paths.containsKey("ffm")) {
                concurrent(paths.get("ffm").thumbnailer, images, work.resolve("out-concurrent"), figures);
            }
            metadata(images, figures);
            figures.put("load_average_after", loadAverage().split(" ")[0]);
            System.out.println("load average after: " + loadAverage()
                    + " (other work on this machine shares its cores: compare paths within one run)");
            figures.forEach((k, v) -> System.out.println(k + "=" + v));
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Metadata per file, each reader on the same files in turn: exiftool in batch mode (one process,
     * started before timing; its start-up is its own figure) and metadata-extractor in-process. On
     * the generated 12 MP JPEGs too, to set next to the thumbnail figures of this run.
     */
    private void metadata(List<Path> jpegs, Map<String, String> figures) throws Exception {
        List<Path> real = metadataDir.or(() -> Optional.of(CORPUS).filter(Files::isDirectory)).map(MediaBench::allFiles)
                .orElse(List.of());
        Map<String, MetadataExtractor> readers = new LinkedHashMap<>();
        long start = System.nanoTime();
        Optional<ExifTool> exifTool = ExifTool.fromPath(1);
        exifTool.ifPresentOrElse(t -> {
            t.read(jpegs.getFirst());
            figures.put("metadata_exiftool_startup_ms", fmt((System.nanoTime() - start) / 1e6));
            readers.put("exiftool", new MetadataExtractor(VideoProbe.fromPath(), Optional.of(t)));
        }, () -> System.out.println("metadata: exiftool not installed, only metadata-extractor is measured"));
        readers.put("metadata_extractor", new MetadataExtractor(VideoProbe.fromPath()));
        try {
            for (var set : List.of(Map.entry("real", real), Map.entry("12mp_jpeg", jpegs))) {
                if (set.getValue().isEmpty()) {
                    continue;
                }
                for (var r : readers.entrySet()) {
                    readAll(r.getValue(), set.getValue());
                }
                Map<String, long[]> nanos = new LinkedHashMap<>();
                readers.keySet().forEach(k -> nanos.put(k, new long[2]));
                for (int round = 0; round < metadataRounds; round++) {
                    for (Path f : set.getValue()) {
                        // Interleaved per file, as for the thumbnails.
                        for (var r : readers.entrySet()) {
                            long t0 = System.nanoTime();
                            readOne(r.getValue(), f);
                            nanos.get(r.getKey())[0] += System.nanoTime() - t0;
                            nanos.get(r.getKey())[1]++;
                        }
                    }
                }
                nanos.forEach((k, v) -> {
                    double ms = v[0] / 1e6 / v[1];
                    figures.put("metadata_" + k + "_ms_per_file_" + set.getKey(), String.format(Locale.ROOT, "%.2f", ms));
                    System.out.printf(Locale.ROOT, "metadata %-20s %7.2f ms/file on %d %s files%n", k, ms,
                            set.getValue().size(), set.getKey());
                });
            }
            figures.put("metadata_real_files", Integer.toString(real.size()));
            String ffm = figures.get("ffm_ms_per_image");
            // Metadata's share of a thumbnail's time in this run (the thumbnail is the in-process libvips one).
            for (String set : List.of("real", "12mp_jpeg")) {
                String exif = figures.get("metadata_exiftool_ms_per_file_" + set);
                if (ffm != null && exif != null) {
                    figures.put("metadata_exiftool_" + set + "_per_ffm_thumbnail", String.format(Locale.ROOT, "%.3f",
                            Double.parseDouble(exif) / Double.parseDouble(ffm)));
                }
            }
        } finally {
            readers.values().forEach(MetadataExtractor::close);
        }
    }

    private static void readAll(MetadataExtractor reader, List<Path> files) {
        files.forEach(f -> readOne(reader, f));
    }

    private static void readOne(MetadataExtractor reader, Path f) {
        Optional<FileType> type = FileType.fromFileName(f.getFileName().toString());
        if (type.isEmpty()) {
            return;
        }
        try {
            reader.extract(f, type.get(), Optional.empty(), java.time.Instant.EPOCH);
        } catch (MediaException e) {
            // A file the reader refuses costs what it cost; the figure is time per file.
        }
    }

    private static List<Path> allFiles(Path folder) {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).filter(p -> FileType.fromFileName(p.getFileName().toString()).isPresent())
                    .sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Times and peaks of one path. */
    private static final class Measure {
        final Thumbnailer thumbnailer;
        long nanos;
        double cpuSeconds;
        int count;
        long allocatedBytes;
        long childPeakKiB;

        Measure(Thumbnailer thumbnailer) {
            this.thumbnailer = thumbnailer;
        }

        void add(long elapsedNanos, double cpu, long allocated, long childKiB) {
            nanos += elapsedNanos;
            cpuSeconds += cpu;
            count++;
            allocatedBytes += allocated;
            childPeakKiB = Math.max(childPeakKiB, childKiB);
        }

        void report(String name, String description, Map<String, String> figures) {
            double ms = nanos / 1e6 / count;
            figures.put(name + "_ms_per_image", fmt(ms));
            figures.put(name + "_images_per_s", fmt(1000 / ms));
            double cpuMs = cpuSeconds * 1000 / count;
            figures.put(name + "_cpu_ms_per_image", fmt(cpuMs));
            if (thumbnailer != null) {
                figures.put(name + "_heap_allocated_mb_per_image", fmt(allocatedBytes / 1e6 / count));
            }
            if (childPeakKiB > 0) {
                figures.put(name + "_child_peak_rss_mb", fmt(childPeakKiB / 1024.0));
            }
            System.out.printf(Locale.ROOT, "%-24s %8.1f ms/image %6.2f images/s %8.1f CPU ms/image  (%s)%n", name, ms, 1000 / ms,
                    cpuMs, description);
        }
    }

    /**
     * The in-process path with {@code threads} thumbnails at once (a worker's concurrency), against
     * two anchors measured in the same run: one at a time, and {@code threads} at once with every
     * libvips call behind one lock (what serialising each call with its error read would cost).
     * The three alternate, twice over, so load from other work falls on each alike.
     */
    private void concurrent(Thumbnailer ffm, List<Path> images, Path out, Map<String, String> figures) throws Exception {
        Map<String, Long> nanos = new LinkedHashMap<>();
        java.util.concurrent.locks.ReentrantLock oneAtATime = new java.util.concurrent.locks.ReentrantLock();
        for (int round = 0; round < 2; round++) {
            nanos.merge("ffm_1_thread", timed(ffm, images, out, 1, null), Long::sum);
            nanos.merge("ffm_" + threads + "_threads", timed(ffm, images, out, threads, null), Long::sum);
            nanos.merge("ffm_" + threads + "_threads_serialised", timed(ffm, images, out, threads, oneAtATime), Long::sum);
        }
        Map<String, Double> perSecond = new LinkedHashMap<>();
        nanos.forEach((name, n) -> perSecond.put(name, 2.0 * images.size() / (n / 1e9)));
        perSecond.forEach((name, ips) -> {
            figures.put(name + "_images_per_s", fmt(ips));
            System.out.printf(Locale.ROOT, "%-32s %6.2f images/s%n", name, ips);
        });
        double concurrent = perSecond.get("ffm_" + threads + "_threads");
        figures.put("ffm_" + threads + "_threads_vs_1_thread", String.format(Locale.ROOT, "%.2f",
                concurrent / perSecond.get("ffm_1_thread")));
        figures.put("ffm_" + threads + "_threads_serialised_vs_shipped", String.format(Locale.ROOT, "%.2f",
                perSecond.get("ffm_" + threads + "_threads_serialised") / concurrent));
    }

    private static long timed(Thumbnailer t, List<Path> images, Path out, int threads,
                              java.util.concurrent.locks.ReentrantLock serialise) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Path image = images.get(i);
                String name = "c" + i;
                runs.add(pool.submit(() -> {
                    if (serialise != null) {
                        serialise.lock();
                    }
                    try {
                        return t.generate(image, FileType.JPEG, out, name);
                    } finally {
                        if (serialise != null) {
                            serialise.unlock();
                        }
                    }
                }));
            }
            for (var r : runs) {
                r.get();
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
    }

    /** vipsthumbnail alone on one image: the same two outputs with the same options. Returns the peak RSS in KiB. */
    private static long reference(Path vipsthumbnail, Path image, Path out, int i) throws IOException, MediaException {
        Files.createDirectories(out);
        Path preview = out.resolve("img" + i + "-preview.jpeg");
        // No --export-profile: these JPEGs carry no colour profile, and Shoebox converts only those that do.
        long peak = run(List.of(vipsthumbnail.toString(), image.toString(), "--size", "1440x1440>",
                "-o", preview + "[Q=80,optimize_coding,strip,background=255]"), image);
        return Math.max(peak, run(List.of(vipsthumbnail.toString(), preview.toString(), "--size", "250x250>",
                "-o", out.resolve("img" + i + "-thumbnail.webp") + "[Q=80,strip]"), image));
    }

    /**
     * CPU seconds this process and its finished children have used: a path's libvips threads and
     * its vipsthumbnail processes count, as they would in a worker.
     */
    private static double cpuSeconds() {
        return CpuTime.self() + CpuTime.reapedChildren();
    }

    private static long run(List<String> command, Path file) throws MediaException {
        var result = ProcessRunner.run(command, Duration.ofMinutes(2), file);
        if (!result.succeeded()) {
            throw new MediaException(MediaException.Reason.CORRUPT, file, String.join(" ", command) + ": " + result.stderr());
        }
        return result.peakRssKiB();
    }

    private List<Path> existing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> all = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g"))
                    .sorted().toList();
            return all.subList(0, Math.min(all.size(), files));
        }
    }

    /** 4000x3000 "photos": gradients, shapes and sensor-like noise, so they compress like real ones (3-6 MB). */
    private List<Path> generate(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> out = new ArrayList<>();
        System.out.print("generating " + files + " 12 MP JPEGs ");
        for (int i = 0; i < files; i++) {
            Path file = folder.resolve(String.format(Locale.ROOT, "IMG_%04d.jpg", i));
            writeJpeg(photo(4000, 3000, new Random(i)), file, 0.92f);
            out.add(file);
            System.out.print(".");
            System.out.flush();
        }
        System.out.println();
        return out;
    }

    static BufferedImage photo(int w, int h, Random r) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, randomColour(r), w, h, randomColour(r)));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 40; i++) {
            g.setPaint(new GradientPaint(r.nextInt(w), r.nextInt(h), randomColour(r), r.nextInt(w), r.nextInt(h), randomColour(r)));
            g.fillOval(r.nextInt(w) - w / 8, r.nextInt(h) - h / 8, w / 10 + r.nextInt(w / 3), h / 10 + r.nextInt(h / 3));
        }
        g.dispose();
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            int n = (int) (r.nextGaussian() * 6);
            int p = px[i];
            px[i] = clamp((p >> 16 & 0xFF) + n) << 16 | clamp((p >> 8 & 0xFF) + n) << 8 | clamp((p & 0xFF) + n);
        }
        return img;
    }

    private static Color randomColour(Random r) {
        return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static void writeJpeg(BufferedImage img, Path file, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
