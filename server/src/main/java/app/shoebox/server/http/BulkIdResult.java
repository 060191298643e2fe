package app.shoebox.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One entry of Immich's {@code BulkIdResponseDto[]}: what became of each id of a bulk request
 * ({@code PUT /albums/{id}/assets}, {@code PUT /tags/{id}/assets}, ...). The answer has one entry per
 * requested id, in request order, repeats included.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BulkIdResult(String id, boolean success, Reason error) {

    /** Immich's {@code BulkIdErrorReason}. */
    public enum Reason {
        DUPLICATE("duplicate"), NO_PERMISSION("no_permission"), NOT_FOUND("not_found"), UNKNOWN("unknown"),
        VALIDATION("validation");

        private final String wireName;

        Reason(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }
    }

    /** Immich's {@code BulkIdsDto}, the body of bulk requests: {@code {"ids": [...]}}. */
    public record BulkIdsDto(List<String> ids) {
        /** The ids, parsed; a missing list or a malformed id is a 400. */
        public List<UUID> parsed() {
            return parseIds(ids, "ids");
        }
    }

    public static BulkIdResult ok(UUID id) {
        return new BulkIdResult(id.toString(), true, null);
    }

    public static BulkIdResult failed(UUID id, Reason reason) {
        return new BulkIdResult(id.toString(), false, reason);
    }

    /**
     * The ids of a bulk request body, parsed; a missing list or a malformed id is Immich's
     * validation failure, located at the field (and index).
     */
    public static List<UUID> parseIds(List<String> ids, String field) {
        if (ids == null) {
            throw Validation.fail(Validation.required("array", field));
        }
        return Validation.uuids(ids, field);
    }

    /** The distinct ids, in first-seen order: what a bulk statement should act on. */
    public static List<UUID> distinct(List<UUID> ids) {
        return List.copyOf(new LinkedHashSet<>(ids));
    }

    /**
     * Results of adding {@code requested} ids to a set (album, tag): an id the caller may not use
     * fails with {@code no_permission} (unknown and foreign alike, so existence never leaks), an id
     * that was already there, or repeats an earlier one of the same request, is a {@code duplicate}.
     */
    public static List<BulkIdResult> added(List<UUID> requested, Set<UUID> allowed, Set<UUID> inserted) {
        Set<UUID> seen = new HashSet<>();
        List<BulkIdResult> results = new ArrayList<>(requested.size());
        for (UUID id : requested) {
            if (!allowed.contains(id)) {
                results.add(failed(id, Reason.NO_PERMISSION));
            } else if (seen.add(id) && inserted.contains(id)) {
                results.add(ok(id));
            } else {
                results.add(failed(id, Reason.DUPLICATE));
            }
        }
        return results;
    }

    /** Results of removing {@code requested} ids from a set: an id that was not there is {@code not_found}. */
    public static List<BulkIdResult> removed(List<UUID> requested, Set<UUID> removed) {
        return removed(requested, removed, Set.copyOf(requested));
    }

    /** As {@link #removed(List, Set)}, where an id outside {@code allowed} is {@code no_permission}. */
    public static List<BulkIdResult> removed(List<UUID> requested, Set<UUID> removed, Set<UUID> allowed) {
        Set<UUID> seen = new HashSet<>();
        List<BulkIdResult> results = new ArrayList<>(requested.size());
        for (UUID id : requested) {
            results.add(!allowed.contains(id) ? failed(id, Reason.NO_PERMISSION)
                    : seen.add(id) && removed.contains(id) ? ok(id) : failed(id, Reason.NOT_FOUND));
        }
        return results;
    }
}
