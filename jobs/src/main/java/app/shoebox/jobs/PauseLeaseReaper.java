package app.shoebox.jobs;

import java.time.Duration;

/**
 * Deletes expired pause leases. Claims already ignore an expired lease, so this only keeps the
 * pause table tidy and wakes nodes when a queue comes back.
 */
final class PauseLeaseReaper {

    record Config(Duration interval) {
        Config {
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("pause lease reaper interval must be positive");
            }
        }

        static Config defaults() {
            return new Config(Duration.ofSeconds(5));
        }
    }

    private final Config config;
    private final JobStore store;
    private final Db db;

    PauseLeaseReaper(Config config, JobStore store, Db db) {
        this.config = config;
        this.store = store;
        this.db = db;
    }

    Config config() {
        return config;
    }

    int runOnce() {
        return db.tx("delete expired pause leases", c -> {
            int n = store.deleteExpiredPauses(c);
            if (n > 0) {
                store.notify(c, "s:*");
            }
            return n;
        });
    }
}
