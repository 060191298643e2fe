package app.shoebox.client.upload;

import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.ApiException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Albums by name: found among the user's albums or created once, and filled in batches of up to
 * 500 assets per request, so 100,000 files cost a few hundred album requests, not 100,000. Each
 * add reports back when its batch is on the server (or failed), so the journal records a file as
 * done only once it is in its albums.
 */
final class AlbumBook {

    private static final int BATCH = 500;

    private record Pending(String assetId, Consumer<Optional<String>> done) {
    }

    private final ApiClient api;
    private final boolean dryRun;
    private final UploadListener events;
    private Map<String, String> idsByName;
    private final Map<String, List<Pending>> pending = new LinkedHashMap<>();

    AlbumBook(ApiClient api, boolean dryRun, UploadListener events) {
        this.api = api;
        this.dryRun = dryRun;
        this.events = events;
    }

    /** Queues an asset for an album; {@code done} gets empty on success, or the error. */
    void add(String album, String assetId, Consumer<Optional<String>> done) {
        List<Pending> full = null;
        synchronized (this) {
            List<Pending> list = pending.computeIfAbsent(album, k -> new ArrayList<>());
            list.add(new Pending(assetId, done));
            if (list.size() >= BATCH) {
                full = pending.remove(album);
            }
        }
        if (full != null) {
            flush(album, full);
        }
    }

    /** Sends everything queued (every few seconds, and at the end). */
    void flushAll() {
        Map<String, List<Pending>> all;
        synchronized (this) {
            all = new LinkedHashMap<>(pending);
            pending.clear();
        }
        all.forEach(this::flush);
    }

    /** The assets already in albums, by name: for {@code --sync-metadata}. */
    List<String> albumsOf(String assetId) {
        return api.albumsOf(assetId).stream().map(ApiClient.AlbumInfo::name).toList();
    }

    private void flush(String album, List<Pending> batch) {
        Optional<String> error = Optional.empty();
        try {
            if (!dryRun) {
                boolean[] created = {false};
                String id = resolve(album, created);
                List<String> ids = batch.stream().map(Pending::assetId).distinct().toList();
                int added = api.addToAlbum(id, ids);
                events.on(new UploadEvent.AlbumUpdated(album, added, created[0]));
            } else {
                events.on(new UploadEvent.AlbumUpdated(album, batch.size(), false));
            }
        } catch (ApiException e) {
            error = Optional.of("not added to album '" + album + "': " + e.getMessage());
        }
        for (Pending p : batch) {
            p.done().accept(error);
        }
    }

    /** The album's id, creating it when the user has none of that name. */
    private synchronized String resolve(String name, boolean[] created) {
        if (idsByName == null) {
            load();
        }
        String id = idsByName.get(name);
        if (id != null) {
            return id;
        }
        try {
            id = api.createAlbum(name, "").id();
        } catch (ApiException e) {
            // The answer may have been lost after the album was made: look before trying again.
            load();
            id = idsByName.get(name);
            if (id == null) {
                if (!e.isTransient()) {
                    throw e;
                }
                id = api.createAlbum(name, "").id();
            }
        }
        created[0] = true;
        idsByName.put(name, id);
        return id;
    }

    private void load() {
        Map<String, String> m = new HashMap<>();
        for (ApiClient.AlbumInfo a : api.albums()) {
            m.putIfAbsent(a.name(), a.id());
        }
        idsByName = m;
    }
}
