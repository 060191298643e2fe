package app.shoebox.server.assets;

import org.jdbi.v3.core.Handle;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The rule for a live photo's video (an Apple pair's, or the one taken out of an Android motion
 * photo) when its still is deleted for good: it goes too, unless another still links it, as in
 * Immich's asset deletion. Used wherever stills are deleted for good (the asset API, the trash, a
 * user's removal, an external library's deletion).
 */
public final class LivePhotoVideos {

    private LivePhotoVideos() {
    }

    /** The videos of {@code stills} that no still outside {@code stills} links; locked for their deletion. */
    static List<UUID> onlyOf(Handle h, Collection<UUID> stills) {
        return h.createQuery("""
                        SELECT m.id FROM assets m
                         WHERE m.id IN (SELECT live_photo_video_id FROM assets WHERE id = ANY(:ids))
                           AND m.id <> ALL(:ids)
                           AND NOT EXISTS (SELECT 1 FROM assets o WHERE o.live_photo_video_id = m.id AND o.id <> ALL(:ids))
                         FOR UPDATE""")
                .bind("ids", stills.toArray(UUID[]::new)).mapTo(UUID.class).list();
    }

    /**
     * Deletes the videos only {@code stills} link, in the transaction that deletes the stills;
     * returns the catalogue paths of their files, to remove once it has committed.
     */
    public static List<String> deleteOnlyOf(Handle h, Collection<UUID> stills) {
        List<UUID> videos = onlyOf(h, stills);
        if (videos.isEmpty()) {
            return List.of();
        }
        List<String> paths = AssetRepository.filePaths(h, videos);
        AssetRepository.delete(h, videos);
        return paths;
    }
}
