package app.shoebox.server.libraries;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobHandler;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.jobs.JobRequest;
import app.shoebox.media.FileType;
import app.shoebox.media.MediaKind;
import app.shoebox.server.pipeline.AssetJobs;
import com.fasterxml.jackson.databind.JsonNode;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The handlers of a library scan; see {@link LibraryJobs} for how they chain. */
final class LibraryScan {

    private static final Logger log = LoggerFactory.getLogger(LibraryScan.class);

    private LibraryScan() {
    }

    /** The first import path that is missing or unreadable now, described for a user, or empty. */
    static Optional<String> unavailableRoots(Library library) {
        if (library.importPaths().isEmpty()) {
            return Optional.of("library " + library.name() + " has no import paths");
        }
        for (Path root : library.roots()) {
            Optional<String> problem = ImportPaths.unavailable(root);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static JobOutcome stopped(Library library, String problem) {
        String reason = "scan of library " + library.name() + " (" + library.id() + ") stopped: " + problem
                + "; no file was marked offline. Mount or fix the folder, then scan again.";
        log.warn("{}", reason);
        return JobOutcome.discard(reason);
    }

    /** A scan job's work once its library is loaded. */
    @FunctionalInterface
    private interface Work {
        JobOutcome run(JsonNode args, Library library) throws Exception;
    }

    /**
     * Loads the job's library and runs {@code work} on it; a deleted library cancels the job, and
     * with {@code rootsRequired} a missing or unreadable import path stops it before any change.
     */
    private static JobOutcome withLibrary(Jdbi jdbi, JobContext ctx, boolean rootsRequired, Work work) throws Exception {
        JsonNode args = LibraryJobs.read(ctx);
        UUID id = UUID.fromString(args.get("libraryId").asText());
        Optional<Library> found = LibraryService.find(jdbi, id);
        if (found.isEmpty()) {
            return JobOutcome.cancel("library " + id + " was deleted");
        }
        Optional<String> problem = rootsRequired ? unavailableRoots(found.get()) : Optional.empty();
        if (problem.isPresent()) {
            return stopped(found.get(), problem.get());
        }
        return work.run(args, found.get());
    }

    /** Walks a chunk of files and queues them in batches, then its continuation or the offline check. */
    static final class Walk implements JobHandler {
        private final Jdbi jdbi;
        private final JobClient jobs;
        private final LibraryJobs.Config config;

        Walk(Jdbi jdbi, JobClient jobs, LibraryJobs.Config config) {
            this.jdbi = jdbi;
            this.jobs = jobs;
            this.config = config;
        }

        @Override
        public JobOutcome handle(JobContext ctx) throws Exception {
            return withLibrary(jdbi, ctx, true, (args, library) -> walk(ctx, args, library));
        }

        private JobOutcome walk(JobContext ctx, JsonNode args, Library library) throws Exception {
            UUID id = library.id();
            List<String> roots = library.importPaths();
            int start = args.hasNonNull("root") ? Math.max(0, roots.indexOf(args.get("root").asText())) : 0;
            Optional<Path> after = args.hasNonNull("root") && roots.contains(args.get("root").asText())
                    ? Optional.of(Path.of(args.get("after").asText())) : Optional.empty();
            Exclusions exclusions = new Exclusions(library.exclusionPatterns());

            List<JobRequest> queued = new ArrayList<>();
            int walked = 0;
            LibraryJobs.Resume resume = null;
            for (int i = start; i < roots.size() && resume == null; i++) {
                String root = roots.get(i);
                Path rootPath = Path.of(root);
                List<String> batch = new ArrayList<>(config.batchSize());
                int[] count = {walked};
                Path[] last = new Path[1];
                boolean finished = new LibraryWalker(rootPath, exclusions, library.followOutsideSymlinks())
                        .walk(i == start ? after : Optional.empty(), file -> {
                            batch.add(rootPath.relativize(file).toString());
                            last[0] = file;
                            if (batch.size() == config.batchSize()) {
                                queued.add(LibraryJobs.syncFiles(id, root, List.copyOf(batch)));
                                batch.clear();
                            }
                            return ++count[0] < config.walkChunk();
                        });
                walked = count[0];
                if (!batch.isEmpty()) {
                    queued.add(LibraryJobs.syncFiles(id, root, List.copyOf(batch)));
                }
                if (!finished) {
                    resume = new LibraryJobs.Resume(root, rootPath.relativize(last[0]).toString());
                }
            }
            queued.add(resume != null ? LibraryJobs.walkContinuation(id, resume) : LibraryJobs.syncAssets(id, Optional.empty()));
            ctx.completeInTransaction(tx -> jobs.insertMany(tx, queued));
            log.debug("library {}: walked {} files{}", library.name(), walked, resume == null ? " (walk done)" : "");
            return JobOutcome.complete();
        }
    }

    /** What the catalogue holds for a file of the library. */
    private record Known(UUID id, long size, long modifiedMicros, boolean offline) {}

    /** A file seen by the scan that is new to the catalogue. */
    private record NewFile(String path, String name, Optional<String> sidecar, FileType type, long size, Instant modified) {}

    /** One batch of paths: new files become assets, changed ones are processed again, returning ones come online. */
    static final class SyncFiles implements JobHandler {
        private final Jdbi jdbi;
        private final JobClient jobs;

        SyncFiles(Jdbi jdbi, JobClient jobs) {
            this.jdbi = jdbi;
            this.jobs = jobs;
        }

        @Override
        public JobOutcome handle(JobContext ctx) throws Exception {
            return withLibrary(jdbi, ctx, false, (args, library) -> sync(ctx, args, library));
        }

        private JobOutcome sync(JobContext ctx, JsonNode args, Library library) throws Exception {
            UUID id = library.id();
            String root = args.path("root").asText();
            if (!library.importPaths().contains(root)) {
                return JobOutcome.cancel("import path " + root + " is no longer part of library " + library.name());
            }
            Path rootPath = Path.of(root);
            Optional<String> problem = ImportPaths.unavailable(rootPath);
            if (problem.isPresent()) {
                return stopped(library, problem.get());
            }
            Exclusions exclusions = new Exclusions(library.exclusionPatterns());
            ImportPaths.Admission admission = new ImportPaths.Admission(rootPath, library.followOutsideSymlinks());
            List<String> paths = new ArrayList<>();
            for (JsonNode p : args.path("paths")) {
                Path file = rootPath.resolve(p.asText()).normalize();
                if (file.startsWith(rootPath)) {
                    paths.add(file.toString());
                }
            }
            Map<String, Known> known = known(id, paths);
            List<NewFile> fresh = new ArrayList<>();
            List<UUID> changed = new ArrayList<>();
            List<Long> changedSizes = new ArrayList<>();
            List<Instant> changedTimes = new ArrayList<>();
            List<Optional<String>> changedSidecars = new ArrayList<>();
            List<UUID> back = new ArrayList<>();
            // A path handed over by the watcher may be of a file just deleted (or now excluded).
            List<UUID> gone = new ArrayList<>();
            for (String path : paths) {
                Path file = Path.of(path);
                Known k = known.get(path);
                Optional<BasicFileAttributes> attrs = exclusions.excludes(rootPath, file) ? Optional.empty() : admission.admit(file);
                Optional<FileType> type = FileType.fromFileName(file.getFileName().toString());
                if (attrs.isEmpty() || type.isEmpty()) {
                    if (k != null && !k.offline()) {
                        gone.add(k.id());
                    }
                    continue;
                }
                long size = attrs.get().size();
                long micros = attrs.get().lastModifiedTime().to(TimeUnit.MICROSECONDS);
                if (k == null) {
                    fresh.add(new NewFile(path, file.getFileName().toString(), sidecar(file), type.get(), size, instant(micros)));
                } else if (k.size() != size || k.modifiedMicros() != micros) {
                    changed.add(k.id());
                    changedSizes.add(size);
                    changedTimes.add(instant(micros));
                    changedSidecars.add(sidecar(file));
                } else if (k.offline()) {
                    back.add(k.id());
                }
            }
            if (fresh.isEmpty() && changed.isEmpty() && back.isEmpty() && gone.isEmpty()) {
                return JobOutcome.complete();
            }
            ctx.completeInTransaction(tx -> {
                List<JobRequest> next = new ArrayList<>();
                for (UUID assetId : insert(tx, library, fresh)) {
                    next.add(AssetJobs.request(AssetJobs.EXTRACT_METADATA, assetId, AssetJobs.RERUN_PRIORITY));
                }
                try (PreparedStatement ps = tx.prepareStatement("""
                        UPDATE assets SET file_size = ?, file_modified_at = ?, sidecar_path = ?, is_offline = false, updated_at = now()
                         WHERE id = ?""")) {
                    for (int i = 0; i < changed.size(); i++) {
                        ps.setLong(1, changedSizes.get(i));
                        ps.setTimestamp(2, Timestamp.from(changedTimes.get(i)));
                        ps.setString(3, changedSidecars.get(i).orElse(null));
                        ps.setObject(4, changed.get(i));
                        ps.addBatch();
                        next.add(AssetJobs.request(AssetJobs.EXTRACT_METADATA, changed.get(i), AssetJobs.RERUN_PRIORITY));
                    }
                    ps.executeBatch();
                }
                setOffline(tx, back, false);
                setOffline(tx, gone, true);
                jobs.insertMany(tx, next);
            });
            log.debug("library {}: {} new, {} changed, {} back online, {} gone", library.name(), fresh.size(), changed.size(),
                    back.size(), gone.size());
            return JobOutcome.complete();
        }

        private Map<String, Known> known(UUID libraryId, List<String> paths) {
            Map<String, Known> known = new HashMap<>();
            jdbi.useHandle(h -> h.createQuery("""
                            SELECT id, original_path, file_size, file_modified_at, is_offline FROM assets
                             WHERE library_id = :lib AND original_path = ANY(:paths)""")
                    .bind("lib", libraryId).bind("paths", paths.toArray(String[]::new))
                    .map((rs, c) -> Map.entry(rs.getString("original_path"), new Known(rs.getObject("id", UUID.class),
                            rs.getLong("file_size"), micros(rs.getTimestamp("file_modified_at")), rs.getBoolean("is_offline"))))
                    .forEach(e -> known.put(e.getKey(), e.getValue())));
            return known;
        }
    }

    /**
     * Inserts new files as assets, all at once; a file another run inserted first is skipped.
     * The checksum is of the path, as Immich does for library files: a scan never reads contents,
     * and the same picture in two folders is two files of the library.
     */
    private static List<UUID> insert(Connection tx, Library library, List<NewFile> files) throws SQLException {
        if (files.isEmpty()) {
            return List.of();
        }
        int n = files.size();
        String[] paths = new String[n];
        String[] names = new String[n];
        String[] sidecars = new String[n];
        String[] types = new String[n];
        String[] mimes = new String[n];
        String[] checksums = new String[n];
        Long[] sizes = new Long[n];
        Timestamp[] times = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            NewFile f = files.get(i);
            paths[i] = f.path();
            names[i] = f.name();
            sidecars[i] = f.sidecar().orElse(null);
            types[i] = f.type().kind() == MediaKind.VIDEO ? "VIDEO" : "IMAGE";
            mimes[i] = f.type().mimeType();
            checksums[i] = HexFormat.of().formatHex(pathChecksum(f.path()));
            sizes[i] = f.size();
            times[i] = Timestamp.from(f.modified());
        }
        try (PreparedStatement ps = tx.prepareStatement("""
                INSERT INTO assets (owner_id, library_id, type, device_asset_id, device_id, original_path, original_file_name,
                                    sidecar_path, mime_type, checksum, file_size, file_created_at, file_modified_at, local_date_time)
                SELECT ?, ?, t.type, t.name, 'Library Import', t.path, t.name, t.sidecar, t.mime, decode(t.checksum, 'hex'),
                       t.size, t.modified, t.modified, t.modified
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::timestamptz[])
                       AS t(path, name, sidecar, type, mime, checksum, size, modified)
                ON CONFLICT DO NOTHING
                RETURNING id""")) {
            ps.setObject(1, library.ownerId());
            ps.setObject(2, library.id());
            ps.setArray(3, tx.createArrayOf("text", paths));
            ps.setArray(4, tx.createArrayOf("text", names));
            ps.setArray(5, tx.createArrayOf("text", sidecars));
            ps.setArray(6, tx.createArrayOf("text", types));
            ps.setArray(7, tx.createArrayOf("text", mimes));
            ps.setArray(8, tx.createArrayOf("text", checksums));
            ps.setArray(9, tx.createArrayOf("bigint", sizes));
            ps.setArray(10, tx.createArrayOf("timestamptz", times));
            List<UUID> ids = new ArrayList<>(n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    static byte[] pathChecksum(String path) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(("path:" + path).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An XMP sidecar beside the file, as {@code photo.jpg.xmp} or {@code photo.xmp}. */
    private static Optional<String> sidecar(Path file) {
        String name = file.getFileName().toString();
        Path full = file.resolveSibling(name + ".xmp");
        if (Files.isRegularFile(full)) {
            return Optional.of(full.toString());
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            Path stem = file.resolveSibling(name.substring(0, dot) + ".xmp");
            if (Files.isRegularFile(stem)) {
                return Optional.of(stem.toString());
            }
        }
        return Optional.empty();
    }

    private static void setOffline(Connection tx, List<UUID> ids, boolean offline) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = tx.prepareStatement(
                "UPDATE assets SET is_offline = ?, updated_at = now() WHERE id = ANY(?) AND is_offline <> ?")) {
            ps.setBoolean(1, offline);
            ps.setArray(2, tx.createArrayOf("uuid", ids.toArray()));
            ps.setBoolean(3, offline);
            ps.executeUpdate();
        }
    }

    /** One chunk of the library's assets, in path order: gone, excluded or outside means offline. */
    static final class SyncAssets implements JobHandler {
        private final Jdbi jdbi;
        private final JobClient jobs;
        private final LibraryJobs.Config config;

        SyncAssets(Jdbi jdbi, JobClient jobs, LibraryJobs.Config config) {
            this.jdbi = jdbi;
            this.jobs = jobs;
            this.config = config;
        }

        private record Row(UUID id, String path, boolean offline) {}

        @Override
        public JobOutcome handle(JobContext ctx) throws Exception {
            // Roots checked before every chunk: a share unmounted mid-scan must not turn the library offline.
            return withLibrary(jdbi, ctx, true, (args, library) -> check(ctx, args, library));
        }

        private JobOutcome check(JobContext ctx, JsonNode args, Library library) throws Exception {
            UUID id = library.id();
            String after = args.path("after").asText("");
            List<Row> rows = jdbi.withHandle(h -> h.createQuery("""
                            SELECT id, original_path, is_offline FROM assets
                             WHERE library_id = :lib AND original_path > :after ORDER BY original_path LIMIT :n""")
                    .bind("lib", id).bind("after", after).bind("n", config.batchSize())
                    .map((rs, c) -> new Row(rs.getObject("id", UUID.class), rs.getString("original_path"), rs.getBoolean("is_offline")))
                    .list());
            Exclusions exclusions = new Exclusions(library.exclusionPatterns());
            Map<Path, ImportPaths.Admission> admissions = new HashMap<>();
            for (Path root : library.roots()) {
                admissions.put(root, new ImportPaths.Admission(root, library.followOutsideSymlinks()));
            }
            List<UUID> offline = new ArrayList<>();
            List<UUID> online = new ArrayList<>();
            for (Row row : rows) {
                Path file = Path.of(row.path());
                Optional<Path> root = library.roots().stream().filter(file::startsWith).findFirst();
                boolean there = root.isPresent() && !exclusions.excludes(root.get(), file)
                        && admissions.get(root.get()).admit(file).isPresent();
                if (there && row.offline()) {
                    online.add(row.id());
                } else if (!there && !row.offline()) {
                    offline.add(row.id());
                }
            }
            boolean more = rows.size() == config.batchSize();
            ctx.completeInTransaction(tx -> {
                setOffline(tx, offline, true);
                setOffline(tx, online, false);
                if (more) {
                    jobs.insert(tx, LibraryJobs.syncAssets(id, Optional.of(rows.getLast().path())));
                } else {
                    try (PreparedStatement ps = tx.prepareStatement("UPDATE libraries SET refreshed_at = now() WHERE id = ?")) {
                        ps.setObject(1, id);
                        ps.executeUpdate();
                    }
                }
            });
            if (!offline.isEmpty()) {
                log.info("library {}: {} files gone, marked offline", library.name(), offline.size());
            }
            return JobOutcome.complete();
        }
    }

    private static long micros(Timestamp t) {
        Instant i = t.toInstant();
        return TimeUnit.SECONDS.toMicros(i.getEpochSecond()) + i.getNano() / 1000;
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
    }
}
