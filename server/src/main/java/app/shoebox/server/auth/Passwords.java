package app.shoebox.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;

/** bcrypt password hashes (cost 10, as Immich uses). */
public final class Passwords {

    private static final int COST = 10;
    /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut. */
    private static final int MAX_BYTES = 72;

    private Passwords() {
    }

    public static String hash(String password) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("password is longer than " + MAX_BYTES + " bytes; choose a shorter one");
        }
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    /**
     * Whether {@code password} matches {@code hash}; with no hash (no such user, or no password
     * set) it is compared with a dummy hash of the same cost and fails, so the answer takes as long
     * either way and its timing does not tell which e-mails have an account.
     */
    public static boolean matches(String password, java.util.Optional<String> hash) {
        boolean matched = matches(password, hash.orElse(Dummy.HASH));
        return matched && hash.isPresent();
    }

    /** Made on first use: one bcrypt of a random secret nobody knows. */
    private static final class Dummy {
        static final String HASH = hash(Secrets.newSecret());
    }

    public static boolean matches(String password, String hash) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_BYTES
                && BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified;
    }
}
