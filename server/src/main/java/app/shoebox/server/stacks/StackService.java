package app.shoebox.server.stacks;

import app.shoebox.server.albums.OwnedAssets;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;
import app.shoebox.server.http.BulkIdResult;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A user's stacks. Another user's stack or asset is treated as absent. */
public final class StackService {

    private final Jdbi jdbi;

    public StackService(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Stacks the assets, the first one primary. As in Immich, a stack whose primary is among them is
     * merged into the new one, and an asset in another stack moves; a stack left with fewer than two
     * assets is dissolved.
     */
    public Stack create(UUID ownerId, List<UUID> assetIds) {
        if (assetIds.size() < 2) {
            throw app.shoebox.server.http.Validation.fail(app.shoebox.server.http.Validation.tooSmall(2, "assetIds"));
        }
        List<UUID> distinct = BulkIdResult.distinct(assetIds);
        if (distinct.size() < 2) {
            throw ApiException.badRequest("a stack needs at least 2 different assets, got " + distinct.size());
        }
        return jdbi.inTransaction(h -> {
            Set<UUID> owned = OwnedAssets.among(h, ownerId, distinct);
            List<UUID> missing = distinct.stream().filter(id -> !owned.contains(id)).toList();
            if (!missing.isEmpty()) {
                throw ApiException.noAccess(Permission.ASSET_UPDATE);
            }
            // Row locks on the assets, taken in id order, keep concurrent stackings from interleaving
            // or deadlocking.
            List<UUID> previous = h.createQuery("SELECT stack_id FROM assets WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
                    .bindArray("ids", UUID.class, distinct).mapTo(UUID.class).list()
                    .stream().filter(Objects::nonNull).distinct().toList();
            Set<UUID> members = new LinkedHashSet<>(distinct);
            members.addAll(h.createQuery("""
                            SELECT a.id FROM assets a JOIN stacks s ON s.id = a.stack_id
                            WHERE s.owner_id = :owner AND s.primary_asset_id = ANY(:ids)
                            ORDER BY a.file_created_at, a.id""")
                    .bind("owner", ownerId).bindArray("ids", UUID.class, distinct).mapTo(UUID.class).list());
            UUID stackId = h.createQuery("INSERT INTO stacks (owner_id, primary_asset_id) VALUES (:owner, :primary) RETURNING id")
                    .bind("owner", ownerId).bind("primary", distinct.getFirst()).mapTo(UUID.class).one();
            h.createUpdate("UPDATE assets SET stack_id = :stack, updated_at = now() WHERE id = ANY(:ids)")
                    .bind("stack", stackId).bindArray("ids", UUID.class, List.copyOf(members)).execute();
            if (!previous.isEmpty()) {
                h.createUpdate("""
                                DELETE FROM stacks s WHERE s.id = ANY(:previous)
                                  AND (SELECT count(*) FROM assets a WHERE a.stack_id = s.id) < 2""")
                        .bindArray("previous", UUID.class, previous).execute();
            }
            CatalogueEvents.publish(h, ClientEvent.ASSET_STACK_UPDATE, ownerId);
            return find(h, ownerId, stackId).orElseThrow();
        });
    }

    /** The outcome of a change to a stack. */
    public sealed interface Update {
        record Changed(Stack stack) implements Update {}

        /** Not the caller's stack (or no stack). */
        record NotFound() implements Update {}

        /** The asset to make primary is not in the stack. */
        record NotAMember() implements Update {}
    }

    /** Makes {@code primaryAssetId} the stack's primary; with none, the stack stays as it is. */
    public Update update(UUID ownerId, UUID stackId, Optional<UUID> primaryAssetId) {
        return jdbi.inTransaction(h -> {
            Optional<Stack> stack = h.createQuery("SELECT id FROM stacks WHERE id = :id AND owner_id = :owner FOR UPDATE")
                    .bind("id", stackId).bind("owner", ownerId).mapTo(UUID.class).findOne().flatMap(id -> find(h, ownerId, id));
            if (stack.isEmpty()) {
                return new Update.NotFound();
            }
            if (primaryAssetId.isEmpty() || primaryAssetId.get().equals(stack.get().primaryAssetId())) {
                return new Update.Changed(stack.get());
            }
            if (!stack.get().assetIds().contains(primaryAssetId.get())) {
                return new Update.NotAMember();
            }
            h.createUpdate("UPDATE stacks SET primary_asset_id = :primary, updated_at = now() WHERE id = :id")
                    .bind("primary", primaryAssetId.get()).bind("id", stackId).execute();
            CatalogueEvents.publish(h, ClientEvent.ASSET_STACK_UPDATE, ownerId);
            return new Update.Changed(find(h, ownerId, stackId).orElseThrow());
        });
    }

    public Optional<Stack> find(UUID ownerId, UUID stackId) {
        return jdbi.withHandle(h -> find(h, ownerId, stackId));
    }

    /** The user's stacks, or only the one whose primary is {@code primaryAssetId}. */
    public List<Stack> list(UUID ownerId, Optional<UUID> primaryAssetId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id FROM stacks WHERE owner_id = :owner
                          AND (CAST(:primary AS uuid) IS NULL OR primary_asset_id = :primary)
                        ORDER BY created_at, id""")
                .bind("owner", ownerId).bind("primary", primaryAssetId.orElse(null)).mapTo(UUID.class).list()
                .stream().map(id -> find(h, ownerId, id).orElseThrow()).toList());
    }

    /**
     * Dissolves stacks (the assets stay), all or none: as Immich, an id that is not one of the user's
     * stacks refuses the whole request, so a list mixing another's stack with one's own changes nothing.
     */
    public int delete(UUID ownerId, List<UUID> stackIds) {
        List<UUID> ids = BulkIdResult.distinct(stackIds);
        return jdbi.inTransaction(h -> {
            int deleted = h.createUpdate("DELETE FROM stacks WHERE id = ANY(:ids) AND owner_id = :owner")
                    .bindArray("ids", UUID.class, ids).bind("owner", ownerId).execute();
            if (deleted != ids.size()) {
                throw ApiException.noAccess(Permission.STACK_DELETE); // rolls the deletes back
            }
            if (deleted > 0) {
                CatalogueEvents.publish(h, ClientEvent.ASSET_STACK_UPDATE, ownerId);
            }
            return deleted;
        });
    }

    private static Optional<Stack> find(Handle h, UUID ownerId, UUID stackId) {
        return h.createQuery("SELECT primary_asset_id FROM stacks WHERE id = :id AND owner_id = :owner")
                .bind("id", stackId).bind("owner", ownerId).mapTo(UUID.class).findOne()
                .map(primary -> new Stack(stackId, primary, h.createQuery("""
                                SELECT id FROM assets WHERE stack_id = :id
                                ORDER BY id = :primary DESC, file_created_at, id""")
                        .bind("id", stackId).bind("primary", primary).mapTo(UUID.class).list()));
    }
}
