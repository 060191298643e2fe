package app.shoebox.jobs;

/**
 * The job an insert produced. Guarantee: when the request's unique key was already held by a
 * waiting or running job of the same kind, nothing was inserted, {@code duplicate} is true and
 * {@code id} is that job's id.
 */
public record InsertResult(long id, boolean duplicate) {
}
