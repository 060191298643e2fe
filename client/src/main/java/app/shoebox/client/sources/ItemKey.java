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

    private static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
