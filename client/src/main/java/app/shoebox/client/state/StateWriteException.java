package app.shoebox.client.state;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The uploader's own state (hash cache, journal) could not be written: a full disk, a quota. Not a
 * bug and not about one file: the run stops cleanly, and what it could not record is found again by
 * the next run (the server is asked before anything is sent).
 */
public final class StateWriteException extends UncheckedIOException {

    StateWriteException(String message, IOException cause) {
        super(message + "; free space there or give --cache-dir another folder, then run again", cause);
    }
}
