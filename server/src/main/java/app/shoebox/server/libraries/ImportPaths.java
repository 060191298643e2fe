package app.shoebox.server.libraries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * What an import path must be (an absolute folder the server can read, not inside the server's
 * own library folder), and where a file found under one really is (symlinks that lead outside are
 * refused unless the library allows them).
 */
final class ImportPaths {

    /** The answer for one import path: empty when usable, else why not. */
    record Check(String importPath, Optional<String> problem) {
        boolean valid() {
            return problem.isEmpty();
        }
    }

    private ImportPaths() {
    }

    /** Checks every import path; {@code libraryFolder} is the server's own folder, which no import path may touch. */
    static List<Check> check(List<String> importPaths, Path libraryFolder) {
        return importPaths.stream().map(p -> new Check(p, problem(p, libraryFolder))).toList();
    }

    static Optional<String> problem(String importPath, Path libraryFolder) {
        if (importPath == null || importPath.isBlank()) {
            return Optional.of("Import path is empty");
        }
        Path p;
        try {
            p = Path.of(importPath);
        } catch (RuntimeException e) {
            return Optional.of("Import path is not a valid path: " + e.getMessage());
        }
        if (!p.isAbsolute()) {
            return Optional.of("Import path must be absolute, try /" + importPath.replaceFirst("^\\.?/*", ""));
        }
        if (!p.normalize().equals(p) || importPath.contains("/../") || importPath.endsWith("/..")) {
            return Optional.of("Import path must not contain . or .. segments");
        }
        if (!Files.exists(p)) {
            return Optional.of("Path does not exist (ENOENT): is the share mounted?");
        }
        if (!Files.isDirectory(p)) {
            return Optional.of("Not a directory");
        }
        if (!Files.isReadable(p) || !Files.isExecutable(p)) {
            return Optional.of("Lacking read permission for folder");
        }
        try {
            Path real = p.toRealPath();
            Path library = libraryFolder.toAbsolutePath().normalize();
            Path libraryReal = Files.exists(library) ? library.toRealPath() : library;
            if (real.startsWith(libraryReal) || libraryReal.startsWith(real)) {
                return Optional.of("Import path overlaps the server's library folder " + library
                        + " (the server's own files are not a library)");
            }
        } catch (IOException e) {
            return Optional.of("Cannot resolve the folder: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Whether a folder that a scan relies on is there and readable now. A missing root (an
     * unmounted share) must stop a scan rather than mark every file offline.
     */
    static Optional<String> unavailable(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.of("import path " + root + " is missing (is the share mounted?)");
        }
        if (!Files.isReadable(root) || !Files.isExecutable(root)) {
            return Optional.of("import path " + root + " cannot be read by the server (check its permissions)");
        }
        try (var listing = Files.newDirectoryStream(root)) {
            listing.iterator().hasNext();
        } catch (IOException e) {
            return Optional.of("import path " + root + " cannot be listed: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Decides which files under one import path may be indexed: a regular file whose real location
     * is inside the root's real location, or anywhere when the library allows links that lead out.
     * Remembers the last folder it resolved, as a batch's paths come folder by folder.
     */
    static final class Admission {
        private final Path rootReal;
        private final boolean followOutside;
        private Path lastParent;
        private boolean lastParentInside;

        Admission(Path root, boolean followOutside) throws IOException {
            this.rootReal = root.toRealPath();
            this.followOutside = followOutside;
        }

        /** The file's attributes if it may be indexed; empty when it is gone, not a file, or a link that leads out. */
        Optional<BasicFileAttributes> admit(Path file) {
            try {
                BasicFileAttributes own = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (own.isRegularFile()) {
                    // A real file: only a linked folder above it could lead outside.
                    return followOutside || parentInside(file.getParent()) ? Optional.of(own) : Optional.empty();
                }
                if (!own.isSymbolicLink()) {
                    return Optional.empty();
                }
                Path real = file.toRealPath();
                if (!followOutside && !real.startsWith(rootReal)) {
                    return Optional.empty();
                }
                BasicFileAttributes target = Files.readAttributes(real, BasicFileAttributes.class);
                return target.isRegularFile() ? Optional.of(target) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        private boolean parentInside(Path parent) throws IOException {
            if (!parent.equals(lastParent)) {
                lastParentInside = parent.toRealPath().startsWith(rootReal);
                lastParent = parent;
            }
            return lastParentInside;
        }
    }
}
