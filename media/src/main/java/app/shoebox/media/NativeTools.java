package app.shoebox.media;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the external tools Shoebox can use (on the PATH), once per lookup. */
public final class NativeTools {

    private NativeTools() {
    }

    /** The executable called {@code name} on the PATH, if there is one. */
    public static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The version {@code tool} prints when asked with {@code flag}: the first match of {@code pattern}'s
     * group 1 in its output (e.g. "ffmpeg version (\\S+)"). Empty when the tool fails or says nothing
     * that matches; asked once per process start, for the start-up log and the server's about page.
     */
    public static Optional<String> version(Path tool, String flag, java.util.regex.Pattern pattern) {
        try {
            var result = ProcessRunner.run(java.util.List.of(tool.toString(), flag), java.time.Duration.ofSeconds(10), tool);
            var m = pattern.matcher(result.stdout() + "\n" + result.stderr());
            return result.succeeded() && m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (MediaException e) {
            return Optional.empty();
        }
    }
}
