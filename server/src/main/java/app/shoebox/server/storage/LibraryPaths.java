package app.shoebox.server.storage;

import java.nio.file.Path;

/**
 * Paths as the library's users may see them. Error texts from decoders and the file system carry
 * absolute paths on the server; an asset's owner (and the queue API) sees them relative to the
 * library folder, while the server's log keeps them whole for the administrator.
 */
public final class LibraryPaths {

    private LibraryPaths() {
    }

    /** {@code text} with every absolute path inside {@code library} written relative to it. */
    public static String relative(Path library, String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String root = library.toAbsolutePath().normalize().toString();
        // A library at the file system's root leaves nothing to shorten.
        return root.equals("/") ? text : text.replace(root + "/", "");
    }
}
