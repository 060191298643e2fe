package app.shoebox.cli.bench;

import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.server.db.EmbeddedDatabase;
import app.shoebox.server.db.LibraryLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code shoebox bench durability}: what durability costs an upload. The same generated JPEGs go, by
 * HTTP from a few clients at once, into a real server on a fresh library whose embedded PostgreSQL
 * runs first as {@code shoebox serve} ran it before (fsync and synchronous commit off: the anchor)
 * and then as it runs now (durable), in the same run; each upload counts once the server answered
 * 201. Background jobs are not worked, so the figures are the upload path alone.
 */
@Command(name = "durability", mixinStandardHelpOptions = true,
        description = "Measure uploads into a real server with the embedded database durable, against the earlier fsync-off setting.")
public final class DurabilityBench implements Callable<Integer> {

    static final String KEY = "upload-bench-key-0123456789abcdef";

    @Option(names = "--files", defaultValue = "300", description = "JPEGs uploaded per run (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--clients", defaultValue = "4", description = "Uploads at once (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rounds", defaultValue = "2",
            description = "Times each setting is measured, alternating, to even out a shared machine (default ${DEFAULT-VALUE}).")
    int rounds;

    private final Map<String, String> figures = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (files < 1 || clients < 1 || rounds < 1) {
            throw new IllegalArgumentException("--files, --clients and --rounds must be positive");
        }
        System.out.printf("generating %d JPEGs...%n", files);
        List<byte[]> jpegs = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            jpegs.add(jpeg(i));
        }
        long bytes = jpegs.stream().mapToLong(b -> b.length).sum();
        System.out.printf("%d JPEGs, %.1f MB; %d clients; load %s%n", files, bytes / 1e6, clients, loadAverage());
        figures.put("files", String.valueOf(files));
        figures.put("megabytes", String.format(Locale.ROOT, "%.1f", bytes / 1e6));
        figures.put("loadavg_start", loadAverage());
        System.out.println("warm-up run (not counted):");
        run(EmbeddedDatabase.Durability.DURABLE, jpegs.subList(0, Math.min(jpegs.size(), 50)));
        Map<EmbeddedDatabase.Durability, List<Double>> rates = new LinkedHashMap<>();
        Map<EmbeddedDatabase.Durability, List<Double>> p95s = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (EmbeddedDatabase.Durability d : List.of(EmbeddedDatabase.Durability.UNSAFE_NO_FSYNC, EmbeddedDatabase.Durability.DURABLE)) {
                double[] result = run(d, jpegs);
                rates.computeIfAbsent(d, k -> new ArrayList<>()).add(result[0]);
                p95s.computeIfAbsent(d, k -> new ArrayList<>()).add(result[1]);
            }
        }
        double anchor = median(rates.get(EmbeddedDatabase.Durability.UNSAFE_NO_FSYNC));
        double durable = median(rates.get(EmbeddedDatabase.Durability.DURABLE));
        figures.put("uploads_per_s_fsync_off", fmt(anchor));
        figures.put("uploads_per_s_durable", fmt(durable));
        figures.put("p95_ms_fsync_off", fmt(median(p95s.get(EmbeddedDatabase.Durability.UNSAFE_NO_FSYNC))));
        figures.put("p95_ms_durable", fmt(median(p95s.get(EmbeddedDatabase.Durability.DURABLE))));
        figures.put("durable_over_fsync_off", String.format(Locale.ROOT, "%.2f", durable / anchor));
        figures.put("loadavg_end", loadAverage());
        figures.forEach((k, v) -> System.out.println(k + "=" + v));
        return 0;
    }

    /** One run on a fresh library: uploads per second and the 95th percentile of one upload, in ms. */
    private double[] run(EmbeddedDatabase.Durability durability, List<byte[]> jpegs) throws Exception {
        Path work = Files.createTempDirectory("shoebox-bench-upload-");
        Path dbLibrary = Files.createDirectories(work.resolve("database"));
        Path library = Files.createDirectories(work.resolve("library"));
        try (LibraryLock lock = LibraryLock.acquire(dbLibrary, "bench durability");
             EmbeddedDatabase pg = EmbeddedDatabase.start(dbLibrary, durability)) {
            DatabaseUrl url = DatabaseUrl.parse(pg.access().url(true));
            ServerConfig config = ServerConfig.defaults(library).withBind("127.0.0.1", 0).withDatabaseUrl(Optional.of(url))
                    .withFirstAdmin(new ServerConfig.FirstAdmin(Optional.empty(), Optional.empty(), Optional.of(KEY)));
            try (ShoeboxServer server = ShoeboxServer.start(config);
                 ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                HttpClient http = HttpClient.newHttpClient();
                AtomicInteger next = new AtomicInteger();
                List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
                long start = System.nanoTime();
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    futures.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < jpegs.size(); i = next.getAndIncrement()) {
                            long t = System.nanoTime();
                            upload(http, server.port(), "bench-" + i + ".jpg", jpegs.get(i));
                            latencies.add(System.nanoTime() - t);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                List<Long> sorted = latencies.stream().sorted().toList();
                double p95 = sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.95) - 1)) / 1e6;
                double rate = jpegs.size() / seconds;
                System.out.printf("%-16s %d uploads in %.2f s: %.1f uploads/s, p95 %.1f ms%n", durability, jpegs.size(), seconds,
                        rate, p95);
                return new double[] {rate, p95};
            }
        } finally {
            deleteTree(work);
        }
    }

    /** Uploads one file as Immich's clients do, with the benchmark's admin key; returns the server's answer (its {@code id}). */
    static String upload(HttpClient http, int port, String name, byte[] content) throws IOException, InterruptedException {
        String boundary = "----bench-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 1024);
        for (String[] f : new String[][] {{"deviceAssetId", name}, {"deviceId", "bench"},
                {"fileCreatedAt", "2024-01-01T00:00:00Z"}, {"fileModifiedAt", "2024-01-01T00:00:00Z"}}) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n" + f[1] + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"" + name
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/assets"))
                .header("x-api-key", KEY).header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("upload of " + name + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** A 1600x1200 JPEG (a gradient with some noise), about 120 KB, different for each seed. */
    private static byte[] jpeg(int seed) throws IOException {
        return jpeg(seed, 1600, 1200);
    }

    /** A JPEG of the given size (a gradient with some noise), different for each seed. */
    static byte[] jpeg(int seed, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        int base = random.nextInt(0xFFFFFF);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int v = ((x * 255 / image.getWidth()) << 16) | ((y * 255 / image.getHeight()) << 8) | (random.nextInt(64));
                image.setRGB(x, y, v ^ base);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
