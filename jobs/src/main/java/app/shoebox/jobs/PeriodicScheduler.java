package app.shoebox.jobs;

import java.time.Duration;
import java.util.List;

/**
 * Enqueues periodic jobs on the one node elected leader. Leadership is a row with a time to live
 * the leader keeps extending; when the leader dies another node takes over after the TTL.
 */
final class PeriodicScheduler {

    static final String LEADERSHIP = "periodic";

    record Config(Duration interval, Duration leaderTtl) {
        Config {
            if (interval.toMillis() < 1 || leaderTtl.compareTo(interval) <= 0) {
                throw new IllegalArgumentException("periodic scheduler needs 0 < interval < leader TTL");
            }
        }

        static Config defaults() {
            return new Config(Duration.ofSeconds(1), Duration.ofSeconds(15));
        }
    }

    private final Config config;
    private final JobStore store;
    private final Db db;
    private final String nodeId;
    private final List<PeriodicJob> periodic;

    PeriodicScheduler(Config config, JobStore store, Db db, String nodeId, List<PeriodicJob> periodic) {
        this.config = config;
        this.store = store;
        this.db = db;
        this.nodeId = nodeId;
        this.periodic = List.copyOf(periodic);
    }

    Config config() {
        return config;
    }

    /** Returns how many jobs were enqueued (0 when this node is not the leader). */
    int runOnce() {
        if (periodic.isEmpty() || !db.auto("elect the periodic leader", c -> store.elect(c, LEADERSHIP, nodeId, config.leaderTtl()))) {
            return 0;
        }
        int enqueued = 0;
        for (PeriodicJob p : periodic) {
            if (db.tx("enqueue periodic job " + p.name(), c -> store.enqueuePeriodicIfDue(c, p))) {
                enqueued++;
            }
        }
        return enqueued;
    }

    void resign() {
        db.auto("resign the periodic leadership", c -> {
            store.resign(c, LEADERSHIP, nodeId);
            return null;
        });
    }
}
