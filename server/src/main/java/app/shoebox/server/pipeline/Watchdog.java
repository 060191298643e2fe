package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What happens to an attempt still running {@code margin} after it was interrupted at its time
 * limit. Nothing in Java can stop such a thread (it sits in a native decoder, or in a read from a
 * mount that stopped answering); it keeps its carrier and anything it holds for ever.
 *
 * <p>{@link #exitProcess} is for worker processes: it halts the JVM at once, like a crash, with no
 * shutdown hooks (a graceful stop would hand the job back without counting anything). The node's
 * heartbeat stops, so the rescuer returns its running jobs, each counting a worker death, and a job
 * that hangs every worker is quarantined after the poison limit; the supervisor starts a fresh
 * worker. {@link #logOnly} is for the server's in-process engine, which must not exit: it says so
 * in the log and leaves the thread.
 */
public record Watchdog(Duration margin, boolean exit) {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    /** The exit status of a worker halted by its watchdog. */
    public static final int EXIT_STATUS = 70;
    /** Time an interrupted attempt gets to stop before it counts as hung. */
    public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(60);

    public Watchdog {
        if (margin.isNegative() || margin.isZero()) {
            throw new IllegalArgumentException("a watchdog margin must be positive, got " + margin);
        }
    }

    public static Watchdog exitProcess(Duration margin) {
        return new Watchdog(margin, true);
    }

    public static Watchdog logOnly(Duration margin) {
        return new Watchdog(margin, false);
    }

    void hung(JobContext ctx, Duration limit, Thread runner) {
        String where = Arrays.stream(runner.getStackTrace()).limit(6).map(String::valueOf).collect(Collectors.joining(" <- "));
        String what = "job " + ctx.id() + " " + ctx.kind() + " " + ctx.args() + " is still running " + margin.toSeconds()
                + " s after it was stopped at its limit of " + limit.toSeconds() + " s (at " + where + "); it ignores interrupts";
        if (!exit) {
            log.error("{}, and its thread is left behind", what);
            return;
        }
        log.error("{}, so this worker exits now: a fresh one takes over, and the job is rescued, counting a worker death", what);
        Runtime.getRuntime().halt(EXIT_STATUS);
    }
}
