package app.shoebox.client.api;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The file being uploaded could not be read (gone, unreadable, changed size, corrupt archive
 * member). Not a network failure: retrying the request would not help, so it is never retried.
 */
public final class SourceReadException extends UncheckedIOException {

    public SourceReadException(String message, IOException cause) {
        super(message, cause);
    }
}
