package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobHandler;
import app.shoebox.jobs.JobOutcome;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gives a handler a time limit per attempt. When it runs over, its thread is interrupted and the
 * attempt ends as a retry with that reason (after the kind's last attempt, the job fails with it),
 * so one slow or hung file never holds a worker slot for ever. A late completion of the abandoned
 * attempt is rejected by the engine's fencing. The external tools (ffmpeg, vipsthumbnail) have
 * limits of their own and are killed. A thread that ignores the interrupt (a native decoder, a read
 * from a dead mount) is the {@link Watchdog}'s: in a worker process it ends the process, so the job
 * is rescued and counted as a worker death.
 */
final class TimeLimitedHandler implements JobHandler {

    private final JobHandler inner;
    private final Duration limit;
    private final Watchdog watchdog;

    TimeLimitedHandler(JobHandler inner, Duration limit, Watchdog watchdog) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a job time limit must be positive, got " + limit);
        }
        this.inner = inner;
        this.limit = limit;
        this.watchdog = watchdog;
    }

    @Override
    public JobOutcome handle(JobContext ctx) throws Exception {
        FutureTask<JobOutcome> task = new FutureTask<>(() -> inner.handle(ctx));
        // A platform thread, not a virtual one: a call that never returns (a native decoder, a read
        // from a dead mount) then holds only this thread. A virtual thread would hold one of the
        // few carriers every virtual thread shares, and once the JDK's compensating carrier retires
        // (after 30 s idle, measured on JDK 25), two of them stall every virtual thread of the
        // process on two cores: the engine's, and this watchdog's own.
        Thread runner = Thread.ofPlatform().daemon().name("job-" + ctx.id() + "-" + ctx.kind()).start(task);
        try {
            return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            runner.interrupt();
            String reason = ctx.kind() + " of job " + ctx.id() + " (" + ctx.args() + ") ran longer than its limit of "
                    + limit.toSeconds() + " s and was stopped";
            if (!stopsWithin(task, watchdog.margin())) {
                watchdog.hung(ctx, limit, runner);
                return JobOutcome.retry(reason + "; its thread ignored the interrupt and was left behind");
            }
            return JobOutcome.retry(reason);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } catch (InterruptedException e) {
            // The job was cancelled or the node is stopping: pass it on to the handler.
            runner.interrupt();
            throw e;
        }
    }

    /** Whether the interrupted attempt ends (in any way) within {@code margin}. */
    private static boolean stopsWithin(FutureTask<JobOutcome> task, Duration margin) throws InterruptedException {
        try {
            task.get(margin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            // It ended, by failing: that is stopping.
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }
}
