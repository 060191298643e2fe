package app.shoebox.server.libraries;

import app.shoebox.jobs.JobClient;
import app.shoebox.server.assets.LivePhotoVideos;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Libraries in the catalogue: create, change, delete, count, and start a scan. Import paths are
 * checked here ({@link ImportPaths}), so no caller can store one the server cannot read.
 */
public final class LibraryService {

    private static final Logger log = LoggerFactory.getLogger(LibraryService.class);

    /** Immich's defaults: a Synology's thumbnails, macOS's resource forks, recycle bins and snapshots. */
    public static final List<String> DEFAULT_EXCLUSIONS = List.of("**/@eaDir/**", "**/._*", "**/#recycle/**", "**/#snapshot/**");

    /** What a library holds, as {@code GET /libraries/{id}/statistics} tells it. */
    public record Statistics(long photos, long videos, long total, long usage, long offline) {}

    /** The fields a change may set; empty ones stay as they are. */
    public record Changes(Optional<String> name, Optional<List<String>> importPaths, Optional<List<String>> exclusionPatterns,
                          Optional<Boolean> followOutsideSymlinks) {}

    /** Why a library could not be saved: a field and what is wrong with it. */
    public static final class InvalidLibrary extends IllegalArgumentException {
        public InvalidLibrary(String message) {
            super(message);
        }
    }

    static final RowMapper<Library> LIBRARY = (rs, ctx) -> new Library(rs.getObject("id", UUID.class),
            rs.getObject("owner_id", UUID.class), rs.getString("name"), strings(rs.getArray("import_paths")),
            strings(rs.getArray("exclusion_patterns")), rs.getBoolean("follow_outside_symlinks"),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
            Optional.ofNullable(rs.getTimestamp("refreshed_at")).map(java.sql.Timestamp::toInstant));

    private final Jdbi jdbi;
    private final JobClient jobs;
    private final Path libraryFolder;

