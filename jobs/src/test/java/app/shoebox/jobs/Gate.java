package app.shoebox.jobs;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A handler body that holds every job until the gate opens, counting how many run at once and the peak. */
final class Gate {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final CountDownLatch open = new CountDownLatch(1);

    JobOutcome pass() throws InterruptedException {
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            open.await(60, TimeUnit.SECONDS);
        } finally {
            running.decrementAndGet();
        }
        return JobOutcome.complete();
    }
}
