package app.shoebox.server.storage;

import app.shoebox.media.FileType;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * Moves an original (and its sidecar) to where the storage template says it belongs.
 *
 * <p>On the same file system the new name is a hard link to the original: no byte is read or
 * written, and the file is never without a name. Elsewhere (another file system, or one without
 * links) the original is copied to a temporary file beside the target, fsynced, checked against
 * the catalogue's SHA-1 and renamed into place. Then the move changes the path in
 * the catalogue with a conditional update (only if the asset still points where it did) in the same
 * transaction that records the old file as orphaned; the old file is deleted after the commit. An
 * API read that looked up the old path a moment before keeps working (an open file survives its
 * unlinking, and the download looks the path up again when the old name is already gone), and an
 * API edit never conflicts, since the move writes only the path columns.
 */
public final class StorageMover {

    private static final Logger log = LoggerFactory.getLogger(StorageMover.class);
    /** Where templated originals live, under the library folder, one folder per owner. */
    public static final String LIBRARY_FOLDER = "library";

    /** What a move did. */
    public sealed interface Outcome {
        record Moved(String from, String to) implements Outcome {}

        record AlreadyInPlace(String path) implements Outcome {}

        /** The asset was deleted; nothing changed. */
        record Gone(UUID assetId) implements Outcome {}

        /** The asset's path changed while this move ran (another move won); nothing changed, try again. */
        record Raced(UUID assetId) implements Outcome {}

        /**
         * The original no longer has the bytes the catalogue recorded at upload (changed or damaged
         * on disk): moving it would carry the damage along under a checksum that lies, and trying
         * again cannot help. Nothing changed.
         */
        record Damaged(UUID assetId, String reason) implements Outcome {}
    }

    /** The original's own bytes differ from the catalogue's checksum. */
    private static final class DamagedOriginal extends IOException {
        DamagedOriginal(String message) {
            super(message);
        }
    }

    private record AssetRow(UUID id, UUID ownerId, String originalPath, Optional<String> sidecarPath,
                            String originalFileName, LocalDateTime localDateTime, boolean video, byte[] checksum,
                            boolean inPlace) {}

    /** How the new name gets the original's bytes. */
    enum Placement {
        /** A hard link where the file system allows one, a checked copy otherwise. */
        LINK_OR_COPY,
        /** Always a checked copy (what a move across file systems does). */
        COPY
    }

    private final Jdbi jdbi;
    private final Path library;
    private final StorageTemplate template;
    private final Placement placement;

    public StorageMover(Jdbi jdbi, Path library, StorageTemplate template) {
        this(jdbi, library, template, Placement.LINK_OR_COPY);
    }

    StorageMover(Jdbi jdbi, Path library, StorageTemplate template, Placement placement) {
        this.jdbi = jdbi;
        this.library = library.toAbsolutePath().normalize();
        this.template = template;
        this.placement = placement;
    }

