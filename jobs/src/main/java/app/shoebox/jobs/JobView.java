package app.shoebox.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A job as stored, with every attempt's error, for admin screens and tests. */
public record JobView(long id, String kind, String queue, JobState state, int priority, String args,
                      Optional<String> uniqueKey, int attempt, Optional<Integer> maxAttempts, int workerDeaths,
                      Optional<String> leaseOwner, boolean cancelRequested, Instant createdAt, Instant runAt,
                      Optional<Instant> attemptedAt, Optional<Instant> finishedAt, List<JobError> errors) {
}
