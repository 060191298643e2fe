package app.shoebox.jobs;

import java.time.Instant;

/** One failed attempt, as recorded on the job: nothing is lost between attempts. */
public record JobError(int attempt, Instant at, String node, String errorClass, String message, String stack) {
}
