package app.shoebox.cli.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code shoebox jobs} does to a library's queues, the same whether it goes through the
 * library's catalogue ({@link LibraryQueues}) or a server's API ({@link ServerQueues}).
 */
interface Queues extends AutoCloseable {

    /** The holder of pauses taken with {@code --ttl}: {@code resume} ends them, and no one else's. */
    String HOLDER = "shoebox jobs";

    /** One queue as {@code shoebox jobs list} shows it. */
    record View(String name, boolean paused, List<String> pausedBy, long waiting, long active, long delayed, long held,
                long failed, long completed, Optional<Integer> concurrency, Duration oldestWaiting, Optional<String> throttled) {}

    List<View> list();

    /** Pauses until resumed, or with a time to live, after which the pause ends by itself. */
    void pause(String queue, Optional<Duration> ttl);

    /** Ends the plain pause and this command's own pause lease; other holders' leases (an uploader's) stay. */
    void resume(String queue);

    long retryFailed(String queue);

    void concurrency(String queue, int concurrency);

    /** Queues the queue's step for the assets that lack it, or with {@code all} for every asset; how many, if known. */
    Optional<Long> start(String queue, boolean all);

    /** Where the queues are, for messages. */
    String where();

    @Override
    void close();
}
