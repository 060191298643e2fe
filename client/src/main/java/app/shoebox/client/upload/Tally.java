package app.shoebox.client.upload;

import java.util.concurrent.atomic.LongAdder;

/** The counts of a run, kept from the event stream; safe to read at any time. */
public final class Tally implements UploadListener {

    /**
     * A snapshot. {@code found = uploaded + duplicates + skipped + failed + unprocessed}, where
     * unprocessed is what a stopped run never reached.
     */
    public record Counts(long found, long foundBytes, long uploaded, long uploadedBytes, long duplicates, long skipped,
                         long failed, long warnings, long metadataUpdates, long processedBytes) {
        public long done() {
            return uploaded + duplicates + skipped + failed;
        }

        public long unprocessed() {
            return found - done();
        }
    }

    private final LongAdder found = new LongAdder();
    private final LongAdder foundBytes = new LongAdder();
    private final LongAdder uploaded = new LongAdder();
    private final LongAdder uploadedBytes = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder warnings = new LongAdder();
    private final LongAdder metadata = new LongAdder();
    private final LongAdder processedBytes = new LongAdder();

    @Override
    public void on(UploadEvent event) {
        switch (event) {
            case UploadEvent.Found f -> {
                found.increment();
                foundBytes.add(f.size());
            }
            case UploadEvent.Uploaded u -> {
                uploaded.increment();
                uploadedBytes.add(u.size());
                processedBytes.add(u.size());
            }
            case UploadEvent.Duplicate d -> {
                duplicates.increment();
                processedBytes.add(d.size());
            }
            case UploadEvent.Skipped s -> {
                skipped.increment();
                processedBytes.add(s.size());
            }
            case UploadEvent.Failed f -> {
                failed.increment();
                processedBytes.add(f.size());
            }
            case UploadEvent.Warning w -> warnings.increment();
            case UploadEvent.MetadataUpdated m -> metadata.increment();
            default -> {
            }
        }
    }

    public Counts counts() {
        return new Counts(found.sum(), foundBytes.sum(), uploaded.sum(), uploadedBytes.sum(), duplicates.sum(), skipped.sum(),
                failed.sum(), warnings.sum(), metadata.sum(), processedBytes.sum());
    }
}
