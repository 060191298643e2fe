package app.shoebox.server.auth;

import java.util.Set;
import java.util.UUID;

/** The user a request acts for, and the credential it came with. */
public record AuthUser(UUID id, String email, String name, boolean isAdmin, Credential credential) {

    /** How the request proved who it is. */
    public sealed interface Credential {
        /** An API key; may do only what its permissions allow. */
        record ApiKey(UUID keyId, Set<Permission> permissions) implements Credential {}

        /**
         * A password login session; may do everything the user may. {@code fromCookie}: the token
         * came in the session cookie, which a browser attaches on its own, so the request gets the
         * cross-site checks; a token in a header cannot be forged that way.
         */
        record Session(UUID sessionId, boolean fromCookie) implements Credential {}
    }

    public boolean can(Permission permission) {
        return switch (credential) {
            case Credential.Session s -> true;
            case Credential.ApiKey k -> k.permissions().contains(Permission.ALL) || k.permissions().contains(permission);
        };
    }
}
