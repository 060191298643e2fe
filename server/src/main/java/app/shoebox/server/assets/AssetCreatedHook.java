package app.shoebox.server.assets;

import org.jdbi.v3.core.Handle;

/**
 * Called inside the transaction that inserts a new asset row, so work that must follow every upload
 * (enqueueing the first background job) commits or rolls back together with the asset: an asset is
 * never catalogued without its follow-up, and a follow-up never points at an asset that is not there.
 * An exception thrown here aborts the upload (the file is removed, the client gets an error).
 */
@FunctionalInterface
public interface AssetCreatedHook {

    void onCreated(Handle tx, Asset asset);

    /** This hook, then {@code next}, in the same transaction. */
    default AssetCreatedHook andThen(AssetCreatedHook next) {
        return (tx, asset) -> {
            onCreated(tx, asset);
            next.onCreated(tx, asset);
        };
    }

    /** Nothing follows an upload yet. */
    static AssetCreatedHook none() {
        return (tx, asset) -> {
        };
    }
}
