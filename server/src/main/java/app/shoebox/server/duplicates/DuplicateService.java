package app.shoebox.server.duplicates;

import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A user's groups of near-identical images, as the duplicate-detection step left them. */
public final class DuplicateService {

    /** One group: its id and its members, the suggestion to keep first. */
    public record Group(UUID id, List<UUID> assets) {}

    private record Member(UUID group, UUID asset) {}

    private final Jdbi jdbi;

    public DuplicateService(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The owner's groups of more than one active asset. */
    public List<Group> groups(UUID owner) {
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
        List<Group> out = new ArrayList<>();
        byGroup.forEach((group, ids) -> out.add(new Group(group, List.copyOf(ids))));
        return out;
    }

    /** Dismisses a group: its assets stay, no longer shown as duplicates. False if the owner has no such group. */
    public boolean dismiss(UUID owner, UUID group) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE assets SET duplicate_id = NULL WHERE owner_id = :owner AND duplicate_id = :id")
                .bind("owner", owner).bind("id", group).execute()) > 0;
    }
}
