package app.shoebox.server.assets;

import app.shoebox.server.auth.Permission;

import app.shoebox.server.http.ApiException;
import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reading, editing, trashing and deleting a user's assets. Another user's asset behaves exactly
 * like one that does not exist.
 */
public final class AssetService {

    /** A file to send: where it is, its type, and the name the client should save it under. */
    /**
     * A file to send, already open: a storage-template move may unlink the path a moment later,
     * and an open file outlives that. The caller closes it.
     */
    public record Download(FileChannel file, String contentType, String fileName, String etag) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** Which derived image {@code GET /assets/{id}/thumbnail} serves. */
    public enum ThumbnailSize { THUMBNAIL, PREVIEW }

    /** One element of a bulk upload check. */
    record CheckItem(String id, String checksum) {}

    /** A page of search results, and whether another page follows. */
    record Page(long total, List<AssetRepository.WithExif> items, boolean more) {}

    private final AssetRepository repository;
    private final AssetFiles files;

    public AssetService(Jdbi jdbi, AssetFiles files) {
        this.repository = new AssetRepository(jdbi);
        this.files = files;
    }

    /** The stack {@code asset} is in, with how many (visible) assets it holds. */
    Optional<AssetDtos.AssetStackResponseDto> stackOf(Asset asset) {
        return asset.stackId().flatMap(stack -> repository.jdbi().withHandle(h -> h.createQuery("""
                        SELECT s.primary_asset_id,
                               (SELECT count(*) FROM assets a WHERE a.stack_id = s.id AND a.status = 'active') AS n
                        FROM stacks s WHERE s.id = :id""")
                .bind("id", stack)
                .map((rs, c) -> new AssetDtos.AssetStackResponseDto(stack.toString(),
                        rs.getObject("primary_asset_id", UUID.class).toString(), rs.getLong("n")))
                .findOne()));
    }

    /** The asset, if the caller may act on it with {@code permission}; Immich's 400 otherwise. */
    AssetRepository.WithExif get(UUID ownerId, UUID id, Permission permission) {
        Optional<AssetRepository.WithExif> found = permission == Permission.ASSET_UPDATE || permission == Permission.ASSET_DELETE
                ? repository.find(ownerId, id) : repository.findReadable(ownerId, id);
        return found.orElseThrow(() -> ApiException.noAccess(permission));
    }

    Download original(UUID ownerId, UUID id) {
        // Two looks: if the storage template moved the file between reading its path and opening
        // it, the second look finds the new path.
        for (int look = 1; ; look++) {
            Asset a = get(ownerId, id, Permission.ASSET_DOWNLOAD).asset();
            try {
                FileChannel file = FileChannel.open(files.resolveForReading(a.originalPath()), StandardOpenOption.READ);
                return new Download(file, a.mimeType(), a.originalFileName(), "\"" + Checksums.hex(a.checksum()) + "\"");
            } catch (NoSuchFileException e) {
                if (look == 2) {
                    throw ApiException.notFound("the original of asset " + id + " is missing from the library ("
                            + a.originalPath() + ")");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the original of asset " + id + " (" + a.originalPath() + ")", e);
            }
        }
    }

    Download thumbnail(UUID ownerId, UUID id, ThumbnailSize size) {
        Asset a = get(ownerId, id, Permission.ASSET_VIEW).asset();
        Optional<String> path = size == ThumbnailSize.PREVIEW ? a.previewPath() : a.thumbnailPath();
        Path file = path.map(files::resolve).filter(Files::isRegularFile)
                .orElseThrow(() -> ApiException.notFound("thumbnail not generated yet for asset " + id));
        String name = file.getFileName().toString();
        String type = name.endsWith(".webp") ? "image/webp" : "image/jpeg";
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("thumbnail not generated yet for asset " + id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the thumbnail of asset " + id, e);
        }
        return new Download(channel, type, name, "\"" + Checksums.hex(a.checksum()) + "-" + size.name().toLowerCase(java.util.Locale.ROOT) + "\"");
    }

    /**
     * The results of {@code bulk-upload-check}, in request order: one query for the whole batch,
     * and only the caller's own checksums can make a duplicate.
     */
    List<AssetDtos.AssetBulkUploadCheckResult> check(UUID ownerId, List<CheckItem> items) {
        List<String> hex = new ArrayList<>(items.size());
        for (CheckItem item : items) {
            hex.add(Checksums.hex(Checksums.require(item.checksum(), "checksum of item '" + item.id() + "'")));
        }
        Map<String, AssetRepository.Existing> found = repository.findByChecksums(ownerId, new LinkedHashSet<>(hex));
        List<AssetDtos.AssetBulkUploadCheckResult> results = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            AssetRepository.Existing e = found.get(hex.get(i));
            results.add(e == null
                    ? new AssetDtos.AssetBulkUploadCheckResult(items.get(i).id(), "accept", null, null, null)
                    : new AssetDtos.AssetBulkUploadCheckResult(items.get(i).id(), "reject", "duplicate", e.id().toString(), e.trashed()));
        }
        return results;
    }

