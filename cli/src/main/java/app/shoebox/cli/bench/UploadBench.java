package app.shoebox.cli.bench;

import app.shoebox.cli.Main;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code shoebox bench upload}: the uploader over loopback, as a process of its own (so its memory
 * is its own), on generated photos:
 * <ol>
 * <li>into a sink that accepts and discards: the uploader's own ceiling (the anchor);</li>
 * <li>into a fresh Shoebox server (embedded PostgreSQL, default durability, no background jobs):
 *     files/s and MB/s, and their ratio to the sink's (near 1: the uploader is the limit; well
 *     below: the server is);</li>
 * <li>the same folder again: a no-op re-run, which reads no file and sends no byte.</li>
 * </ol>
 */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "Measure the bulk uploader: first upload into a sink and into a fresh server, then a no-op re-run.")
public final class UploadBench implements Runnable {

    @Option(names = "--files", defaultValue = "10000", description = "Photos to generate (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--size", defaultValue = "50000", description = "Bytes per photo (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--uploader-heap", defaultValue = "256m",
            description = "Maximum heap of the uploader process (default ${DEFAULT-VALUE}): the run proves it needs no more.")
    String heap;

    @Option(names = "--concurrency", defaultValue = "0", description = "Uploads at once (default 0: adaptive).")
    int concurrency;

    @Option(names = "--sink-only", description = "Only the sink: the uploader alone (its rate and memory), no server.")
    boolean sinkOnly;

    @Option(names = "--source", defaultValue = "folder",
            description = "folder (default), or takeout: the photos in Google Takeout zip parts of 10,000, each with its JSON sidecar.")
    String source;

    private static final String KEY = "bench-upload-admin-key-0123456789";
    private final Map<String, String> figures = new LinkedHashMap<>();

