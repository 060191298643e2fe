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
 * own library folder), and which files under one are indexed (each file once, at its own path;
 * symlinks that lead outside only when the library allows them).
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
     * Decides which files under one import path may be indexed. A file whose real location is
     * inside the root is indexed at that location only: reached through a link (to the file, or to
     * a folder above it) it would be a second asset of the same file, so it is refused. A file whose
     * real location is outside the root is indexed only when the library allows links that lead
     * out. Remembers the last folder it resolved, as a batch's paths come folder by folder.
     */
    static final class Admission {
        private final Path root;
        private final Path rootReal;
        private final boolean followOutside;
        private Path lastParent;
        private Path lastParentReal;

        Admission(Path root, boolean followOutside) throws IOException {
            this.root = root.toAbsolutePath().normalize();
            this.rootReal = root.toRealPath();
            this.followOutside = followOutside;
        }

        /** The file's attributes if it may be indexed; empty when it is gone, not a file, or refused as above. */
        Optional<BasicFileAttributes> admit(Path file) {
            try {
                Path path = file.toAbsolutePath().normalize();
                BasicFileAttributes own = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!own.isRegularFile() && !own.isSymbolicLink()) {
                    return Optional.empty();
                }
                Path real = own.isSymbolicLink() ? path.toRealPath() : parentReal(path.getParent()).resolve(path.getFileName());
                if (real.startsWith(rootReal)) {
                    if (!path.startsWith(root) || !real.equals(rootReal.resolve(root.relativize(path)))) {
                        return Optional.empty();
                    }
                } else if (!followOutside) {
                    return Optional.empty();
                }
                BasicFileAttributes target = own.isSymbolicLink() ? Files.readAttributes(real, BasicFileAttributes.class) : own;
                return target.isRegularFile() ? Optional.of(target) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        private Path parentReal(Path parent) throws IOException {
            if (!parent.equals(lastParent)) {
                lastParentReal = parent.toRealPath();
                lastParent = parent;
            }
            return lastParentReal;
        }
    }
}