    public Outcome move(UUID assetId) throws IOException {
        Optional<AssetRow> found = load(assetId);
        if (found.isEmpty()) {
            return new Outcome.Gone(assetId);
        }
        AssetRow asset = found.get();
        if (asset.inPlace()) {
            // An external library's file is indexed where it is, and a motion photo's extracted video
            // stays in encoded-video/ (Immich skips both): the template never applies to them.
            return new Outcome.AlreadyInPlace(asset.originalPath());
        }
        String extension = FileType.extension(asset.originalPath()).orElse("");
        String wanted = LIBRARY_FOLDER + "/" + asset.ownerId() + "/" + template.render(new StorageTemplate.AssetFacts(
                asset.id(), asset.localDateTime(), asset.originalFileName(), extension, asset.video()));
        if (asset.originalPath().equals(wanted) || isSuffixedForm(asset.originalPath(), wanted)) {
            return new Outcome.AlreadyInPlace(asset.originalPath());
        }
        Path source = resolve(asset.originalPath());
        String target;
        try {
            target = placeCopy(asset, source, wanted);
        } catch (DamagedOriginal e) {
            return new Outcome.Damaged(asset.id(), e.getMessage());
        }
        Optional<String> sidecarTarget = Optional.empty();
        if (asset.sidecarPath().isPresent()) {
            String sc = target + ".xmp";
            copyDurably(resolve(asset.sidecarPath().get()), resolve(sc), true);
            sidecarTarget = Optional.of(sc);
        }
        Optional<String> newSidecar = sidecarTarget;
        boolean updated = jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
                            UPDATE assets SET original_path = :to, sidecar_path = coalesce(:sidecarTo, sidecar_path)
                            WHERE id = :id AND original_path = :from""")
                    .bind("to", target).bind("sidecarTo", newSidecar.orElse(null))
                    .bind("id", asset.id()).bind("from", asset.originalPath()).execute();
            if (n == 1) {
                orphan(h, asset.originalPath());
                asset.sidecarPath().ifPresent(p -> orphan(h, p));
            }
            return n == 1;
        });
        if (!updated) {
            // The asset changed under us: the copy is ours alone, so it goes.
            Files.deleteIfExists(resolve(target));
            newSidecar.ifPresent(p -> deleteQuietly(resolve(p)));
            return new Outcome.Raced(asset.id());
        }
        deleteOrphans();
        log.debug("moved asset {} from {} to {}", asset.id(), asset.originalPath(), target);
        return new Outcome.Moved(asset.originalPath(), target);
    }

    /**
     * Deletes files the catalogue no longer points at. Runs after every move and can run on its own
     * (at start-up) to finish moves interrupted by a crash. Returns how many files went.
     */
    public int deleteOrphans() {
        return jdbi.inTransaction(h -> {
            var paths = h.createQuery("""
                            SELECT o.path FROM orphaned_files o
                            WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.original_path = o.path OR a.sidecar_path = o.path)
                            FOR UPDATE SKIP LOCKED""")
                    .mapTo(String.class).list();
            int deleted = 0;
            for (String p : paths) {
                try {
                    Files.deleteIfExists(resolve(p));
                    deleted++;
                } catch (IOException e) {
                    log.warn("could not delete the old copy {} (will retry on the next move): {}", p, e.toString());
                    continue;
                }
                h.createUpdate("DELETE FROM orphaned_files WHERE path = :p").bind("p", p).execute();
            }
            // A path some asset points at again is not an orphan any more.
            h.createUpdate("""
                    DELETE FROM orphaned_files o
                    WHERE EXISTS (SELECT 1 FROM assets a WHERE a.original_path = o.path OR a.sidecar_path = o.path)""")
                    .execute();
            return deleted;
        });
    }

    private String placeCopy(AssetRow asset, Path source, String wanted) throws IOException {
        for (int n = 0; n < 10_000; n++) {
            String candidate = StorageTemplate.withSuffix(wanted, n);
            Path target = resolve(candidate);
            if (isReferenced(candidate)) {
                continue;
            }
            if (Files.exists(target)) {
                // Left by a move that crashed before its catalogue update: adopt it if it is this file.
                if (Files.isSameFile(target, source)
                        || Files.size(target) == Files.size(source) && Arrays.equals(sha1(target), asset.checksum())) {
                    return candidate;
                }
                continue;
            }
            try {
                if (placement == Placement.LINK_OR_COPY && linkDurably(source, target)) {
                    // The same bytes under a second name: nothing to check, nothing was read.
                    return candidate;
                }
                copyDurably(source, target, false);
            } catch (FileAlreadyExistsException raced) {
                continue;
            }
            if (!Arrays.equals(sha1(target), asset.checksum())) {
                Files.deleteIfExists(target);
                if (!Arrays.equals(sha1(source), asset.checksum())) {
                    throw new DamagedOriginal("the original " + asset.originalPath() + " no longer matches the checksum it had when it was"
                            + " uploaded (it was changed or damaged on disk); it was left where it was");
                }
                // The original is intact and the copy is not: the copy went wrong, worth another try.
                throw new IOException("the copy of " + source + " at " + target
                        + " does not match the catalogue's checksum; the original was left where it was");
            }
            return candidate;
        }
        throw new IOException("no free name for " + wanted + " after 10000 tries");
    }

    /**
     * Gives the original a second name, durably (the folder is fsynced). False where links cannot
     * be made (another file system, or one without hard links): the caller copies instead.
     * Measured with {@code shoebox bench import}: the copy, fsync and checksum read each 12 MP
     * original twice more and cost about as much CPU and disk as the metadata step.
     */
    private static boolean linkDurably(Path source, Path target) throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        try {
            Files.createLink(target, source);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot link {} to {} ({}); copying instead", target, source, e.toString());
            return false;
        }
        fsyncDirectory(dir);
        return true;
    }

    /** Copies through a temporary file in the target folder, fsyncs it, and renames it into place. */
    private static void copyDurably(Path source, Path target, boolean replace) throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        try {
            try (InputStream in = Files.newInputStream(source);
                 FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.transferFrom(java.nio.channels.Channels.newChannel(in), 0, Long.MAX_VALUE);
                out.force(true);
            }
            if (!replace && Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for fsync; the rename is still atomic there.
            log.debug("could not fsync directory {}: {}", dir, e.toString());
        }
    }

    private boolean isReferenced(String relativePath) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT EXISTS (SELECT 1 FROM assets WHERE original_path = :p OR sidecar_path = :p)")
                .bind("p", relativePath).mapTo(Boolean.class).one());
    }

    /** Whether {@code current} is {@code wanted} with a collision suffix ({@code name+3.jpg}). */
    private static boolean isSuffixedForm(String current, String wanted) {
        int slash = wanted.lastIndexOf('/');
        int dot = wanted.lastIndexOf('.');
        String stem = dot > slash ? wanted.substring(0, dot) : wanted;
        String ext = dot > slash ? wanted.substring(dot) : "";
        return current.length() > stem.length() + 1 + ext.length() && current.startsWith(stem + "+") && current.endsWith(ext)
                && current.substring(stem.length() + 1, current.length() - ext.length()).matches("[1-9][0-9]{0,4}");
    }

    private Optional<AssetRow> load(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, owner_id, original_path, sidecar_path, original_file_name, local_date_time, type, checksum,
                               (library_id IS NOT NULL OR original_path LIKE 'encoded-video/%') AS in_place
                        FROM assets WHERE id = :id AND status <> 'deleted'""")
                .bind("id", id)
                .map((rs, ctx) -> new AssetRow(rs.getObject("id", UUID.class), rs.getObject("owner_id", UUID.class),
                        rs.getString("original_path"), Optional.ofNullable(rs.getString("sidecar_path")),
                        rs.getString("original_file_name"),
                        // local_date_time holds the wall-clock time of capture stored as if it were UTC, as Immich does.
                        rs.getObject("local_date_time", java.time.OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC)
                                .toLocalDateTime(),
                        "VIDEO".equals(rs.getString("type")), rs.getBytes("checksum"), rs.getBoolean("in_place")))
                .findOne());
    }

    private static void orphan(Handle h, String path) {
        h.createUpdate("INSERT INTO orphaned_files (path) VALUES (:p) ON CONFLICT DO NOTHING").bind("p", path).execute();
    }

    private Path resolve(String relative) {
        Path p = library.resolve(relative).normalize();
        if (!p.startsWith(library)) {
            throw new IllegalStateException("refusing a path outside the library folder: " + relative);
        }
        return p;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", p, e.toString());
        }
    }

    static byte[] sha1(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (NoSuchFileException e) {
            throw new IOException("the original " + file + " is missing from the library folder", e);
        }
        return md.digest();
    }
}
