package app.shoebox.server.users;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;

import java.time.Instant;

/** {@code /api/users/*}. */
public final class UserRoutes implements Api.Routes {

    record UserAdminResponseDto(String id, String email, String name, boolean isAdmin, String avatarColor,
                                String profileImagePath, Instant profileChangedAt, boolean shouldChangePassword,
                                String storageLabel, Long quotaSizeInBytes, long quotaUsageInBytes, String oauthId,
                                String status, Object license, Instant createdAt, Instant updatedAt, Instant deletedAt) {}

    private final UserService users;

    public UserRoutes(UserService users) {
        this.users = users;
    }

    @Override
    public void register(Api api) {
        api.get("/users/me", Access.permission(Permission.USER_READ), (ctx, auth) -> {
            User u = users.find(auth.id()).orElseThrow(() -> ApiException.unauthorized("User no longer exists"));
            ctx.json(new UserAdminResponseDto(u.id().toString(), u.email(), u.name(), u.isAdmin(), "primary", "",
                    u.profileChangedAt(), u.shouldChangePassword(), u.storageLabel().orElse(null),
                    u.quotaSizeInBytes().orElse(null), users.storageUsed(u.id()), "", "active", null,
                    u.createdAt(), u.updatedAt(), null));
        });
    }
}
