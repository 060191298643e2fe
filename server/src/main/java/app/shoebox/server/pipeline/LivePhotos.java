package app.shoebox.server.pipeline;

import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Pairs the two halves of a live photo as Immich does when it reads metadata: a still and a video
 * of the same owner (and the same external library, or both uploaded) with the same content identifier (Apple's {@code ContentIdentifier}, kept as
 * {@code asset_exif.live_photo_cid}). The still gets {@code live_photo_video_id}; the video is hidden
 * from the timeline and taken out of albums. Whichever half is read second makes the link, so the
 * upload order does not matter.
 */
final class LivePhotos {

    private LivePhotos() {
    }

    /** Links {@code asset} with its other half, if there is one; inside the metadata step's transaction. */
    static void link(Connection tx, PipelineAsset asset, String contentId) throws SQLException {
        // Two halves read at once must not both miss each other: the second waits for the first's commit.
        try (PreparedStatement ps = tx.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, "live-photo:" + asset.ownerId() + ":" + contentId);
            ps.execute();
        }
        Optional<UUID> other = Optional.empty();
        try (PreparedStatement ps = tx.prepareStatement("""
                SELECT a.id FROM assets a JOIN asset_exif e ON e.asset_id = a.id
                WHERE e.live_photo_cid = ? AND a.owner_id = ? AND a.id <> ? AND a.type = ? AND a.status <> 'deleted'
                  AND a.library_id IS NOT DISTINCT FROM (SELECT library_id FROM assets WHERE id = ?)
                ORDER BY a.created_at, a.id LIMIT 1""")) {
            ps.setString(1, contentId);
            ps.setObject(2, asset.ownerId());
            ps.setObject(3, asset.id());
            ps.setString(4, asset.video() ? "IMAGE" : "VIDEO");
            ps.setObject(5, asset.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    other = Optional.of(rs.getObject(1, UUID.class));
                }
            }
        }
        if (other.isEmpty()) {
            return;
        }
        UUID still = asset.video() ? other.get() : asset.id();
        UUID motion = asset.video() ? asset.id() : other.get();
        pair(tx, asset.ownerId(), still, motion);
    }

    /**
     * Makes {@code motion} the motion part of {@code still}: the still's {@code live_photo_video_id},
     * the video hidden from the timeline ({@code on_asset_hidden}) and out of albums, as Immich does.
     * Shared by Apple pairs and Android motion photos ({@link MotionPhotoVideos}).
     */
    static void pair(Connection tx, UUID ownerId, UUID still, UUID motion) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(
                "UPDATE assets SET live_photo_video_id = ?, updated_at = now() WHERE id = ? AND live_photo_video_id IS DISTINCT FROM ?")) {
            ps.setObject(1, motion);
            ps.setObject(2, still);
            ps.setObject(3, motion);
            if (ps.executeUpdate() > 0) {
                CatalogueEvents.publish(tx, ClientEvent.ASSET_UPDATE, ownerId, List.of(still));
            }
        }
        try (PreparedStatement ps = tx.prepareStatement(
                "UPDATE assets SET visibility = 'hidden', updated_at = now() WHERE id = ? AND visibility <> 'hidden'")) {
            ps.setObject(1, motion);
            if (ps.executeUpdate() > 0) {
                CatalogueEvents.publish(tx, ClientEvent.ASSET_HIDDEN, ownerId, List.of(motion));
            }
        }
        try (PreparedStatement ps = tx.prepareStatement("DELETE FROM album_assets WHERE asset_id = ?")) {
            ps.setObject(1, motion);
            ps.executeUpdate();
        }
    }
}
