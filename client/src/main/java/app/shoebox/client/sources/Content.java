package app.shoebox.client.sources;

import java.io.IOException;
import java.io.InputStream;

/** A file's bytes, openable as often as needed (once to hash, once per upload attempt). */
@FunctionalInterface
public interface Content {
    InputStream open() throws IOException;
}
