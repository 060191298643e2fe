package app.shoebox.server.worker;

import app.shoebox.server.pipeline.Watchdog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a worker process running beside the server. Media decoding happens in that process, so a
 * native crash (a decoder segfault, the OOM killer) takes only the worker down: the supervisor
 * starts a new one after a backoff that grows while the worker keeps dying young, and the job
 * engine's rescuer hands the dead worker's jobs back (and quarantines a job that keeps killing it).
 */
public final class WorkerSupervisor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);

    /**
     * @param command      the worker's command line
     * @param environment  extra environment variables for it (e.g. the database URL with its password)
     * @param minBackoff   wait before the first restart
     * @param maxBackoff   the longest wait between restarts
     * @param healthyAfter a worker that lived this long is healthy again: the next restart waits {@code minBackoff}
     * @param stopGrace    how long {@link #close} lets the worker finish its running jobs before killing it
     */
    public record Settings(List<String> command, Map<String, String> environment, Duration minBackoff,
                           Duration maxBackoff, Duration healthyAfter, Duration stopGrace) {
        public Settings {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("the worker command is empty");
            }
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
        }

        public static Settings of(List<String> command, Map<String, String> environment) {
            return new Settings(command, environment, Duration.ofSeconds(1), Duration.ofSeconds(60),
                    Duration.ofMinutes(1), Duration.ofSeconds(30));
        }
    }

    private final Settings settings;
    private final Thread loop;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicInteger starts = new AtomicInteger();
    private volatile boolean stopping;
    private volatile Process current;

    private WorkerSupervisor(Settings settings) {
        this.settings = settings;
        this.loop = Thread.ofPlatform().name("worker-supervisor").daemon(true).unstarted(this::superviseLoop);
    }

    public static WorkerSupervisor start(Settings settings) {
        WorkerSupervisor s = new WorkerSupervisor(settings);
        s.loop.start();
        return s;
    }

    /** How many times a worker process was started (1 + restarts). */
    public int starts() {
        return starts.get();
    }

    /** The running worker, for tests and the jobs dashboard. */
    public java.util.Optional<ProcessHandle> process() {
        Process p = current;
        return p != null && p.isAlive() ? java.util.Optional.of(p.toHandle()) : java.util.Optional.empty();
    }

    /** Waits until the worker has been started {@code n} times, or the timeout passes. */
    public boolean awaitStarts(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (starts.get() < n || current == null || !current.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void superviseLoop() {
        Duration backoff = settings.minBackoff();
        while (!stopping) {
            long started = System.nanoTime();
            int exit;
            try {
                Process p = launch();
                signal(() -> {
                    current = p;
                    starts.incrementAndGet();
                });
                exit = p.waitFor();
            } catch (IOException e) {
                log.error("cannot start the worker process ({}): {}", String.join(" ", settings.command()), e.getMessage());
                exit = -1;
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
                continue;
            }
            if (stopping) {
                return;
            }
            Duration lived = Duration.ofNanos(System.nanoTime() - started);
            backoff = lived.compareTo(settings.healthyAfter()) >= 0 ? settings.minBackoff() : backoff;
            Process gone = current;
            log.warn("worker process {} exited with status {}{} after {} s; starting a new one in {} ms",
                    gone == null ? "?" : gone.pid(), exit, why(exit), lived.toSeconds(), backoff.toMillis());
            if (!sleep(backoff)) {
                return;
            }
            backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
        }
    }

    /** What an exit status says about how a worker ended. */
    private static String why(int exit) {
        return switch (exit) {
            case 137 -> " (killed: SIGKILL, or out of memory)";
            case 134, 139 -> " (crashed in native code)";
            case Watchdog.EXIT_STATUS -> " (a job ignored being stopped at its time limit)";
            default -> "";
        };
    }

    private Process launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(settings.command()).redirectErrorStream(true);
        pb.environment().putAll(settings.environment());
        Process p = pb.start();
        // A platform thread: it blocks on the worker's output pipe for the worker's whole life, which
        // on a virtual thread would hold a carrier the server's requests need (see TimeLimitedHandler).
        Thread.ofPlatform().daemon().name("worker-output-" + p.pid()).start(() -> forwardOutput(p));
        log.info("worker process {} started", p.pid());
        return p;
    }

    private static void forwardOutput(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.info("[worker {}] {}", p.pid(), line);
            }
        } catch (IOException e) {
            log.debug("worker output closed: {}", e.toString());
        }
    }

    private boolean sleep(Duration d) {
        lock.lock();
        try {
            long left = d.toNanos();
            while (!stopping && left > 0) {
                left = changed.awaitNanos(left);
            }
            return !stopping;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Asks the worker to stop (SIGTERM: it finishes or hands back its jobs), and kills it after the grace period. */
    @Override
    public void close() {
        signal(() -> stopping = true);
        Process p = current;
        if (p != null && p.isAlive()) {
            log.info("stopping worker process {} (it finishes or hands back its jobs within {} s)", p.pid(),
                    settings.stopGrace().toSeconds());
            p.destroy();
            try {
                if (!p.waitFor(settings.stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("worker process {} did not stop within {} s; killing it", p.pid(), settings.stopGrace().toSeconds());
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                log.info("worker process {} stopped with status {}", p.pid(), p.isAlive() ? "?" : p.exitValue());
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        loop.interrupt();
    }
}
