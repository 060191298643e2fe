package app.shoebox.client.upload;

/** Receives the pipeline's events, from many threads at once: implementations are thread-safe. */
@FunctionalInterface
public interface UploadListener {
    void on(UploadEvent event);

    static UploadListener all(UploadListener... listeners) {
        return e -> {
            for (UploadListener l : listeners) {
                l.on(e);
            }
        };
    }
}