    AssetRepository.WithExif update(UUID ownerId, UUID id, AssetEdit edit) {
        repository.jdbi().useTransaction(h -> {
            if (AssetRepository.lockOwned(h, ownerId, List.of(id)).isEmpty()) {
                throw ApiException.noAccess(Permission.ASSET_UPDATE);
            }
            apply(h, ownerId, List.of(id), edit);
        });
        return get(ownerId, id, Permission.ASSET_UPDATE);
    }

    /** Applies one edit to many assets, all or none; an id that is not the caller's fails the whole request. */
    void updateAll(UUID ownerId, List<UUID> ids, AssetEdit edit) {
        repository.jdbi().useTransaction(h -> {
            Set<UUID> wanted = requireAllOwned(h, ownerId, ids, Permission.ASSET_UPDATE);
            apply(h, ownerId, wanted, edit);
        });
    }

    /** Moves the assets to the trash, or with {@code force} removes rows and files for good. */
    void delete(UUID ownerId, List<UUID> ids, boolean force) {
        List<String> paths = repository.jdbi().inTransaction(h -> {
            Set<UUID> wanted = requireAllOwned(h, ownerId, ids, Permission.ASSET_DELETE);
            if (!force) {
                CatalogueEvents.publish(h, ClientEvent.ASSET_TRASH, ownerId, AssetRepository.trash(h, wanted));
                return List.<String>of();
            }
            return deleteForGood(h, ownerId, wanted);
        });
        removeFiles(paths);
    }

    /** Removes every asset of a user for good, rows and files (a user deleted with force). */
    public void removeAllOf(UUID ownerId) {
        List<String> paths = repository.jdbi().inTransaction(h -> {
            List<UUID> all = h.createQuery("SELECT id FROM assets WHERE owner_id = :owner FOR UPDATE")
                    .bind("owner", ownerId).mapTo(UUID.class).list();
            return deleteForGood(h, ownerId, new LinkedHashSet<>(all));
        });
        removeFiles(paths);
    }

    /** Takes assets out of the trash; ids that are not trashed are left as they are. Returns how many came back. */
    int restore(UUID ownerId, List<UUID> ids) {
        return repository.jdbi().inTransaction(h -> {
            Set<UUID> wanted = requireAllOwned(h, ownerId, ids, Permission.ASSET_DELETE);
            List<UUID> restored = AssetRepository.restore(h, ownerId, wanted);
            CatalogueEvents.publish(h, ClientEvent.ASSET_RESTORE, ownerId, restored);
            return restored.size();
        });
    }

    /** Takes everything of the user out of the trash. */
    int restoreAll(UUID ownerId) {
        return repository.jdbi().inTransaction(h -> {
            List<UUID> restored = AssetRepository.restore(h, ownerId, null);
            CatalogueEvents.publish(h, ClientEvent.ASSET_RESTORE, ownerId, restored);
            return restored.size();
        });
    }

    /** Removes everything in the user's trash for good, rows and files. Returns how many assets went. */
    int emptyTrash(UUID ownerId) {
        record Emptied(int count, List<String> paths) {}
        Emptied emptied = repository.jdbi().inTransaction(h -> {
            Set<UUID> trashed = new LinkedHashSet<>(AssetRepository.lockTrashed(h, ownerId));
            return new Emptied(trashed.size(), deleteForGood(h, ownerId, trashed));
        });
        removeFiles(emptied.paths());
        return emptied.count();
    }

    /**
     * Removes the assets for good, with the motion parts of live photos among them that no other
     * still links (Immich's asset deletion does the same): a hidden video nobody can see would
     * otherwise stay forever. Trashing leaves the motion part alone, so a restore finds it linked.
     */
    private static List<String> deleteForGood(Handle h, UUID ownerId, Set<UUID> ids) {
        ids = new LinkedHashSet<>(ids);
        ids.addAll(LivePhotoVideos.onlyOf(h, ids));
        List<String> p = AssetRepository.filePaths(h, ids);
        AssetRepository.delete(h, ids);
        CatalogueEvents.publish(h, ClientEvent.ASSET_DELETE, ownerId, ids);
        return p;
    }

    // Files go only after the rows are gone for good: a failed commit leaves both in place.
    private void removeFiles(List<String> paths) {
        paths.forEach(p -> files.deleteQuietly(files.resolve(p)));
    }

    /** The original of a video, for playback; a photo is a 400. */
    Download playback(UUID ownerId, UUID id) {
        if (get(ownerId, id, Permission.ASSET_VIEW).asset().type() != Asset.Type.VIDEO) {
            throw ApiException.badRequest("asset " + id + " is not a video; fetch a photo with GET /api/assets/" + id + "/original");
        }
        return original(ownerId, id);
    }

