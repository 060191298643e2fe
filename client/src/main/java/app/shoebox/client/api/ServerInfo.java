package app.shoebox.client.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the uploader learnt about the server when it connected, and what follows from it.
 *
 * <p>Shoebox reports the Immich API version it implements (3.1.0), so the version alone cannot
 * tell the two apart. Shoebox's {@code GET /api/server/about} answers {@code "repository":
 * "shoebox"} (Immich's says {@code immich-app/immich}); that is the test, documented in
 * docs/api-extensions.md. It decides one thing: whether queues are paused with leases.
 */
public record ServerInfo(Version version, Kind kind, MediaTypes mediaTypes, User user) {

    public enum Kind {
        SHOEBOX, IMMICH;

        @Override
        public String toString() {
            return this == SHOEBOX ? "Shoebox" : "Immich";
        }
    }

    /** How a server's queues are read and paused. */
    public enum QueueApi {
        /** {@code GET /jobs}, {@code PUT /jobs/{name}} with a command: Immich 2.x (deprecated in 2.4, still in 3.x). */
        JOBS,
        /** {@code GET /queues}, {@code PUT /queues/{name}} with {@code isPaused}: Immich 3.x and Shoebox. */
        QUEUES
    }

    public record Version(int major, int minor, int patch) {
        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }

    public record User(String id, String email, String name, boolean isAdmin) {
    }

    /** What the server accepts, as {@code GET /server/media-types} lists it (extensions with the dot, lower case). */
    public record MediaTypes(Set<String> image, Set<String> video, Set<String> sidecar) {

        public MediaTypes {
            image = lower(image);
            video = lower(video);
            sidecar = lower(sidecar);
        }

        public static MediaTypes of(List<String> image, List<String> video, List<String> sidecar) {
            return new MediaTypes(Set.copyOf(image), Set.copyOf(video), Set.copyOf(sidecar));
        }

        public Optional<AssetType> typeOf(String fileName) {
            String ext = extension(fileName);
            if (image.contains(ext)) {
                return Optional.of(AssetType.IMAGE);
            }
            if (video.contains(ext)) {
                return Optional.of(AssetType.VIDEO);
            }
            return Optional.empty();
        }

        public boolean isSidecar(String fileName) {
            return sidecar.contains(extension(fileName));
        }

        /** The extension with its dot, lower case; empty when the name has none. */
        public static String extension(String fileName) {
            int dot = fileName.lastIndexOf('.');
            return dot <= 0 || dot == fileName.length() - 1 ? "" : fileName.substring(dot).toLowerCase(Locale.ROOT);
        }

        private static Set<String> lower(Set<String> s) {
            Set<String> out = new TreeSet<>();
            s.forEach(x -> out.add((x.startsWith(".") ? x : "." + x).toLowerCase(Locale.ROOT)));
            return Set.copyOf(out);
        }
    }

    public enum AssetType { IMAGE, VIDEO }

    public QueueApi queueApi() {
        return kind == Kind.SHOEBOX || version.major() >= 3 ? QueueApi.QUEUES : QueueApi.JOBS;
    }

    /** Immich 2.x requires {@code deviceAssetId} and {@code deviceId} on an upload; 3.x dropped them. */
    public boolean wantsDeviceIds() {
        return version.major() < 3;
    }

    public boolean pauseLeases() {
        return kind == Kind.SHOEBOX;
    }

    public String describe() {
        return kind + " " + version + " (user " + user.email() + (user.isAdmin() ? ", admin" : "") + ")";
    }
}
