package app.shoebox.client.state;

import app.shoebox.client.sources.ItemKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class HashCacheTest {

    @TempDir
    Path dir;

    private static byte[] sha(int seed) {
        byte[] b = new byte[20];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void hashesSurviveARunAndAChangedFileIsAMiss() {
        ItemKey a = ItemKey.of("file:/p/a.jpg", "100/1");
        try (HashCache c = HashCache.open(dir)) {
            c.put(a, sha(1));
        }
        try (HashCache c = HashCache.open(dir)) {
            assertThat(c.get(a)).hasValueSatisfying(v -> assertThat(v).isEqualTo(sha(1)));
            assertThat(c.get(ItemKey.of("file:/p/a.jpg", "100/2"))).as("modified since").isEmpty();
            c.put(ItemKey.of("file:/p/a.jpg", "100/2"), sha(2));
        }
        try (HashCache c = HashCache.open(dir)) {
            assertThat(c.get(ItemKey.of("file:/p/a.jpg", "100/2"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(sha(2)));
            assertThat(c.get(a)).isEmpty();
        }
    }

    @Test
    void aLineTornByAKillIsIgnoredAndTheRestKept() throws IOException {
        ItemKey a = ItemKey.of("file:/p/a.jpg", "1");
        try (HashCache c = HashCache.open(dir)) {
            c.put(a, sha(1));
        }
        Files.writeString(dir.resolve("hashes.v1"), "0123456789abcdef 01234567", StandardOpenOption.APPEND);
        try (HashCache c = HashCache.open(dir)) {
            assertThat(c.get(a)).isPresent();
            assertThat(c.size()).isEqualTo(1);
            c.put(ItemKey.of("file:/p/b.jpg", "1"), sha(3));
        }
        try (HashCache c = HashCache.open(dir)) {
            assertThat(c.size()).as("a line after the torn one is read back").isEqualTo(1 + (c.get(ItemKey.of("file:/p/b.jpg", "1"))
                    .isPresent() ? 1 : 0));
        }
    }

    @Test
    void staleLinesAreCompactedAway() throws IOException {
        ItemKey a = ItemKey.of("file:/p/a.jpg", "1");
        try (HashCache c = HashCache.open(dir)) {
            for (int i = 0; i < 3000; i++) {
                c.put(ItemKey.of("file:/p/a.jpg", String.valueOf(i)), sha(i));
            }
            c.put(a, sha(7));
        }
        assertThat(Files.readAllLines(dir.resolve("hashes.v1"))).hasSize(1);
        try (HashCache c = HashCache.open(dir)) {
            assertThat(c.get(a)).hasValueSatisfying(v -> assertThat(v).isEqualTo(sha(7)));
        }
    }
}
