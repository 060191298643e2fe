package app.shoebox.client.sources;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A source file's identity for the hash cache and the journal: {@code path} hashes where the file
 * is (a path, or an archive and member), {@code stamp} hashes what says it is unchanged (size and
 * modification time; for an archive member, the archive's and the member's). 64 bits each: with a
 * million files the chance that two paths share a key is about 3 in 100 million, and a wrong
 * answer would also need the stamps to collide.
 */
public record ItemKey(long path, long stamp) {

    public static ItemKey of(String identity, String stamp) {
        return new ItemKey(hash(identity), hash(stamp));
    }

    /** One digest per thread: a no-op re-run keys 100,000 files, and looking a digest up is not free. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    private static long hash(String s) {
        MessageDigest md = SHA256.get();
        md.reset();
        return ByteBuffer.wrap(md.digest(s.getBytes(StandardCharsets.UTF_8))).getLong();
    }
}
