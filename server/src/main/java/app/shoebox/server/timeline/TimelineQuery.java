package app.shoebox.server.timeline;

import java.util.Optional;
import java.util.UUID;

/**
 * What a timeline request asks for ({@code GET /timeline/buckets} and {@code /timeline/bucket}):
 * the caller's assets, narrowed by Immich's filters. Absent filters mean Immich's defaults: not
 * trashed, visible in the timeline or the archive, newest first, grouped by the date taken.
 */
public record TimelineQuery(UUID ownerId, boolean trashed, Optional<Boolean> favorite, Optional<String> visibility,
                            Optional<UUID> albumId, Optional<UUID> tagId, boolean noPerson, boolean withStacked,
                            boolean withCoordinates, Order order, OrderBy orderBy, Optional<BoundingBox> bbox) {

    public enum Order { ASC, DESC }

    /** Which date groups and sorts: when the photo was taken, or when it was added. */
    public enum OrderBy {
        TAKEN_AT("a.local_date_time", "a.file_created_at"),
        CREATED_AT("a.created_at", "a.created_at");

        /** The column months are cut from (the wall-clock time for "taken"). */
        final String groupColumn;
        /** The column assets are sorted by within a month. */
        final String sortColumn;

        OrderBy(String groupColumn, String sortColumn) {
            this.groupColumn = groupColumn;
            this.sortColumn = sortColumn;
        }
    }

    /** west, south, east, north in degrees (WGS84). */
    public record BoundingBox(double west, double south, double east, double north) {}
}