    AssetRepository.Counts statistics(UUID ownerId, Optional<Boolean> isFavorite, Optional<Boolean> isTrashed,
                                      Optional<Asset.Visibility> visibility) {
        StringBuilder where = new StringBuilder();
        Map<String, Object> binds = new HashMap<>();
        where.append(isTrashed.orElse(false) ? " AND a.status = 'trashed'" : " AND a.status = 'active'");
        isFavorite.ifPresent(f -> {
            where.append(" AND a.is_favorite = :isFavorite");
            binds.put("isFavorite", f);
        });
        if (visibility.isPresent()) {
            where.append(" AND a.visibility = :visibility");
            binds.put("visibility", visibility.get().wireName());
        } else {
            where.append(" AND a.visibility IN ('archive', 'timeline')");
        }
        return repository.count(ownerId, where.toString(), binds);
    }

    Page search(UUID ownerId, MetadataSearch search) {
        return repository.jdbi().withHandle(h -> {
            String from = " FROM assets a LEFT JOIN asset_exif e ON e.asset_id = a.id WHERE a.owner_id = :owner" + search.where();
            Query count = h.createQuery("SELECT count(*)" + from).bind("owner", ownerId);
            count.bindMap(search.binds());
            long total = count.mapTo(Long.class).one();
            Query page = h.createQuery("SELECT a.*, " + AssetRepository.EXIF_COLUMNS + from + search.orderBy()
                    + " LIMIT :limit OFFSET :offset");
            page.bind("owner", ownerId).bind("limit", search.size() + 1).bind("offset", search.offset());
            page.bindMap(search.binds());
            List<AssetRepository.WithExif> rows = page.map(AssetRepository.WITH_EXIF).list();
            boolean more = rows.size() > search.size();
            return new Page(total, more ? rows.subList(0, search.size()) : rows, more);
        });
    }

    private static Set<UUID> requireAllOwned(Handle h, UUID ownerId, List<UUID> ids, Permission permission) {
        Set<UUID> wanted = new LinkedHashSet<>(ids);
        if (wanted.isEmpty()) {
            return wanted;
        }
        List<UUID> owned = AssetRepository.lockOwned(h, ownerId, wanted);
        if (owned.size() != wanted.size()) {
            List<UUID> missing = wanted.stream().filter(id -> !owned.contains(id)).toList();
            throw ApiException.noAccess(permission);
        }
        return wanted;
    }

