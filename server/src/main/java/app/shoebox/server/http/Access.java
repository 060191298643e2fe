package app.shoebox.server.http;

import app.shoebox.server.auth.Permission;

import java.util.Optional;

/**
 * What an authenticated route demands of the caller: optionally an API-key permission (as in
 * Immich's {@code x-immich-permission}) and optionally an admin user.
 */
public record Access(Optional<Permission> permission, boolean adminOnly) {

    /** Any valid credential; routes Immich gives no permission to. */
    public static Access authenticated() {
        return new Access(Optional.empty(), false);
    }

    public static Access permission(Permission permission) {
        return new Access(Optional.of(permission), false);
    }

    public static Access admin(Permission permission) {
        return new Access(Optional.of(permission), true);
    }
}