    public LibraryService(Jdbi jdbi, JobClient jobs, Path libraryFolder) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.libraryFolder = libraryFolder;
    }

    public Library create(UUID ownerId, Optional<String> name, List<String> importPaths, Optional<List<String>> exclusions,
                          boolean followOutsideSymlinks) {
        List<String> paths = checkedImportPaths(importPaths);
        List<String> patterns = checkedExclusions(exclusions.orElse(DEFAULT_EXCLUSIONS));
        return jdbi.inTransaction(h -> {
            boolean ownerExists = h.createQuery("SELECT EXISTS (SELECT 1 FROM users WHERE id = :id AND deleted_at IS NULL)")
                    .bind("id", ownerId).mapTo(Boolean.class).one();
            if (!ownerExists) {
                throw new InvalidLibrary("owner " + ownerId + " is not a user of this server");
            }
            return h.createQuery("""
                            INSERT INTO libraries (owner_id, name, import_paths, exclusion_patterns, follow_outside_symlinks)
                            VALUES (:owner, :name, :paths, :patterns, :follow) RETURNING *""")
                    .bind("owner", ownerId).bind("name", name.filter(n -> !n.isBlank()).orElse("New External Library"))
                    .bind("paths", paths.toArray(String[]::new)).bind("patterns", patterns.toArray(String[]::new))
                    .bind("follow", followOutsideSymlinks)
                    .map(LIBRARY).one();
        });
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public List<Library> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM libraries ORDER BY created_at, id").map(LIBRARY).list());
    }

    /** The libraries of one owner. */
    public List<Library> listOf(UUID ownerId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM libraries WHERE owner_id = :o ORDER BY created_at, id")
                .bind("o", ownerId).map(LIBRARY).list());
    }

    public Optional<Library> find(UUID id) {
        return find(jdbi, id);
    }

    static Optional<Library> find(Jdbi jdbi, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM libraries WHERE id = :id").bind("id", id).map(LIBRARY).findOne());
    }

    public Optional<Library> update(UUID id, Changes changes) {
        Optional<List<String>> paths = changes.importPaths().map(this::checkedImportPaths);
        Optional<List<String>> patterns = changes.exclusionPatterns().map(LibraryService::checkedExclusions);
        if (changes.name().isPresent() && changes.name().get().isBlank()) {
            throw new InvalidLibrary("name must not be empty");
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE libraries SET name = coalesce(:name, name),
                               import_paths = coalesce(:paths, import_paths),
                               exclusion_patterns = coalesce(:patterns, exclusion_patterns),
                               follow_outside_symlinks = coalesce(:follow, follow_outside_symlinks),
                               updated_at = now()
                         WHERE id = :id RETURNING *""")
                .bind("id", id).bind("name", changes.name().orElse(null))
                .bind("paths", paths.map(p -> p.toArray(String[]::new)).orElse(null))
                .bind("patterns", patterns.map(p -> p.toArray(String[]::new)).orElse(null))
                .bind("follow", changes.followOutsideSymlinks().orElse(null))
                .map(LIBRARY).findOne());
    }

    /**
     * Deletes a library and its assets from the catalogue, and the thumbnails derived from them
     * and the videos taken out of its motion photos; the originals stay untouched where they are. Returns false when there was no such library.
     */
    public boolean delete(UUID id) {
        record Deleted(boolean found, List<String> derived) {}
        Deleted deleted = jdbi.inTransaction(h -> {
            List<String> derived = new ArrayList<>(h.createQuery("""
                            SELECT p FROM assets a, unnest(ARRAY[a.thumbnail_path, a.preview_path]) AS p
                             WHERE a.library_id = :id AND p IS NOT NULL""")
                    .bind("id", id).mapTo(String.class).list());
            // The videos taken out of its motion photos are Shoebox's own files, kept outside the library's rows.
            derived.addAll(LivePhotoVideos.deleteOnlyOf(h,
                    h.createQuery("SELECT id FROM assets WHERE library_id = :id").bind("id", id).mapTo(UUID.class).list()));
            // The assets go with the library (ON DELETE CASCADE), originals untouched on disk.
            int n = h.createUpdate("DELETE FROM libraries WHERE id = :id").bind("id", id).execute();
            return new Deleted(n == 1, derived);
        });
        Path root = libraryFolder.toAbsolutePath().normalize();
        for (String relative : deleted.derived()) {
            Path p = root.resolve(relative).normalize();
            if (!p.startsWith(root) || Path.of(relative).isAbsolute()) {
                continue;
            }
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.warn("library {} deleted; could not remove the thumbnail {}: {}", id, p, e.toString());
            }
        }
        return deleted.found();
    }

    public Statistics statistics(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*) FILTER (WHERE type = 'IMAGE') AS photos, count(*) FILTER (WHERE type = 'VIDEO') AS videos,
                               count(*) AS total, coalesce(sum(file_size), 0) AS usage,
                               count(*) FILTER (WHERE is_offline) AS offline
                          FROM assets WHERE library_id = :id AND status <> 'deleted'""")
                .bind("id", id)
                .map((rs, ctx) -> new Statistics(rs.getLong("photos"), rs.getLong("videos"), rs.getLong("total"),
                        rs.getLong("usage"), rs.getLong("offline")))
                .one());
    }

    public long assetCount(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM assets WHERE library_id = :id AND status <> 'deleted'")
                .bind("id", id).mapTo(Long.class).one());
    }

    /** Checks import paths as the validate endpoint reports them; stores nothing. */
    public List<ImportPaths.Check> validate(List<String> importPaths) {
        return ImportPaths.check(importPaths, libraryFolder);
    }

    /** What a scan started now would stop on: a missing or unreadable import path. */
    public Optional<String> scanProblem(Library library) {
        return LibraryScan.unavailableRoots(library);
    }

    /**
     * Queues a scan of the library. An import path that is missing or unreadable (an unmounted
     * share) refuses the scan with the reason instead of marking everything offline.
     */
    public void scan(Library library) {
        requireScannable(library);
        jobs.insert(LibraryJobs.scanRequest(library.id()));
    }

    private void requireScannable(Library library) {
        Optional<String> problem = scanProblem(library);
        if (problem.isPresent()) {
            throw new InvalidLibrary("cannot scan library " + library.name() + ": " + problem.get()
                    + "; nothing was changed. Mount or fix the folder, then scan again.");
        }
    }

    /** Queues a scan of every library whose import paths are all there; returns how many were queued. */
    public long scanAll() {
        return LibraryJobs.scanAll(jdbi, jobs);
    }

    private List<String> checkedImportPaths(List<String> importPaths) {
        if (importPaths.size() > 128) {
            throw new InvalidLibrary("at most 128 import paths");
        }
        List<String> out = new ArrayList<>();
        for (ImportPaths.Check c : ImportPaths.check(importPaths, libraryFolder)) {
            if (!c.valid()) {
                throw new InvalidLibrary("invalid import path " + c.importPath() + ": " + c.problem().orElseThrow());
            }
            if (!out.contains(c.importPath())) {
                out.add(c.importPath());
            }
        }
        return out;
    }

    private static List<String> checkedExclusions(List<String> patterns) {
        if (patterns.size() > 128) {
            throw new InvalidLibrary("at most 128 exclusion patterns");
        }
        try {
            patterns.forEach(Exclusions::validate);
        } catch (IllegalArgumentException e) {
            throw new InvalidLibrary(e.getMessage());
        }
        return patterns.stream().distinct().toList();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
