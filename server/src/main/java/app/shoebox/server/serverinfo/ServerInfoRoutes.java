package app.shoebox.server.serverinfo;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;

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

    record ServerAboutResponseDto(String version, String versionUrl, boolean licensed, String repository,
                                  String repositoryUrl, String libvips, String ffmpeg) {}

    private final MediaTypes mediaTypes;
    private final Map<String, Boolean> features;
    private final Supplier<ToolVersions> tools;

    /** {@code tools}: what the job nodes decode with (asked on each {@code /server/about}). */
    public ServerInfoRoutes(MediaTypes mediaTypes, Map<String, Boolean> features, Supplier<ToolVersions> tools) {
        this.mediaTypes = mediaTypes;
        this.features = Map.copyOf(features);
        this.tools = tools;
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
            ctx.json(new ServerAboutResponseDto(IMMICH_VERSION[0] + "." + IMMICH_VERSION[1] + "." + IMMICH_VERSION[2],
                    "", false, "shoebox", "", t.libvips(), t.ffmpeg()));
        });
    }
}
