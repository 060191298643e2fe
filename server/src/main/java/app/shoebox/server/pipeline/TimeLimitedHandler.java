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
 * limits of their own and are killed; an in-process decoder that ignores the interrupt is the
 * reason media jobs run in worker processes, where a restart ends it.
 */
final class TimeLimitedHandler implements JobHandler {

    private final JobHandler inner;
    private final Duration limit;

    TimeLimitedHandler(JobHandler inner, Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a job time limit must be positive, got " + limit);
        }
        this.inner = inner;
        this.limit = limit;
    }

    @Override
    public JobOutcome handle(JobContext ctx) throws Exception {
        FutureTask<JobOutcome> task = new FutureTask<>(() -> inner.handle(ctx));
        Thread runner = Thread.ofVirtual().name("job-" + ctx.id() + "-" + ctx.kind()).start(task);
        try {
            return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            runner.interrupt();
            return JobOutcome.retry(ctx.kind() + " of job " + ctx.id() + " (" + ctx.args() + ") ran longer than its limit of "
                    + limit.toSeconds() + " s and was stopped");
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
}
