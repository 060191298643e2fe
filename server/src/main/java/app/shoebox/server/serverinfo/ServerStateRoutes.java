package app.shoebox.server.serverinfo;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.users.UserService;

import java.util.List;

/**
 * {@code GET /api/server/config} (before login: whether the server has its first user yet) and
 * {@code GET /api/server/statistics} (admin: photos, videos and bytes per user).
 */
public final class ServerStateRoutes implements Api.Routes {

    /** Trashed assets stay until the user empties the trash; Immich's default figure is reported. */
    static final int TRASH_DAYS = 30;
    static final int USER_DELETE_DELAY_DAYS = 7;
    /**
     * Every user may list every other (GET /api/users), as on an Immich server with its default
     * {@code server.publicUsers}: the owner's share dialog picks from that list. Said here and in the
     * system configuration, so an admin reads what the server does.
     */
    static final boolean PUBLIC_USERS = true;

    record ServerConfigDto(String externalDomain, boolean isInitialized, boolean isOnboarded, String loginPageMessage,
                           boolean maintenanceMode, String mapDarkStyleUrl, String mapLightStyleUrl, int minFaces,
                           String oauthButtonText, boolean publicUsers, int trashDays, int userDeleteDelay) {}

    record UsageByUserDto(String userId, String userName, Long quotaSizeInBytes, long photos, long videos, long usage,
                          long usagePhotos, long usageVideos) {}

    record ServerStatsResponseDto(long photos, long videos, long usage, long usagePhotos, long usageVideos,
                                  List<UsageByUserDto> usageByUser) {}

    private final UserService users;
    private final java.util.function.BooleanSupplier onboarded;

    /** @param onboarded whether an admin finished onboarding ({@code /system-metadata/admin-onboarding}) */
    public ServerStateRoutes(UserService users, java.util.function.BooleanSupplier onboarded) {
        this.users = users;
        this.onboarded = onboarded;
    }

    @Override
    public void register(Api api) {
        api.getOpen("/server/config", ctx -> {
            boolean initialized = users.any();
            ctx.json(new ServerConfigDto("", initialized, initialized && onboarded.getAsBoolean(), "", false, "", "", 3, "", PUBLIC_USERS, TRASH_DAYS,
                    USER_DELETE_DELAY_DAYS));
        });
        api.get("/server/statistics", Access.admin(Permission.SERVER_STATISTICS), (ctx, user) -> {
            List<UsageByUserDto> byUser = users.usage().stream().map(u -> new UsageByUserDto(u.userId().toString(),
                    u.userName(), u.quotaSizeInBytes().orElse(null), u.photos(), u.videos(),
                    u.usagePhotos() + u.usageVideos(), u.usagePhotos(), u.usageVideos())).toList();
            long photos = byUser.stream().mapToLong(UsageByUserDto::photos).sum();
            long videos = byUser.stream().mapToLong(UsageByUserDto::videos).sum();
            long usagePhotos = byUser.stream().mapToLong(UsageByUserDto::usagePhotos).sum();
            long usageVideos = byUser.stream().mapToLong(UsageByUserDto::usageVideos).sum();
            ctx.json(new ServerStatsResponseDto(photos, videos, usagePhotos + usageVideos, usagePhotos, usageVideos, byUser));
        });
    }
}
