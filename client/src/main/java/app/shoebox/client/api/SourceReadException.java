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

    /**
     * Why a file or folder could not be read, in words, with what to do where that is plain: the
     * JDK's own messages for these are the bare path.
     */
    public static String reason(Exception e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException x -> "permission denied: give the uploader read access to it and run again";
            case java.nio.file.NoSuchFileException x -> "it is no longer there";
            case java.nio.file.FileSystemLoopException x -> "a symbolic link loop";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
