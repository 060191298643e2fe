package app.shoebox.client.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where the uploader keeps what outlives a run: {@code $XDG_CACHE_HOME/shoebox/uploader} (by
 * default {@code ~/.cache/shoebox/uploader}), or the folder given with {@code --cache-dir}.
 * The hash cache is shared by all servers (a file's SHA-1 does not depend on where it goes). The
 * journal is kept per user of a server ({@link #userKey}): user ids are UUIDs, unique to one
 * server, so a server reached by another address (its IP, its name, a proxy) keeps its journal.
 * Records of paused queues are kept per server address and user ({@link #serverKey}).
 */
public record CacheDir(Path root) {

    public static CacheDir defaultFor(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
        return new CacheDir(base.resolve("shoebox").resolve("uploader"));
    }

    public CacheDir {
        root = root.toAbsolutePath().normalize();
    }

    /** The folder, created if needed. */
    public Path ensure(String... sub) {
        Path p = root;
        for (String s : sub) {
            p = p.resolve(s);
        }
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the uploader's cache folder " + p + ": " + e.getMessage()
                    + "; give another one with --cache-dir", e);
        }
    }

    /** A short, stable name for a server address and user: state of one never mixes with another's. */
    public static String serverKey(String apiUrl, String userId) {
        return shortHash(apiUrl + "\n" + userId);
    }

    /** A short, stable name for a user of a server, whatever address the server is reached by. */
    public static String userKey(String userId) {
        return shortHash("user\n" + userId);
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
