package app.shoebox.client.sources;

import java.io.IOException;

/**
 * Where files come from (a folder, a Google Takeout). A source walks its files and hands the
 * pipeline groups to upload, and names every file it leaves out with the reason; it never talks
 * to the server. Adding a source means writing one of these; the pipeline does not change.
 */
public interface Source extends AutoCloseable {

    /** What the pipeline offers a source while it browses. */
    interface Sink {
        /** Blocks while the pipeline is full (bounded memory). */
        void group(AssetGroup group) throws InterruptedException;

        /** A file left out on purpose (hidden, excluded, unsupported type, in the trash). */
        void skipped(String path, long size, String reason);

        /** A file the source refuses (unsafe archive name, unreadable): counts as failed. */
        void failed(String path, String reason);

        /** Something to report that is not a file's fate (a sidecar with no photo, a skipped folder). */
        void note(String path, String message);

        /** True once the run is stopping: the source should return soon. */
        boolean stopping();
    }

    String describe();

    void browse(Sink sink) throws IOException, InterruptedException;

    /** Releases what the source keeps open for the pipeline (archives); after the run. */
    @Override
    default void close() throws IOException {
    }
}
