package app.shoebox.jobs;

import java.time.Duration;

/**
 * Deletes finished jobs past their retention so the hot table stays small: completed and cancelled
 * jobs after {@code completedRetention}, failed, discarded and quarantined ones (kept for people to
 * look at) after {@code failedRetention}. Deletes in batches so no sweep holds locks for long.
 */
final class Pruner {

    record Config(Duration interval, Duration completedRetention, Duration failedRetention, int batchSize, int maxBatches) {
        Config {
            if (interval.toMillis() < 1 || completedRetention.isNegative() || failedRetention.isNegative()) {
                throw new IllegalArgumentException("pruner interval must be positive and retentions not negative");
            }
            if (batchSize < 1 || maxBatches < 1) {
                throw new IllegalArgumentException("pruner batch size and max batches must be at least 1");
            }
        }

        static Config defaults() {
            return new Config(Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofDays(7), 10_000, 100);
        }
    }

    private final Config config;
    private final JobStore store;
    private final Db db;

    Pruner(Config config, JobStore store, Db db) {
        this.config = config;
        this.store = store;
        this.db = db;
    }

    Config config() {
        return config;
    }

    int runOnce() {
        int total = 0;
        for (int i = 0; i < config.maxBatches(); i++) {
            int n = db.auto("prune finished jobs",
                    c -> store.prune(c, config.completedRetention(), config.failedRetention(), config.batchSize()));
            total += n;
            if (n < config.batchSize()) {
                break;
            }
        }
        return total;
    }
}
