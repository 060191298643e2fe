package app.shoebox.server.libraries;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * A library's exclusion patterns (globs such as {@code **}{@code /@eaDir/**}), matched against
 * absolute paths. A pattern that ends in {@code /**} also prunes the folder itself, so a scan never
 * descends into {@code @eaDir} or {@code .thumbnails} at all.
 */
final class Exclusions {

    private final List<PathMatcher> files = new ArrayList<>();
    private final List<PathMatcher> folders = new ArrayList<>();

    Exclusions(List<String> patterns) {
        for (String pattern : patterns) {
            files.add(matcher(pattern));
            if (pattern.endsWith("/**") && pattern.length() > 3) {
                folders.add(matcher(pattern.substring(0, pattern.length() - 3)));
            }
        }
    }

    /** Checks a pattern's syntax; the message says what is wrong with which pattern. */
    static void validate(String pattern) {
        matcher(pattern);
    }

    private static PathMatcher matcher(String pattern) {
        if (pattern.isBlank()) {
            throw new IllegalArgumentException("an exclusion pattern is empty");
        }
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("exclusion pattern " + pattern + " is not a valid glob: " + e.getMessage(), e);
        }
    }

    boolean excludesFile(Path file) {
        for (PathMatcher m : files) {
            if (m.matches(file)) {
                return true;
            }
        }
        return false;
    }

    boolean excludesFolder(Path folder) {
        for (PathMatcher m : folders) {
            if (m.matches(folder)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a file is excluded by its own name or by a folder it lies in (up to {@code root}). */
    boolean excludes(Path root, Path file) {
        if (excludesFile(file)) {
            return true;
        }
        for (Path p = file.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            if (excludesFolder(p)) {
                return true;
            }
        }
        return false;
    }
}
