package app.shoebox.client.sources;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a source says about a file beyond its bytes: a Takeout's JSON sidecar, or an XMP sidecar
 * (read only to compare with {@code --sync-metadata}). A field is present only when the source
 * states it; an absent field is never sent and never compared.
 */
public record Metadata(Origin origin, Optional<Instant> takenAt, Optional<Gps> gps, Optional<String> description,
                       Optional<Boolean> favorite, Optional<Boolean> archived) {

    public enum Origin {
        /** Nothing beyond the file itself. */
        NONE,
        /** An XMP sidecar, uploaded with the file: the server reads it itself. */
        XMP,
        /** A Google Takeout JSON sidecar: the server cannot read it, so the uploader applies it. */
        GOOGLE_JSON
    }

    public record Gps(double latitude, double longitude) {
        public boolean near(double lat, double lon) {
            return Math.abs(lat - latitude) < 1e-5 && Math.abs(lon - longitude) < 1e-5;
        }
    }

    public static final Metadata NONE = new Metadata(Origin.NONE, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    /** Whether the uploader must apply it after an upload (the server cannot read it from the file). */
    public boolean appliedByUploader() {
        return origin == Origin.GOOGLE_JSON;
    }

    /** The names of the fields it states, for messages. */
    public List<String> fields() {
        List<String> f = new ArrayList<>();
        takenAt.ifPresent(x -> f.add("date"));
        gps.ifPresent(x -> f.add("GPS"));
        description.ifPresent(x -> f.add("description"));
        favorite.ifPresent(x -> f.add("favorite"));
        archived.ifPresent(x -> f.add("archive"));
        return f;
    }
}
