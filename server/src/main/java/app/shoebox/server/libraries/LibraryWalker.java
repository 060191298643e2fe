package app.shoebox.server.libraries;

import app.shoebox.media.FileType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Walks one import path in a fixed order (each folder's entries sorted by name, depth first), so a
 * walk can stop after any file and a later walk resume just after it: folders that lie wholly
 * before the resume point are skipped without being listed. Memory holds one folder listing per
 * level of depth, never the tree.
 *
 * <p>A symlink whose target lies inside the import path is not followed: the walk reaches the
 * target at its own path, and following the link would index the same file twice. A link that
 * leads out is followed only when the library allows it; a linked folder already on the current
 * descent is not entered again (no cycles).
 */
final class LibraryWalker {

    private static final Logger log = LoggerFactory.getLogger(LibraryWalker.class);

    /** Receives each file to index; returns false to stop the walk after it. */
    @FunctionalInterface
    interface Sink {
        boolean accept(Path file);
    }

    private final Path root;
    private final Path rootReal;
    private final Exclusions exclusions;
    private final boolean followOutside;
    private final Set<Path> descent = new HashSet<>();

    LibraryWalker(Path root, Exclusions exclusions, boolean followOutside) throws IOException {
        this.root = root;
        this.rootReal = root.toRealPath();
        this.exclusions = exclusions;
        this.followOutside = followOutside;
    }

    /**
     * Walks the files after {@code resumeAfter} (a path relative to the root, empty for the start).
     * Returns true when the walk reached the end, false when the sink stopped it.
     */
    boolean walk(Optional<Path> resumeAfter, Sink sink) throws IOException {
        descent.clear();
        descent.add(rootReal);
        return walk(root, rootReal, resumeAfter.orElse(null), sink);
    }

    private boolean walk(Path folder, Path folderReal, Path after, Sink sink) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(folder)) {
            for (Path p : listing) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            if (folder.equals(root)) {
                throw e;
            }
            log.warn("library scan: skipping folder {} that cannot be listed: {}", folder, e.toString());
            return true;
        }
        names.sort(null);
        for (String name : names) {
            Path child = folder.resolve(name);
            Path relative = root.relativize(child);
            boolean resumesInside = after != null && after.startsWith(relative) && !after.equals(relative);
            if (after != null && !resumesInside && compare(relative, after) <= 0) {
                continue;
            }
            BasicFileAttributes attrs;
            Path real = null;
            try {
                attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attrs.isSymbolicLink()) {
                    real = child.toRealPath();
                    if (real.startsWith(rootReal)) {
                        // The walk reaches the target at its own path: following the link would
                        // index the same file twice.
                        log.debug("library scan: not following {} -> {} (indexed at its own path)", child, real);
                        continue;
                    }
                    if (!followOutside) {
                        log.debug("library scan: not following {} -> {} (outside the import path)", child, real);
                        continue;
                    }
                    attrs = Files.readAttributes(real, BasicFileAttributes.class);
                }
            } catch (IOException e) {
                log.debug("library scan: skipping {}: {}", child, e.toString());
                continue;
            }
            if (attrs.isDirectory()) {
                if (exclusions.excludesFolder(child)) {
                    continue;
                }
                // The real folder, known without a system call unless a link led here.
                Path key = real != null ? real : folderReal.resolve(name);
                if (!descent.add(key)) {
                    log.debug("library scan: not entering {} again (a link cycle)", child);
                    continue;
                }
                try {
                    if (!walk(child, key, resumesInside ? after : null, sink)) {
                        return false;
                    }
                } finally {
                    descent.remove(key);
                }
            } else if (attrs.isRegularFile() && FileType.fromFileName(name).isPresent() && !exclusions.excludesFile(child)) {
                if (!sink.accept(child)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Order of paths as the walk visits them: name by name. */
    static int compare(Path a, Path b) {
        int n = Math.min(a.getNameCount(), b.getNameCount());
        for (int i = 0; i < n; i++) {
            int c = a.getName(i).toString().compareTo(b.getName(i).toString());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.getNameCount(), b.getNameCount());
    }
}
