package app.shoebox.cli.upload;

import app.shoebox.client.upload.Tally;
import app.shoebox.client.upload.UploadEvent;
import app.shoebox.client.upload.UploadListener;
import app.shoebox.client.upload.UploadPipeline;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The final report, kept from the event stream: counts that add up, and every file skipped or
 * failed with its reason, every warning and note. Printed as a summary; written as JSON with
 * {@code --report}.
 */
final class RunReport implements UploadListener {

    record Entry(String path, String reason) {
    }

    private final List<Entry> skipped = Collections.synchronizedList(new ArrayList<>());
    private final List<Entry> failed = Collections.synchronizedList(new ArrayList<>());
    private final List<Entry> warnings = Collections.synchronizedList(new ArrayList<>());
    private final List<Entry> notes = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> albumsAdded = Collections.synchronizedMap(new TreeMap<>());
    private final List<Entry> concurrency = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();
    private final Instant startedAt = Instant.now();

    @Override
    public void on(UploadEvent e) {
        switch (e) {
            case UploadEvent.Skipped s -> skipped.add(new Entry(s.path(), s.reason()));
            case UploadEvent.Failed f -> failed.add(new Entry(f.path(), f.reason()));
            case UploadEvent.Warning w -> warnings.add(new Entry(w.path(), w.message()));
            case UploadEvent.Note n -> notes.add(new Entry(n.path(), n.message()));
            case UploadEvent.AlbumUpdated a -> albumsAdded.merge(a.album(), (long) a.added(), Long::sum);
            case UploadEvent.Concurrency c -> concurrency.add(new Entry(String.valueOf(c.limit()), c.why()));
            case UploadEvent.Retrying r -> retries.incrementAndGet();
            default -> {
            }
        }
    }

    /** The human summary, ending with the counts that add up. */
    void printSummary(PrintStream out, UploadPipeline.Result r, boolean dryRun) {
        Tally.Counts c = r.counts();
        out.println();
        out.println(dryRun ? "Dry run: nothing was uploaded or changed." : r.stopReason().isPresent() ? "Upload stopped." : "Upload finished.");
        r.stopReason().ifPresent(s -> {
            // The reason says what to do (download a part again, free space...); a plain re-run is not always enough.
            out.println("Stopped early: " + Format.printable(s));
            out.println("What this run did is kept: once the cause is dealt with, the same command resumes where it stopped.");
        });
        out.printf("  found       %,10d files (%s)%n", c.found(), Format.bytes(c.foundBytes()));
        out.printf("  %-11s %,10d (%s)%n", dryRun ? "to upload" : "uploaded", c.uploaded(), Format.bytes(c.uploadedBytes()));
        out.printf("  duplicates  %,10d%n", c.duplicates());
        out.printf("  skipped     %,10d%n", c.skipped());
        out.printf("  failed      %,10d%n", c.failed());
        if (c.unprocessed() > 0) {
            out.printf("  not reached %,10d (run again to resume)%n", c.unprocessed());
        }
        out.printf("  (found = uploaded + duplicates + skipped + failed%s)%n", c.unprocessed() > 0 ? " + not reached" : "");
        if (c.metadataUpdates() > 0) {
            out.printf("  metadata set on %,d assets%n", c.metadataUpdates());
        }
        if (!albumsAdded.isEmpty()) {
            out.printf("  albums: %s%n", albumsAdded.size() <= 8 ? albumsAdded.toString() : albumsAdded.size() + " albums");
        }
        out.printf("  %d files read (%s) in %s%n", r.filesRead(), Format.bytes(r.bytesRead()), Format.duration(r.elapsed()));
        if (!skipped.isEmpty()) {
            out.println("Skipped, by reason:");
            byReason(skipped).forEach((reason, n) -> out.printf("  %,8d  %s%n", n, Format.printable(reason)));
        }
        if (!warnings.isEmpty()) {
            out.printf("%d warnings (uploaded with a caveat):%n", warnings.size());
            byReason(warnings).entrySet().stream().limit(10).forEach(x -> out.printf("  %,8d  %s%n", x.getValue(),
                    Format.printable(x.getKey())));
        }
        if (!notes.isEmpty()) {
            out.printf("%d notes (folders left out, sidecars with no photo, ...):%n", notes.size());
            byReason(notes).entrySet().stream().limit(10).forEach(x -> out.printf("  %,8d  %s%n", x.getValue(),
                    Format.printable(x.getKey())));
        }
        if (!failed.isEmpty()) {
            out.printf("%d files failed:%n", failed.size());
            synchronized (failed) {
                failed.stream().limit(20).forEach(f -> out.println("  " + Format.printable(f.path() + ": " + f.reason())));
            }
            if (failed.size() > 20) {
                out.println("  ... (all of them in the --report file)");
            }
        }
    }

    private static Map<String, Long> byReason(List<Entry> entries) {
        Map<String, Long> m = new LinkedHashMap<>();
        synchronized (entries) {
            entries.forEach(e -> m.merge(e.reason(), 1L, Long::sum));
        }
        return m;
    }

    /** Writes the report as JSON (a temp file renamed into place: never half a report). */
    void write(Path file, UploadPipeline.Result r, Map<String, Object> about) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        about.forEach((k, v) -> root.putPOJO(k, v));
        root.put("startedAt", startedAt.toString());
        root.put("elapsedSeconds", r.elapsed().toMillis() / 1000.0);
        Tally.Counts c = r.counts();
        ObjectNode counts = root.putObject("counts");
        counts.put("found", c.found());
        counts.put("uploaded", c.uploaded());
        counts.put("duplicates", c.duplicates());
        counts.put("skipped", c.skipped());
        counts.put("failed", c.failed());
        counts.put("unprocessed", c.unprocessed());
        counts.put("warnings", c.warnings());
        counts.put("metadataUpdates", c.metadataUpdates());
        ObjectNode bytes = root.putObject("bytes");
        bytes.put("found", c.foundBytes());
        bytes.put("uploaded", c.uploadedBytes());
        bytes.put("read", r.bytesRead());
        root.put("filesRead", r.filesRead());
        root.put("stopReason", r.stopReason().orElse(null));
        root.put("complete", r.complete());
        Memory.peaks().forEach(root::put);
        root.putPOJO("albums", new TreeMap<>(albumsAdded));
        root.put("retries", retries.get());
        synchronized (concurrency) {
            // each change of the number of uploads at once: the new limit, and why
            root.putPOJO("concurrency", List.copyOf(concurrency));
        }
        root.putPOJO("skippedByReason", byReason(skipped));
        synchronized (skipped) {
            root.putPOJO("skipped", List.copyOf(skipped));
        }
        synchronized (failed) {
            root.putPOJO("failed", List.copyOf(failed));
        }
        synchronized (warnings) {
            root.putPOJO("warnings", List.copyOf(warnings));
        }
        synchronized (notes) {
            root.putPOJO("notes", List.copyOf(notes));
        }
        try {
            Path abs = file.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
            mapper.writeValue(tmp.toFile(), root);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + file + ": " + e.getMessage(), e);
        }
    }

    int notesCount() {
        return notes.size();
    }
}
