package app.shoebox.client.api;

import java.io.IOException;
import java.util.concurrent.Future;

/**
 * One attempt of one request, as the idle watch sees it: when bytes last moved, when the body was
 * fully handed to the connection, and whether the source failed while being read.
 */
public final class Exchange {

    private volatile long lastActivity = System.nanoTime();
    private volatile long bodyDone;
    private volatile Future<?> future;
    private volatile boolean timedOut;
    private volatile IOException sourceFailure;

    /** Bytes moved: the attempt is alive. */
    public void touch() {
        lastActivity = System.nanoTime();
    }

    /** The last byte of the body was read by the connection. */
    public void bodyDone() {
        bodyDone = System.nanoTime();
        touch();
    }

    /** The request body's source failed; the attempt is lost and must not be retried. */
    public void sourceFailed(IOException e) {
        sourceFailure = e;
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