    @Override
    public void run() {
        if (files < 1 || size < 16) {
            throw new IllegalArgumentException("--files must be positive and --size at least 16");
        }
        if (!source.equals("folder") && !source.equals("takeout")) {
            throw new IllegalArgumentException("--source is folder or takeout, not " + source);
        }
        Path root;
        try {
            root = Files.createTempDirectory("shoebox-bench-upload-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            machine();
            List<Path> photos = source.equals("folder") ? List.of(generate(root.resolve("photos")))
                    : generateTakeout(root.resolve("takeout"));
            try (UploadSink sink = new UploadSink()) {
                List<Path> subset = subset(photos);
                long subsetFiles = 0;
                long subsetKept = 0;
                if (!subset.isEmpty()) {
                    // The same uploader on a quarter or less of the files: what it keeps must not grow with their number.
                    JsonNode q = upload(sink.url(), "sink-dummy-key-0123456789", subset, root.resolve("cache-subset"),
                            root.resolve("subset.json"));
                    subsetFiles = q.at("/counts/uploaded").asLong();
                    subsetKept = q.path("peakHeapAfterGcBytes").asLong();
                    figures.put("sink_subset_files", String.valueOf(subsetFiles));
                    figures.put("sink_subset_peak_rss_mb", mb(q.path("peakRssBytes").asLong()));
                    figures.put("sink_subset_peak_heap_after_gc_mb", mb(subsetKept));
                    figures.put("sink_subset_heap_held_at_end_mb", mb(q.path("heapHeldAtEndBytes").asLong()));
                }
                JsonNode r = upload(sink.url(), "sink-dummy-key-0123456789", photos, root.resolve("cache-sink"), root.resolve("sink.json"));
                rate("sink", r);
                if (subsetKept > 0) {
                    // Near 1 when memory is bounded, near the files ratio when it grows with them.
                    figures.put("sink_files_vs_subset_ratio", String.format("%.2f", (double) files / subsetFiles));
                    figures.put("sink_heap_after_gc_vs_subset_ratio", String.format("%.2f",
                            r.path("peakHeapAfterGcBytes").asDouble() / subsetKept));
                }
            }
            if (sinkOnly) {
                figures.put("loadavg_end", loadAverage());
                figures.forEach((k, v) -> System.out.println(k + "=" + v));
                return;
            }
            System.out.println("starting a fresh Shoebox server (embedded PostgreSQL) in " + root.resolve("library"));
            ServerConfig config = ServerConfig.defaults(root.resolve("library")).withBind("127.0.0.1", 0)
                    .withStorageTemplate(Optional.empty()).withInProcessJobs(false)
                    .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.of("bench@shoebox.local"), Optional.of("bench-password-123"),
                            Optional.of(KEY)));
            try (ShoeboxServer server = ShoeboxServer.start(config)) {
                String url = "http://127.0.0.1:" + server.port();
                Path cache = root.resolve("cache-server");
                JsonNode first = upload(url, KEY, photos, cache, root.resolve("server.json"));
                rate("server", first);
                figures.put("server_vs_sink_files_ratio", String.format("%.2f",
                        Double.parseDouble(figures.get("server_files_per_s")) / Double.parseDouble(figures.get("sink_files_per_s"))));
                long t0 = System.nanoTime();
                JsonNode again = upload(url, KEY, photos, cache, root.resolve("rerun.json"));
                double wall = (System.nanoTime() - t0) / 1e9;
                if (again.at("/counts/uploaded").asLong() != 0 || again.at("/counts/duplicates").asLong() != files) {
                    throw new IllegalStateException("the re-run was not a no-op: " + again.get("counts"));
                }
                figures.put("noop_rerun_seconds", String.format("%.2f", wall));
                figures.put("noop_rerun_pipeline_seconds", String.format("%.2f", again.get("elapsedSeconds").asDouble()));
                figures.put("noop_rerun_files_read", String.valueOf(again.get("filesRead").asLong()));
                figures.put("noop_rerun_peak_rss_mb", mb(again.path("peakRssBytes").asLong()));
                figures.put("noop_rerun_cpu_seconds", String.format("%.1f", again.path("cpuMillis").asLong() / 1000.0));
                figures.put("noop_rerun_seconds_before_upload", String.format("%.2f", again.path("secondsBeforeUpload").asDouble()));
            }
            figures.put("loadavg_end", loadAverage());
        } catch (IOException e) {
            throw new UncheckedIOException("the upload benchmark failed: " + e.getMessage(), e);
        } finally {
            deleteTree(root);
        }
        figures.forEach((k, v) -> System.out.println(k + "=" + v));
    }

    private void rate(String name, JsonNode r) {
        double seconds = r.get("elapsedSeconds").asDouble();
        long n = r.at("/counts/uploaded").asLong();
        if (n != files) {
            throw new IllegalStateException(name + ": uploaded " + n + " of " + files + ": " + r.get("counts") + " " + r.get("failed"));
        }
        long bytes = r.at("/bytes/uploaded").asLong();
        System.out.printf("%s: %d files, %s MB in %.2f s%n", name, n, mb(bytes), seconds);
        figures.put(name + "_files_per_s", String.format("%.0f", n / seconds));
        figures.put(name + "_mb_per_s", String.format("%.1f", bytes / seconds / (1 << 20)));
        figures.put(name + "_peak_rss_mb", mb(r.path("peakRssBytes").asLong()));
        figures.put(name + "_peak_heap_after_gc_mb", mb(r.path("peakHeapAfterGcBytes").asLong()));
        figures.put(name + "_heap_held_at_end_mb", mb(r.path("heapHeldAtEndBytes").asLong()));
        figures.put(name + "_cpu_seconds", String.format("%.1f", r.path("cpuMillis").asLong() / 1000.0));
    }

    /** Takeout zip parts of 10,000 photos, each with a sidecar as Google writes it (new style). */
    private List<Path> generateTakeout(Path dir) {
        System.out.printf("generating a Takeout of %d photos of %d bytes (with JSON sidecars) in %s%n", files, size, dir);
        SplittableRandom random = new SplittableRandom(42);
        byte[] b = new byte[size];
        List<Path> parts = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            java.util.zip.ZipOutputStream zip = null;
            for (int i = 0; i < files; i++) {
                if (i % 10_000 == 0) {
                    if (zip != null) {
                        zip.close();
                    }
                    Path part = dir.resolve(String.format("takeout-20240601T000000Z-%03d.zip", parts.size() + 1));
                    parts.add(part);
                    zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(part));
                }
                random.nextBytes(b);
                b[0] = (byte) 0xFF;
                b[1] = (byte) 0xD8;
                b[2] = (byte) 0xFF;
                b[3] = (byte) 0xE0;
                String folder = "Takeout/Google Photos/Photos from " + (2000 + i / 5000) + "/";
                String name = String.format("IMG_%06d.jpg", i);
                java.util.zip.ZipEntry media = new java.util.zip.ZipEntry(folder + name);
                media.setMethod(java.util.zip.ZipEntry.STORED);
                media.setSize(b.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(b);
                media.setCrc(crc.getValue());
                zip.putNextEntry(media);
                zip.write(b);
                zip.closeEntry();
                zip.putNextEntry(new java.util.zip.ZipEntry(folder + name + ".supplemental-metadata.json"));
                zip.write(String.format("{\"title\":\"%s\",\"description\":\"\",\"photoTakenTime\":{\"timestamp\":\"%d\"},"
                        + "\"geoData\":{\"latitude\":48.85,\"longitude\":2.35,\"altitude\":0.0},\"url\":\"https://photos.google.com/\"}",
                        name, 946684800L + i * 3600L).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            if (zip != null) {
                zip.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Takeout: " + e.getMessage(), e);
        }
        return parts;
    }

    /**
     * The folders of the first quarter (or less) of the photos, a folder holding 1,000; none for a
     * Takeout or under 4,000 photos.
     */
    private List<Path> subset(List<Path> photos) {
        if (!source.equals("folder") || files < 4000) {
            return List.of();
        }
        List<Path> q = new ArrayList<>();
        for (int i = 0; i < files / 4000; i++) {
            q.add(photos.getFirst().resolve(String.format("%03d", i)));
        }
        return q;
    }

    private Path generate(Path dir) {
        System.out.printf("generating %d photos of %d bytes in %s%n", files, size, dir);
        SplittableRandom random = new SplittableRandom(42);
        byte[] b = new byte[size];
        try {
            for (int i = 0; i < files; i++) {
                Path sub = dir.resolve(String.format("%03d", i / 1000));
                if (i % 1000 == 0) {
                    Files.createDirectories(sub);
                }
                random.nextBytes(b);
                b[0] = (byte) 0xFF;
                b[1] = (byte) 0xD8;
                b[2] = (byte) 0xFF;
                b[3] = (byte) 0xE0;
                Files.write(sub.resolve(String.format("IMG_%06d.jpg", i)), b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the photos: " + e.getMessage(), e);
        }
        return dir;
    }

    /** Runs {@code shoebox upload from-folder} (or {@code from-google-photos}) as a child process; answers its report. */
    private JsonNode upload(String url, String key, List<Path> photos, Path cache, Path report) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "upload", source.equals("folder") ? "from-folder" : "from-google-photos", "--server", url,
                "--api-key", key, "--no-ui", "--progress-interval", "30", "--cache-dir", cache.toString(), "--report",
                report.toString(), "--concurrency", String.valueOf(concurrency)));
        photos.forEach(p -> command.add(p.toString()));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(report.resolveSibling(
                    report.getFileName() + ".log").toFile()).start();
            if (!p.waitFor(2, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the uploader did not finish in 2 hours");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("the uploader exited with " + p.exitValue() + ": "
                        + Files.readString(report.resolveSibling(report.getFileName() + ".log")));
            }
            return new ObjectMapper().readTree(report.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void machine() {
        String cpu = "unknown";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException ignored) {
            // not Linux
        }
        System.out.printf("machine: %d cpus, %s; load %s%n", Runtime.getRuntime().availableProcessors(), cpu, loadAverage());
        figures.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        figures.put("cpu_model", cpu.replace(' ', '_'));
        figures.put("source", source);
        figures.put("files", String.valueOf(files));
        figures.put("file_bytes", String.valueOf(size));
        figures.put("uploader_max_heap", heap);
        figures.put("loadavg_start", loadAverage());
    }

    private static String mb(long bytes) {
        return String.format("%.0f", bytes / (double) (1 << 20));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
