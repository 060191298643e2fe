package app.shoebox.client.api;

import java.io.IOException;
import java.util.concurrent.Future;

/**
 * One attempt of one request, as the idle watch sees it: when bytes last moved, how fast the body
 * was going, when it was fully handed to the connection, and whether its source failed.
 *
 * <p>The connection takes a body's bytes into the operating system's socket buffers, which on a
 * fast link hold several megabytes: the last of them can still be on their way long after the
 * body was handed over. So once the body is done, the attempt is only idle after the idle timeout
 * plus the time those buffers take to drain at the rate the body was going
 * ({@link #drainAllowanceNanos}); a stalled server is still caught, a slow link is not mistaken for one.
 */
public final class Exchange {

    /** What the socket buffers between here and the server may hold (send and receive, a few MB each). */
    static final long BUFFERED_BYTES = 8L << 20;

    private volatile long lastActivity = System.nanoTime();
    private volatile long bodyDone;
    private volatile Future<?> future;
    private volatile boolean timedOut;
    private volatile IOException sourceFailure;
    private long bytes;
    private long windowStart = System.nanoTime();
    private long windowBytes;
    private volatile double bytesPerNano;
    private final long start = System.nanoTime();
    private final java.util.List<java.io.Closeable> resources = new java.util.ArrayList<>();

    /** Bytes moved: the attempt is alive. */
    public void touch() {
        lastActivity = System.nanoTime();
    }

    /** {@code n} body bytes taken by the connection. */
    public synchronized void moved(long n) {
        long now = System.nanoTime();
        lastActivity = now;
        bytes += n;
        windowBytes += n;
        if (now - windowStart >= 1_000_000_000L) {
            bytesPerNano = (double) windowBytes / (now - windowStart);
            windowStart = now;
            windowBytes = 0;
        }
    }

    /** The last byte of the body was read by the connection. */
    public synchronized void bodyDone() {
        long now = System.nanoTime();
        if (bytesPerNano == 0 && now > start) {
            bytesPerNano = (double) bytes / (now - start);
        }
        bodyDone = now;
        lastActivity = now;
    }

    /** Closed when the attempt ends, however it ends (an abandoned attempt's body is never read to its end). */
    public synchronized void closeAtEnd(java.io.Closeable c) {
        resources.add(c);
    }

    synchronized void closeResources() {
        for (java.io.Closeable c : resources) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the attempt is over either way
            }
        }
        resources.clear();
    }

    /** The request body's source failed; the attempt is lost and must not be retried. */
    public void sourceFailed(IOException e) {
        sourceFailure = e;
    }

    /** Time for what may still sit in socket buffers to reach the server, at the rate the body went. */
    synchronized long drainAllowanceNanos() {
        if (bodyDone == 0 || bytesPerNano <= 0) {
            return 0;
        }
        return (long) (Math.min(bytes, BUFFERED_BYTES) / bytesPerNano);
    }

    long lastActivity() {
        return lastActivity;
    }

    long bodyDoneNanos() {
        return bodyDone;
    }

    IOException sourceFailure() {
        return sourceFailure;
    }

    boolean timedOut() {
        return timedOut;
    }

    void attach(Future<?> f) {
        future = f;
    }

    void expire() {
        timedOut = true;
        Future<?> f = future;
        if (f != null) {
            f.cancel(true);
        }
    }
}
