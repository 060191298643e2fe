package app.shoebox.client.upload;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * How many uploads may be in flight. Fixed with {@code --concurrency N}; otherwise additive
 * increase, multiplicative decrease on what the server shows:
 * <ul>
 * <li>a 429 or 503 answer halves the limit: the server says it is overloaded;</li>
 * <li>server time (from an upload's last byte to its answer, so independent of the file's size)
 *     climbing above 3 times the best recent level, and above 50 ms, cuts it by a quarter: the
 *     server is queueing. The 50 ms floor keeps loopback noise (1 ms becoming 4 ms) from counting;</li>
 * <li>a full window of answers (as many as the limit) near the best level adds one.</li>
 * </ul>
 * After a cut, the next cut waits for a full window, so one slow burst is not punished twice.
 */
public final class ConcurrencyLimiter {

    public record Settings(int initial, int min, int max, boolean adaptive) {
        public Settings {
            if (min < 1 || initial < min || max < initial) {
                throw new IllegalArgumentException("need 1 <= min <= initial <= max, got " + min + ", " + initial + ", " + max);
            }
        }

        public static Settings fixed(int n) {
            return new Settings(n, n, n, false);
        }

        /** Sized to this machine: as many as its cores (2 to 4) to start, up to 4 per core (8 to 32). */
        public static Settings adaptiveForThisMachine() {
            int cpus = Runtime.getRuntime().availableProcessors();
            return new Settings(Math.clamp(cpus, 2, 4), 1, Math.clamp(4L * cpus, 8, 32), true);
        }
    }

    private static final long FLOOR_NANOS = 50_000_000L;
    private static final int WINDOW = 100;

    private final Settings settings;
    private final BiConsumer<Integer, String> onChange;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition free = lock.newCondition();
    private int limit;
    private int inFlight;
    private double ewma;
    private double best = Double.MAX_VALUE;
    private double windowBest = Double.MAX_VALUE;
    private int windowSamples;
    private int goodStreak;
    private int cooldown;

    public ConcurrencyLimiter(Settings settings, BiConsumer<Integer, String> onChange) {
        this.settings = settings;
        this.onChange = onChange;
        this.limit = settings.initial();
    }

    public void acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (inFlight >= limit) {
                free.await();
            }
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    public void release() {
        lock.lock();
        try {
            inFlight--;
            free.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** An answer came back after {@code serverNanos} of server time (0 when unknown). */
    public void success(long serverNanos) {
        if (!settings.adaptive()) {
            return;
        }
        String change = null;
        lock.lock();
        try {
            if (cooldown > 0) {
                cooldown--;
            }
            if (serverNanos > 0) {
                ewma = ewma == 0 ? serverNanos : 0.8 * ewma + 0.2 * serverNanos;
                windowBest = Math.min(windowBest, ewma);
                best = Math.min(best, ewma);
                if (++windowSamples >= WINDOW) {
                    // Let the reference drift up with the server's real level (a fuller database is slower).
                    best = windowBest;
                    windowBest = Double.MAX_VALUE;
                    windowSamples = 0;
                }
            }
            boolean slow = ewma > FLOOR_NANOS && ewma > 3 * best;
            if (slow && cooldown == 0 && limit > settings.min()) {
                limit = Math.max(settings.min(), limit * 3 / 4);
                cooldown = limit;
                goodStreak = 0;
                change = String.format("server time %.0f ms, 3x its best %.0f ms", ewma / 1e6, best / 1e6);
            } else if (!slow && (ewma <= FLOOR_NANOS || ewma < 1.5 * best)) {
                if (++goodStreak >= limit && limit < settings.max()) {
                    limit++;
                    goodStreak = 0;
                    free.signalAll();
                    change = "answers quick";
                }
            } else {
                goodStreak = 0;
            }
        } finally {
            lock.unlock();
        }
        report(change);
    }

    /** The server answered 429 or 503. */
    public void overloaded(String why) {
        if (!settings.adaptive()) {
            return;
        }
        String change = null;
        lock.lock();
        try {
            if (cooldown == 0 && limit > settings.min()) {
                limit = Math.max(settings.min(), limit / 2);
                cooldown = limit;
                goodStreak = 0;
                change = why;
            }
        } finally {
            lock.unlock();
        }
        report(change);
    }

    private void report(String change) {
        if (change != null) {
            onChange.accept(limit(), change);
        }
    }

    public int limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }
}
