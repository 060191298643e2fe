/**
 * Shoebox's durable job engine on PostgreSQL.
 *
 * <p>Callers enqueue with {@link app.shoebox.jobs.JobClient} (inside their own transaction if they
 * wish), manage queues with {@link app.shoebox.jobs.QueueAdmin}, and run handlers on a node built
 * by {@link app.shoebox.jobs.JobEngine#builder()}. Everything else in this package is internal.
 * The design and its guarantees are described in {@code docs/jobs.md}.
 */
package app.shoebox.jobs;
