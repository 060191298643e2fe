package app.shoebox.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

/** One attempt in progress on this node; the handler sees it as its {@link JobContext}. */
final class RunningJob implements JobContext {
    final JobStore.Claimed claimed;
    private final Worker worker;
    private final int maxAttempts;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile boolean cancelRequested;
    private volatile boolean completedInTransaction;
    volatile Thread thread;

    RunningJob(JobStore.Claimed claimed, Worker worker, int maxAttempts) {
        this.claimed = claimed;
        this.worker = worker;
        this.maxAttempts = maxAttempts;
        this.cancelRequested = claimed.cancelRequested();
    }

    @Override
    public long id() {
        return claimed.id();
    }

    @Override
    public String kind() {
        return claimed.kind();
    }

    @Override
    public String queue() {
        return claimed.queue();
    }

    @Override
    public String args() {
        return claimed.args();
    }

    @Override
    public int attempt() {
        return claimed.attempt();
    }

    @Override
    public int maxAttempts() {
        return maxAttempts;
    }

    @Override
    public boolean cancelRequested() {
        return cancelRequested;
    }

    @Override
    public void completeInTransaction(TransactionalWork work) throws SQLException {
        if (completedInTransaction) {
            throw new IllegalStateException("job " + id() + " was already completed in a transaction");
        }
        try (Connection c = worker.db().borrow("complete job " + id() + " with its handler's writes")) {
            Db.inTransaction(c, conn -> {
                work.run(conn);
                if (worker.store().completeMany(conn, worker.nodeId(), new long[] {id()}, new int[] {attempt()}).isEmpty()) {
                    throw new StaleJobException(id(), attempt(), worker.nodeId());
                }
                return null;
            });
        }
        completedInTransaction = true;
    }

    boolean completedInTransaction() {
        return completedInTransaction;
    }

    void requestCancel() {
        cancelRequested = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** The one path (handler result, or hand-back at shutdown) that gets to settle this attempt. */
    boolean takeSettlement() {
        return settled.compareAndSet(false, true);
    }
}
