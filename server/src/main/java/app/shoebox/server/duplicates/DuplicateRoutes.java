package app.shoebox.server.duplicates;

import app.shoebox.server.assets.AssetViews;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /api/duplicates}: the caller's groups of near-identical images, found by the
 * duplicate-detection job, in Immich's {@code DuplicateResponseDto} shape; {@code DELETE} dismisses
 * a group (the assets stay, they are no longer shown as duplicates).
 */
public final class DuplicateRoutes implements Api.Routes {

    record DuplicateResponseDto(String duplicateId, List<?> assets, List<String> suggestedKeepAssetIds) {}

    private record Member(UUID group, UUID asset) {}

    private final Jdbi jdbi;
    private final AssetViews views;

    public DuplicateRoutes(Jdbi jdbi, AssetViews views) {
        this.jdbi = jdbi;
        this.views = views;
    }

    @Override
    public void register(Api api) {
        api.get("/duplicates", Access.permission(Permission.DUPLICATE_READ), (ctx, user) -> ctx.json(groups(user.id())));
        api.delete("/duplicates/{id}", Access.permission(Permission.DUPLICATE_DELETE), (ctx, user) -> {
            UUID id = parse(ctx.pathParam("id"));
            int n = jdbi.withHandle(h -> h.createUpdate(
                            "UPDATE assets SET duplicate_id = NULL WHERE owner_id = :owner AND duplicate_id = :id")
                    .bind("owner", user.id()).bind("id", id).execute());
            if (n == 0) {
                throw ApiException.notFound("duplicate group " + id + " not found");
            }
            ctx.status(204);
        });
    }

    private List<DuplicateResponseDto> groups(UUID owner) {
        // Largest file first within a group: the first one is the suggestion to keep (most pixels, least compression).
        List<Member> rows = jdbi.withHandle(h -> h.createQuery("""
                        SELECT duplicate_id, id FROM assets a
                        WHERE owner_id = :owner AND status = 'active' AND duplicate_id IS NOT NULL
                          AND (SELECT count(*) FROM assets b WHERE b.owner_id = a.owner_id AND b.duplicate_id = a.duplicate_id
                               AND b.status = 'active') > 1
                        ORDER BY duplicate_id, file_size DESC, id""")
                .bind("owner", owner)
                .map((rs, c) -> new Member(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class))).list());
        Map<UUID, List<UUID>> byGroup = new LinkedHashMap<>();
        rows.forEach(m -> byGroup.computeIfAbsent(m.group(), g -> new ArrayList<>()).add(m.asset()));
        List<DuplicateResponseDto> out = new ArrayList<>();
        byGroup.forEach((group, ids) -> out.add(new DuplicateResponseDto(group.toString(), views.of(ids),
                List.of(ids.getFirst().toString()))));
        return out;
    }

    private static UUID parse(String id) {
        return app.shoebox.server.http.Validation.uuid(id, "id");
    }
}