    private void apply(Handle h, UUID ownerId, Collection<UUID> ids, AssetEdit edit) {
        if (ids.isEmpty()) {
            return;
        }
        UUID[] idArray = ids.toArray(UUID[]::new);
        boolean setLive = !(edit.livePhotoVideoId() instanceof AssetEdit.Change.Keep<UUID>);
        UUID live = edit.livePhotoVideoId() instanceof AssetEdit.Change.Set<UUID>(UUID v) ? v : null;
        if (live != null && AssetRepository.findOwned(h, ownerId, live).filter(a -> a.type() == Asset.Type.VIDEO).isEmpty()) {
            throw ApiException.badRequest("livePhotoVideoId " + live + " is not one of your videos");
        }
        h.createUpdate("""
                        UPDATE assets SET
                            is_favorite = coalesce(CAST(:isFavorite AS boolean), is_favorite),
                            visibility = coalesce(CAST(:visibility AS text), visibility),
                            file_created_at = coalesce(CAST(:fileCreatedAt AS timestamptz), file_created_at),
                            local_date_time = coalesce(CAST(:localDateTime AS timestamptz), local_date_time),
                            live_photo_video_id = CASE WHEN :setLive THEN CAST(:live AS uuid) ELSE live_photo_video_id END,
                            updated_at = now()
                         WHERE id = ANY(:ids)""")
                .bind("isFavorite", edit.isFavorite().orElse(null))
                .bind("visibility", edit.visibility().map(Asset.Visibility::wireName).orElse(null))
                .bind("fileCreatedAt", edit.dateTimeOriginal().map(d -> d.toInstant()).orElse(null))
                .bind("localDateTime", edit.dateTimeOriginal().map(d -> d.toLocalDateTime().toInstant(ZoneOffset.UTC)).orElse(null))
                .bind("setLive", setLive).bind("live", live)
                .bind("ids", idArray).execute();
        if (live != null) {
            AssetRepository.hideMotionPart(h, ownerId, live);
        }
        if (edit.dateTimeRelativeMinutes().isPresent()) {
            shiftDates(h, idArray, edit.dateTimeRelativeMinutes().get());
        }
        if (!edit.touchesExif()) {
            return;
        }
        boolean setRating = !(edit.rating() instanceof AssetEdit.Change.Keep<Integer>);
        Integer rating = edit.rating() instanceof AssetEdit.Change.Set<Integer>(Integer v) ? v : null;
        // Every edited field joins locked_properties, so a later metadata extraction keeps the user's value.
        h.createUpdate("""
                        INSERT INTO asset_exif AS x (asset_id, description, date_time_original, time_zone, latitude, longitude,
                                                     rating, locked_properties)
                        SELECT id, coalesce(CAST(:description AS text), ''), CAST(:dateTimeOriginal AS timestamptz),
                               CAST(:timeZone AS text), CAST(:latitude AS double precision),
                               CAST(:longitude AS double precision), CAST(:rating AS integer), CAST(:locked AS text[])
                          FROM unnest(CAST(:ids AS uuid[])) AS id
                        ON CONFLICT (asset_id) DO UPDATE SET
                            description = CASE WHEN :setDescription THEN EXCLUDED.description ELSE x.description END,
                            date_time_original = CASE WHEN :setDate THEN EXCLUDED.date_time_original ELSE x.date_time_original END,
                            time_zone = CASE WHEN :setTimeZone THEN EXCLUDED.time_zone ELSE x.time_zone END,
                            latitude = CASE WHEN :setLocation THEN EXCLUDED.latitude ELSE x.latitude END,
                            longitude = CASE WHEN :setLocation THEN EXCLUDED.longitude ELSE x.longitude END,
                            rating = CASE WHEN :setRating THEN EXCLUDED.rating ELSE x.rating END,
                            locked_properties = ARRAY(SELECT DISTINCT p FROM unnest(x.locked_properties || EXCLUDED.locked_properties) AS p ORDER BY p),
                            updated_at = now()""")
                .bind("description", edit.description().orElse(null))
                .bind("dateTimeOriginal", edit.dateTimeOriginal().map(d -> d.toInstant()).orElse(null))
                .bind("timeZone", edit.timeZone().orElse(null))
                .bind("latitude", edit.latitude().orElse(null)).bind("longitude", edit.longitude().orElse(null))
                .bind("rating", rating)
                .bind("locked", edit.lockedProperties().toArray(String[]::new))
                .bind("ids", idArray)
                .bind("setDescription", edit.description().isPresent())
                .bind("setDate", edit.dateTimeOriginal().isPresent())
                .bind("setTimeZone", edit.timeZone().isPresent())
                .bind("setLocation", edit.latitude().isPresent())
                .bind("setRating", setRating)
                .execute();
    }

    /** Moves capture times by whole minutes (a camera clock that was off), locking the new date. */
    private static void shiftDates(Handle h, UUID[] ids, long minutes) {
        // The dates must stay in years 1 to 9999, like every date the API accepts.
        Duration shift = Duration.ofMinutes(minutes);
        boolean leaves = h.createQuery("""
                        SELECT min(least(a.file_created_at, a.local_date_time, x.date_time_original)) AS earliest,
                               max(greatest(a.file_created_at, a.local_date_time, x.date_time_original)) AS latest
                          FROM assets a LEFT JOIN asset_exif x ON x.asset_id = a.id WHERE a.id = ANY(:ids)""")
                .bind("ids", ids)
                .map((rs, ctx) -> rs.getTimestamp("earliest") != null
                        && (yearOf(rs.getTimestamp("earliest").toInstant().plus(shift)) < 1
                        || yearOf(rs.getTimestamp("latest").toInstant().plus(shift)) > 9999))
                .one();
        if (leaves) {
            throw ApiException.badRequest("dateTimeRelative of " + minutes + " minutes would move a date outside years 1 to 9999");
        }
        h.createUpdate("""
                        UPDATE assets SET file_created_at = file_created_at + make_interval(mins => :minutes),
                                          local_date_time = local_date_time + make_interval(mins => :minutes),
                                          updated_at = now()
                         WHERE id = ANY(:ids)""")
                .bind("minutes", Math.toIntExact(minutes)).bind("ids", ids).execute();
        h.createUpdate("""
                        INSERT INTO asset_exif AS x (asset_id, date_time_original, locked_properties)
                        SELECT id, file_created_at, '{dateTimeOriginal}' FROM assets WHERE id = ANY(:ids)
                        ON CONFLICT (asset_id) DO UPDATE SET
                            date_time_original = coalesce(x.date_time_original + make_interval(mins => :minutes), EXCLUDED.date_time_original),
                            locked_properties = ARRAY(SELECT DISTINCT p FROM unnest(x.locked_properties || EXCLUDED.locked_properties) AS p ORDER BY p),
                            updated_at = now()""")
                .bind("minutes", Math.toIntExact(minutes)).bind("ids", ids).execute();
    }

    private static int yearOf(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).getYear();
    }
}
