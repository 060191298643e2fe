package app.shoebox.jobs;

/** What {@link JobClient#cancel} did. */
public enum CancelResult {
    /** The job was waiting and is now cancelled. */
    CANCELLED,
    /** The job is running: its handler is told (and interrupted); the job ends cancelled when it returns. */
    CANCEL_REQUESTED,
    /** The job had already finished; nothing changed. */
    ALREADY_FINISHED,
    NOT_FOUND
}
