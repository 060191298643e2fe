package app.shoebox.server.users;

import java.time.Instant;

/** Immich's {@code UserResponseDto}: what one user may see of another (album members, the user list). */
public record UserResponseDto(String id, String email, String name, String profileImagePath, String avatarColor,
                              Instant profileChangedAt) {
    public static UserResponseDto of(User u) {
        return new UserResponseDto(u.id().toString(), u.email(), u.name(), "", "primary", u.profileChangedAt());
    }
}
