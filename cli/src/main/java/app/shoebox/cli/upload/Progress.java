package app.shoebox.cli.upload;

import app.shoebox.client.queues.QueueWatch;
import app.shoebox.client.upload.Tally;
import app.shoebox.client.upload.UploadEvent;
import app.shoebox.client.upload.UploadListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the user sees while a run goes: a live bar on a terminal, or a plain line every few seconds
 * (logs, CI, {@code --no-ui}); and one log line per failure, warning, retry or change of
 * concurrency (per file too with {@code --verbose}). Both read the same counts.
 */
final class Progress implements UploadListener, AutoCloseable {

    /** What a progress line shows. */
    record Status(Tally.Counts counts, long bytesSent, int inFlight, int limit, Optional<QueueWatch.Snapshot> jobs) {
    }

    private final PrintStream err;
    private final boolean verbose;
    private final Supplier<Status> status;
    private final ProgressBar bar;
    private final Thread ticker;
    private final long started = System.nanoTime();
    private final Deque<long[]> rateSamples = new ArrayDeque<>();

    private Progress(PrintStream err, boolean live, Duration interval, boolean verbose, Supplier<Status> status) {
        this.err = err;
        this.verbose = verbose;
        this.status = status;
        this.bar = live ? new ProgressBarBuilder().setTaskName("upload").setInitialMax(1).setUnit("MB", 1 << 20)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(500).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(err)).build() : null;
        Duration every = live ? Duration.ofMillis(500) : interval;
        this.ticker = Thread.ofVirtual().name("progress").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                tick();
            }
        });
    }

    static Progress start(PrintStream err, boolean live, Duration interval, boolean verbose, Supplier<Status> status) {
        return new Progress(err, live, interval, verbose, status);
    }

    /** A terminal that can show a live display: stdout and stderr not redirected. */
    static boolean terminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    private synchronized void tick() {
        Status s = status.get();
        if (bar != null) {
            bar.maxHint(Math.max(1, s.counts().foundBytes()));
            bar.stepTo(s.counts().processedBytes());
            bar.setExtraMessage(compact(s));
        } else {
            err.println(line(s));
        }
    }

    /** The plain progress line. */
    String line(Status s) {
        Tally.Counts c = s.counts();
        long elapsed = System.nanoTime() - started;
        rateSamples.addLast(new long[]{elapsed, c.processedBytes(), s.bytesSent()});
        while (rateSamples.size() > 2 && elapsed - rateSamples.peekFirst()[0] > Duration.ofSeconds(60).toNanos()) {
            rateSamples.removeFirst();
        }
        long[] first = rateSamples.peekFirst();
        double seconds = (elapsed - first[0]) / 1e9;
        double processedRate = seconds > 0 ? (c.processedBytes() - first[1]) / seconds : 0;
        double sendRate = seconds > 0 ? (s.bytesSent() - first[2]) / seconds : 0;
        long left = c.foundBytes() - c.processedBytes();
        String eta = processedRate > 0 && left > 0 ? ", ETA " + Format.duration(Duration.ofSeconds((long) (left / processedRate))) : "";
        return String.format("[%s] %s; sent %s (%s/s)%s; uploads in flight %d/%d%s",
                Format.duration(Duration.ofNanos(elapsed)), counts(s), Format.bytes(s.bytesSent()), Format.bytes((long) sendRate),
                eta, s.inFlight(), s.limit(), jobs(s));
    }

    /** What fits beside a bar: done of found, then what is not plain uploads, then the server's queue. */
    private static String compact(Status s) {
        Tally.Counts c = s.counts();
        StringBuilder sb = new StringBuilder(String.format(" %,d/%,d files: %,d up", c.done(), c.found(), c.uploaded()));
        if (c.duplicates() > 0) {
            sb.append(String.format(", %,d dup", c.duplicates()));
        }
        if (c.skipped() > 0) {
            sb.append(String.format(", %,d skip", c.skipped()));
        }
        if (c.failed() > 0) {
            sb.append(String.format(", %,d FAILED", c.failed()));
        }
        s.jobs().ifPresent(j -> sb.append(String.format("; server %,d+%,d jobs", j.active(), j.waiting())));
        return sb.toString();
    }

    private static String counts(Status s) {
        Tally.Counts c = s.counts();
        return String.format("%,d found: %,d uploaded, %,d duplicates, %,d skipped, %,d failed", c.found(), c.uploaded(),
                c.duplicates(), c.skipped(), c.failed());
    }

    private static String jobs(Status s) {
        return s.jobs().map(j -> "; server jobs " + j.active() + " active, " + j.waiting() + " waiting (" + j.busyQueues() + ")")
                .orElse("");
    }

    @Override
    public void on(UploadEvent e) {
        String msg = switch (e) {
            case UploadEvent.Failed f -> "failed: " + f.path() + ": " + f.reason();
            case UploadEvent.Warning w -> "warning: " + w.path() + ": " + w.message();
            case UploadEvent.Retrying r -> String.format("retrying %s in %.1f s (attempt %d failed: %s)", r.request(),
                    r.delay().toMillis() / 1000.0, r.failedAttempt(), r.reason());
            case UploadEvent.Concurrency c -> "uploads at once: " + c.limit() + " (" + c.why() + ")";
            case UploadEvent.Uploaded u when verbose -> "uploaded: " + u.path();
            case UploadEvent.Duplicate d when verbose -> "duplicate: " + d.path() + " (" + d.reason() + ")";
            case UploadEvent.Skipped s when verbose -> "skipped: " + s.path() + " (" + s.reason() + ")";
            case UploadEvent.Note n when verbose -> "note: " + n.path() + ": " + n.message();
            case UploadEvent.MetadataUpdated m when verbose -> "metadata: " + m.path() + ": " + String.join(", ", m.fields());
            case UploadEvent.AlbumUpdated a when verbose -> "album '" + a.album() + "': " + a.added() + " added"
                    + (a.created() ? " (created)" : "");
            case UploadEvent.Stacked st when verbose -> "stacked: " + String.join(", ", st.paths());
            default -> null;
        };
        if (msg != null) {
            log(msg);
        }
    }

    /** A log line that does not break the live display. */
    synchronized void log(String msg) {
        if (bar != null) {
            err.print("\r\033[K");
        }
        err.println(Format.printable(msg));
        if (bar != null) {
            bar.refresh();
        }
    }

    @Override
    public synchronized void close() {
        ticker.interrupt();
        if (bar != null) {
            Status s = status.get();
            bar.maxHint(Math.max(1, s.counts().foundBytes()));
            bar.stepTo(s.counts().processedBytes());
            bar.setExtraMessage(compact(s));
            bar.refresh();
            bar.close();
        } else {
            err.println(line(status.get()));
        }
    }
}
