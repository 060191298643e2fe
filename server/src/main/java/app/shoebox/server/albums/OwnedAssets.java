package app.shoebox.server.albums;

import org.jdbi.v3.core.Handle;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Which of some asset ids a user may put in albums, tags and stacks: their own assets that are not
 * deleted (trashed ones still count, as in Immich). Everything else is treated as not there.
 */
public final class OwnedAssets {

    private OwnedAssets() {
    }

    public static Set<UUID> among(Handle h, UUID ownerId, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(h.createQuery("""
                        SELECT id FROM assets WHERE id = ANY(:ids) AND owner_id = :owner AND status <> 'deleted'""")
                .bindArray("ids", UUID.class, ids).bind("owner", ownerId).mapTo(UUID.class).list());
    }
}
