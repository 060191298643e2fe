package app.shoebox.jobs;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A worker process for {@link KillNineTest}: works queue {@code k9} until it is killed. Each job
 * records its side effect in the transaction that completes it, so a job counted twice in
 * {@code effects} means it was completed twice.
 */
public final class KillNineWorkerMain {

    static JobEngine.Builder node(String url, String user, String password, String schema, String nodeId) {
        return JobEngine.builder().database(url, user, password).schema(schema).nodeId(nodeId)
                .heartbeat(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(100))
                .queue("k9", 16)
                .handler("effect", ctx -> {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(5, 40)); // mid-run when the kill comes
                    ctx.completeInTransaction(conn -> {
                        try (PreparedStatement p = conn.prepareStatement(
                                "INSERT INTO public.effects (job_id, node) VALUES (?, ?)")) {
                            p.setLong(1, ctx.id());
                            p.setString(2, nodeId);
                            p.executeUpdate();
                        }
                    });
                    return JobOutcome.complete();
                });
    }

    public static void main(String[] args) throws InterruptedException {
        node(args[0], args[1], args[2], args[3], args[4]).build().start();
        System.out.println("worker started");
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }
}
