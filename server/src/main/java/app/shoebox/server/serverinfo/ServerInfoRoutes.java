package app.shoebox.server.serverinfo;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Discovery and server information: what Immich's clients ask before anything else. The version
 * reported is the Immich API version Shoebox speaks, which is what clients check.
 */
public final class ServerInfoRoutes implements Api.Routes {

    /** The Immich API version whose contract Shoebox implements. */
    public static final int[] IMMICH_VERSION = {3, 1, 0};

    /** What the server can decode, in the shape of {@code GET /server/media-types}. */
    public record MediaTypes(List<String> image, List<String> video, List<String> sidecar) {}

    record ServerVersionResponseDto(int major, int minor, int patch, Integer prerelease) {}

    /**
     * Immich's {@code ServerAboutResponseDto}, every field the spec lists. What describes Immich's
     * own build (its image, its Node.js, its ImageMagick, its repository) describes nothing in
     * Shoebox and is an empty string; the tools Shoebox does run report their versions.
     */
    record ServerAboutResponseDto(String version, String versionUrl, boolean licensed, String build, String buildUrl,
                                  String buildImage, String buildImageUrl, String repository, String repositoryUrl,
                                  String sourceRef, String sourceCommit, String sourceUrl, String nodejs, String exiftool,
                                  String ffmpeg, String libvips, String imagemagick, String thirdPartySourceUrl,
                                  String thirdPartyBugFeatureUrl, String thirdPartyDocumentationUrl,
                                  String thirdPartySupportUrl) {}

    /** Immich's {@code ServerStorageResponseDto}: the disk that holds the library. */
    record ServerStorageResponseDto(String diskSize, String diskUse, String diskAvailable, long diskSizeRaw, long diskUseRaw,
                                    long diskAvailableRaw, double diskUsagePercentage) {}

    private final MediaTypes mediaTypes;
    private final Map<String, Boolean> features;
    private final Supplier<ToolVersions> tools;
    private final String exiftool;
    private final java.nio.file.Path library;

    /**
     * {@code tools}: what the job nodes decode with (asked on each {@code /server/about});
     * {@code exiftool}: the version of the exiftool this server finds, empty when none.
     */
    public ServerInfoRoutes(MediaTypes mediaTypes, Map<String, Boolean> features, Supplier<ToolVersions> tools,
                            String exiftool, java.nio.file.Path library) {
        this.mediaTypes = mediaTypes;
        this.features = Map.copyOf(features);
        this.tools = tools;
        this.exiftool = exiftool;
        this.library = library;
    }

    /** Immich's feature flags, with what Shoebox does today. */
    public static Map<String, Boolean> defaultFeatures() {
        return Map.ofEntries(
                Map.entry("configFile", false), Map.entry("duplicateDetection", true), Map.entry("email", false),
                Map.entry("facialRecognition", false), Map.entry("importFaces", false), Map.entry("map", false),
                Map.entry("oauth", false), Map.entry("oauthAutoLaunch", false), Map.entry("ocr", false),
                Map.entry("passwordLogin", true), Map.entry("realtimeTranscoding", false),
                Map.entry("reverseGeocoding", false), Map.entry("search", true), Map.entry("sidecar", true),
                Map.entry("smartSearch", false), Map.entry("trash", true));
    }

    @Override
    public void register(Api api) {
        api.rootGet("/.well-known/immich", ctx -> ctx.json(Map.of("api", Map.of("endpoint", "/api"))));
        api.getOpen("/server/ping", ctx -> ctx.json(Map.of("res", "pong")));
        api.getOpen("/server/version", ctx -> ctx.json(
                new ServerVersionResponseDto(IMMICH_VERSION[0], IMMICH_VERSION[1], IMMICH_VERSION[2], null)));
        api.getOpen("/server/features", ctx -> ctx.json(features));
        api.getOpen("/server/media-types", ctx -> ctx.json(mediaTypes));
        api.get("/server/about", Access.permission(Permission.SERVER_ABOUT), (ctx, user) -> {
            ToolVersions t = tools.get();
            ctx.json(new ServerAboutResponseDto("v" + IMMICH_VERSION[0] + "." + IMMICH_VERSION[1] + "." + IMMICH_VERSION[2],
                    "", false, shoeboxVersion(), "", "", "", "shoebox", "", "", "", "", "", exiftool,
                    t.ffmpeg(), t.libvips(), "", "", "", "", ""));
        });
        api.get("/server/storage", Access.permission(Permission.SERVER_STORAGE), (ctx, user) -> ctx.json(storage()));
        // Shoebox has no product keys: it answers as an Immich server on which none was ever registered.
        api.get("/server/license", Access.admin(Permission.SERVER_LICENSE_READ), (ctx, user) -> {
            throw ApiException.notFound("Not Found");
        });
        api.put("/server/license", Access.admin(Permission.SERVER_LICENSE_UPDATE), (ctx, user) -> {
            throw ApiException.badRequest("Invalid license key");
        });
        api.delete("/server/license", Access.admin(Permission.SERVER_LICENSE_DELETE), (ctx, user) -> ctx.status(204));
    }

    /** Shoebox's own version (from its jar's manifest), or "development" when run from classes. */
    static String shoeboxVersion() {
        String v = ServerInfoRoutes.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private ServerStorageResponseDto storage() throws java.io.IOException {
        java.nio.file.FileStore store = java.nio.file.Files.getFileStore(library);
        long total = store.getTotalSpace();
        long free = store.getUnallocatedSpace();
        long available = store.getUsableSpace();
        long used = total - free;
        double percentage = total == 0 ? 0 : Math.round(used * 10000.0 / total) / 100.0;
        return new ServerStorageResponseDto(humanReadable(total), humanReadable(used), humanReadable(available), total, used,
                available, percentage);
    }

    /** Bytes as Immich writes them for people: binary units, one decimal, e.g. {@code 1.5 GiB}. */
    static String humanReadable(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        java.math.BigDecimal rounded = java.math.BigDecimal.valueOf(value).setScale(1, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.toPlainString() + " " + units[unit];
    }
}
