package app.shoebox.server.throttle;

import app.shoebox.server.http.HttpServer;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * What the API is doing now, as the serving process sees it: uploads whose body is being received,
 * and how long reads took over the last {@link #WINDOW}. The throttle reads it; so does /metrics.
 *
 * <p>Reads are {@code GET /api/...} answered from the catalogue (an asset, the timeline, a search):
 * the requests a person waits on while scrolling. Downloads of files are left out, since they take
 * as long as the file is large, and so is the live-events socket, which stays open.
 */
public final class ApiLoad implements HttpServer.RequestObserver {

    /**
     * Long enough to hold a few dozen reads of a person browsing (the web UI sends a handful per
     * second while scrolling), short enough that the throttle follows a burst within seconds.
     */
    static final Duration WINDOW = Duration.ofSeconds(10);
    /** The most reads kept: at 100 a second over the window, the oldest are dropped first. */
    private static final int CAPACITY = 1024;
    private static final Pattern NOT_A_READ = Pattern.compile("/api/(assets/\\{id}/(original|thumbnail|video/playback)|socket\\.io).*");

    /** Uploads in flight, and the reads of the last {@link #WINDOW} (their count and 95th percentile). */
    public record Snapshot(int uploadsInFlight, int reads, Optional<Duration> readP95) {}

    private final AtomicInteger uploads = new AtomicInteger();
    private final long[] at = new long[CAPACITY];
    private final long[] took = new long[CAPACITY];
    private int next;
    private int size;

    @Override
    public void started(String method, String path) {
        if (isUpload(method, path)) {
            uploads.incrementAndGet();
        }
    }

    @Override
    public void finished(String method, String path) {
        if (isUpload(method, path)) {
            uploads.decrementAndGet();
        }
    }

    @Override
    public void observe(String method, String route, int status, long nanos) {
        if (!method.equals("GET") || !route.startsWith("/api/") || NOT_A_READ.matcher(route).matches()) {
            return;
        }
        synchronized (this) {
            at[next] = System.nanoTime();
            took[next] = nanos;
            next = (next + 1) % CAPACITY;
            size = Math.min(size + 1, CAPACITY);
        }
    }

    private static boolean isUpload(String method, String path) {
        return method.equals("POST") && (path.equals("/api/assets") || path.equals("/api/assets/"));
    }

    public int uploadsInFlight() {
        return uploads.get();
    }

    public Snapshot snapshot() {
        long since = System.nanoTime() - WINDOW.toNanos();
        long[] recent;
        synchronized (this) {
            recent = new long[size];
            int n = 0;
            for (int i = 0; i < size; i++) {
                int slot = Math.floorMod(next - 1 - i, CAPACITY);
                if (at[slot] - since < 0) {
                    break;
                }
                recent[n++] = took[slot];
            }
            recent = Arrays.copyOf(recent, n);
        }
        Arrays.sort(recent);
        Optional<Duration> p95 = recent.length == 0 ? Optional.empty()
                : Optional.of(Duration.ofNanos(recent[(int) Math.ceil(recent.length * 0.95) - 1]));
        return new Snapshot(uploads.get(), recent.length, p95);
    }
}
