package app.shoebox.client.upload;

import java.time.Duration;
import java.util.List;

/**
 * What happens to each file, as the pipeline goes. One stream feeds the progress display, the log
 * and the final report alike. Every file gets one {@link Found} and then exactly one of
 * {@link Uploaded}, {@link Duplicate}, {@link Skipped} or {@link Failed}; the other events add
 * detail.
 */
public sealed interface UploadEvent {

    /** A file the source offers (or leaves out: a {@link Skipped} or {@link Failed} follows). */
    record Found(String path, long size) implements UploadEvent {
    }

    /** The server created an asset (in a dry run: would have; {@code assetId} is empty). */
    record Uploaded(String path, String assetId, long size) implements UploadEvent {
    }

    /** The server already had these bytes, or this run sent them for another file. */
    record Duplicate(String path, String assetId, long size, String reason) implements UploadEvent {
    }

    record Skipped(String path, long size, String reason) implements UploadEvent {
    }

    record Failed(String path, long size, String reason) implements UploadEvent {
    }

    /** A caveat about a file that was still handled (no sidecar matched, album add failed). */
    record Warning(String path, String message) implements UploadEvent {
    }

    /** Something worth reporting that is not a file's fate (a folder left out, a sidecar with no photo). */
    record Note(String path, String message) implements UploadEvent {
    }

    /** Fields set on the server from the source's metadata (after an upload, or by {@code --sync-metadata}). */
    record MetadataUpdated(String path, String assetId, List<String> fields) implements UploadEvent {
    }

    record AlbumUpdated(String album, int added, boolean created) implements UploadEvent {
    }

    record Stacked(List<String> paths) implements UploadEvent {
    }

    record Retrying(String request, int failedAttempt, String reason, Duration delay) implements UploadEvent {
    }

    /** The adaptive concurrency moved (backing off, or growing again). */
    record Concurrency(int limit, String why) implements UploadEvent {
    }
}
