package app.shoebox.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Returns the jobs of dead nodes. A node is dead when its heartbeat is older than
 * {@code deadAfter}; running every {@code interval}, a dead node's jobs are back within
 * {@code deadAfter + interval}. Each rescue counts a worker death on the job; at
 * {@code poisonLimit} deaths the job is quarantined instead of crashing the next worker.
 */
final class Rescuer {
    private static final Logger log = LoggerFactory.getLogger(Rescuer.class);

    record Config(Duration interval, Duration deadAfter, int poisonLimit, int batchSize) {
        Config {
            if (interval.toMillis() < 1 || deadAfter.toMillis() < 1) {
                throw new IllegalArgumentException("rescuer interval and dead-after must be positive");
            }
            if (poisonLimit < 1 || batchSize < 1) {
                throw new IllegalArgumentException("rescuer poison limit and batch size must be at least 1");
            }
        }

        /** With heartbeat period h: dead after 1.5 h, swept every h/2, so rescued within 2 h. */
        static Config forHeartbeat(Duration heartbeat, int poisonLimit) {
            return new Config(heartbeat.dividedBy(2), heartbeat.multipliedBy(3).dividedBy(2), poisonLimit, 1000);
        }
    }

    private final Config config;
    private final JobStore store;
    private final Db db;
    private final String nodeId;
    private final NodeCounters counters;
    private final StatsTally tally;

    Rescuer(Config config, JobStore store, Db db, String nodeId, NodeCounters counters, StatsTally tally) {
        this.config = config;
        this.store = store;
        this.db = db;
        this.nodeId = nodeId;
        this.counters = counters;
        this.tally = tally;
    }

    Config config() {
        return config;
    }

    JobStore.RescueCounts runOnce() {
        int available = 0, quarantined = 0, cancelled = 0;
        while (true) {
            List<JobStore.Rescued> rescued = new ArrayList<>();
            JobStore.RescueCounts r = db.auto("rescue jobs of dead nodes",
                    c -> store.rescue(c, nodeId, config.deadAfter(), config.poisonLimit(), config.batchSize(), rescued));
            for (JobStore.Rescued job : rescued) {
                tally.outcome(job.queue(), job.kind(), JobStats.Outcome.RESCUED);
                if (job.state() == JobState.QUARANTINED) {
                    tally.outcome(job.queue(), job.kind(), JobStats.Outcome.QUARANTINED);
                }
            }
            available += r.available();
            quarantined += r.quarantined();
            cancelled += r.cancelled();
            r.quarantinedJobs().forEach(j -> log.warn("quarantined {}", j));
            if (r.available() > 0) {
                log.info("returned {} running jobs of dead nodes to their queues", r.available());
            }
            if (r.total() < config.batchSize()) {
                break;
            }
        }
        counters.rescued.add(available + quarantined + cancelled);
        counters.quarantined.add(quarantined);
        return new JobStore.RescueCounts(available, quarantined, cancelled);
    }
}
