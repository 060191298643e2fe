package app.shoebox.server.pipeline;

import app.shoebox.media.hash.PerceptualHash;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Puts an asset in a group with its owner's near-identical images: perceptual hashes at most
 * {@link PerceptualHash#NEAR_DUPLICATE_MAX_DISTANCE} bits apart. Groups that one asset joins are
 * merged. The look-up scans the owner's hashes (a sequential XOR and popcount in PostgreSQL, a few
 * milliseconds per 100k assets); a per-owner advisory lock orders concurrent detections.
 */
final class DuplicateHandler implements AssetStep {

    @Override
    public Result run(Input in) {
        UUID id = in.asset().id();
        // All of it in the completing transaction: the search and the grouping must see one state.
        return Result.done(tx -> {
            UUID owner;
            long hash;
            try (PreparedStatement ps = tx.prepareStatement(
                    "SELECT owner_id, phash FROM assets WHERE id = ? AND status = 'active' AND phash IS NOT NULL")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    owner = rs.getObject(1, UUID.class);
                    hash = rs.getLong(2);
                }
            }
            // One detection per owner at a time, so two near-identical uploads cannot both start a group.
            // Taken before any row lock, so detections never wait on each other in a cycle.
            try (PreparedStatement ps = tx.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?::text))")) {
                ps.setObject(1, owner);
                ps.execute();
            }
            List<UUID> near = new ArrayList<>();
            Set<UUID> groups = new LinkedHashSet<>();
            try (PreparedStatement ps = tx.prepareStatement("""
                    SELECT id, duplicate_id FROM assets
                    WHERE owner_id = ? AND id <> ? AND status = 'active' AND phash IS NOT NULL
                      AND bit_count((phash # ?)::bit(64)) <= ?""")) {
                ps.setObject(1, owner);
                ps.setObject(2, id);
                ps.setLong(3, hash);
                ps.setInt(4, PerceptualHash.NEAR_DUPLICATE_MAX_DISTANCE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        near.add(rs.getObject(1, UUID.class));
                        UUID g = rs.getObject(2, UUID.class);
                        if (g != null) {
                            groups.add(g);
                        }
                    }
                }
            }
            if (near.isEmpty()) {
                try (PreparedStatement ps = tx.prepareStatement("UPDATE assets SET duplicate_id = NULL WHERE id = ?")) {
                    ps.setObject(1, id);
                    ps.executeUpdate();
                }
                return;
            }
            UUID group = groups.isEmpty() ? UUID.randomUUID() : groups.iterator().next();
            near.add(id);
            try (PreparedStatement ps = tx.prepareStatement("""
                    UPDATE assets SET duplicate_id = ?
                    WHERE owner_id = ? AND (id = ANY(?) OR duplicate_id = ANY(?))""")) {
                ps.setObject(1, group);
                ps.setObject(2, owner);
                ps.setArray(3, tx.createArrayOf("uuid", near.toArray()));
                ps.setArray(4, tx.createArrayOf("uuid", groups.toArray()));
                ps.executeUpdate();
            }
        });
    }
}
