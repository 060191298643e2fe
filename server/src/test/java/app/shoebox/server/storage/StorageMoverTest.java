package app.shoebox.server.storage;

import app.shoebox.server.ServerFixture;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class StorageMoverTest {

    static ServerFixture server;
    static Jdbi jdbi;
    static Path library;
    static UUID owner;
    static StorageMover mover;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("storage_mover");
        jdbi = server.server().database().jdbi();
        library = server.library();
        owner = jdbi.withHandle(h -> h.createQuery("SELECT id FROM users").mapTo(UUID.class).one());
        mover = new StorageMover(jdbi, library, StorageTemplate.parse(StorageTemplate.DEFAULT));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** An asset row and its file at upload/..., as an upload leaves them. */
    static UUID asset(String name, String takenAt, String content) throws IOException {
        UUID id = UUID.randomUUID();
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String rel = "upload/" + owner + "/" + id + ".jpg";
        Path file = library.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        byte[] sha1 = StorageMover.sha1(file);
        OffsetDateTime t = OffsetDateTime.parse(takenAt);
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO assets (id, owner_id, type, original_path, original_file_name, mime_type, checksum,
                                            file_size, file_created_at, file_modified_at, local_date_time)
                        VALUES (:id, :owner, 'IMAGE', :path, :name, 'image/jpeg', :sum, :size, :t, :t, :t)""")
                .bind("id", id).bind("owner", owner).bind("path", rel).bind("name", name).bind("sum", sha1)
                .bind("size", (long) bytes.length).bind("t", t).execute());
        return id;
    }

    static String path(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT original_path FROM assets WHERE id = :id").bind("id", id)
                .mapTo(String.class).one());
    }

    @Test
    void movesTheOriginalIntoTheTemplateAndDeletesTheOldCopy() throws IOException {
        UUID id = asset("IMG_0001.JPG", "2021-03-04T10:00:00Z", "first photo");
        String before = path(id);

        var outcome = mover.move(id);

        String expected = "library/" + owner + "/2021/03/IMG_0001.jpg";
        assertThat(outcome).isEqualTo(new StorageMover.Outcome.Moved(before, expected));
        assertThat(path(id)).isEqualTo(expected);
        assertThat(Files.readString(library.resolve(expected))).isEqualTo("first photo");
        assertThat(library.resolve(before)).doesNotExist();
        assertThat(mover.move(id)).isEqualTo(new StorageMover.Outcome.AlreadyInPlace(expected));
    }

    @Test
    void aTakenNameGetsASuffixAndNothingIsOverwritten() throws IOException {
        UUID a = asset("same.jpg", "2022-05-06T10:00:00Z", "content a");
        UUID b = asset("same.jpg", "2022-05-06T11:00:00Z", "content b");
        mover.move(a);
        mover.move(b);
        assertThat(path(a)).endsWith("/2022/05/same.jpg");
        assertThat(path(b)).endsWith("/2022/05/same+1.jpg");
        assertThat(Files.readString(library.resolve(path(a)))).isEqualTo("content a");
        assertThat(Files.readString(library.resolve(path(b)))).isEqualTo("content b");
        assertThat(mover.move(b)).isInstanceOf(StorageMover.Outcome.AlreadyInPlace.class);
    }

    @Test
    void aCopyLeftByACrashIsAdoptedAndAnOrphanIsFinished() throws IOException {
        UUID id = asset("crash.jpg", "2020-01-02T03:04:05Z", "crash content");
        String before = path(id);
        // A move that crashed after renaming its copy but before the catalogue update:
        Path left = library.resolve("library/" + owner + "/2020/01/crash.jpg");
        Files.createDirectories(left.getParent());
        Files.writeString(left, "crash content");

        mover.move(id);
        assertThat(path(id)).isEqualTo("library/" + owner + "/2020/01/crash.jpg");
        assertThat(library.resolve(before)).doesNotExist();

        // A move that crashed after the catalogue update but before deleting the old file:
        Path stale = library.resolve("upload/" + owner + "/stale.jpg");
        Files.writeString(stale, "old");
        jdbi.useHandle(h -> h.execute("INSERT INTO orphaned_files (path) VALUES (?)", "upload/" + owner + "/stale.jpg"));
        assertThat(mover.deleteOrphans()).isEqualTo(1);
        assertThat(stale).doesNotExist();
    }

    @Test
    void aCorruptSourceIsLeftWhereItIsAndSaidToBeDamagedForGood() throws IOException {
        UUID id = asset("bad.jpg", "2019-01-01T00:00:00Z", "good bytes");
        String before = path(id);
        Files.writeString(library.resolve(before), "bit rot");
        assertThat(mover.move(id)).isInstanceOfSatisfying(StorageMover.Outcome.Damaged.class, d -> assertThat(d.reason())
                .contains(before).contains("checksum").doesNotContain(library.toString()));
        assertThat(path(id)).isEqualTo(before);
        assertThat(library.resolve(before)).exists();
        assertThat(library.resolve("library/" + owner + "/2019/01/bad.jpg")).doesNotExist();
    }

    @Test
    void apiReadsAndEditsDuringMovesNeverFailOrGetLost() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(asset("c" + i + ".jpg", "2018-0" + (1 + i % 9) + "-01T00:00:00Z", "concurrent " + i));
        }
        AtomicBoolean moving = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<UUID, Boolean> lastWrite = new java.util.concurrent.ConcurrentHashMap<>();
        Thread client = Thread.ofVirtual().start(() -> {
            int round = 0;
            while (moving.get() || round < 2) {
                round++;
                for (int i = 0; i < ids.size(); i++) {
                    UUID id = ids.get(i);
                    boolean favorite = (round + i) % 2 == 0;
                    var edit = server.putJson("/api/assets/" + id, ServerFixture.ADMIN_KEY, Map.of("isFavorite", favorite));
                    if (edit.statusCode() != 200) {
                        failures.add("edit of " + id + " answered " + edit.statusCode() + ": " + edit.body());
                    } else {
                        lastWrite.put(id, favorite);
                    }
                    var original = server.get("/api/assets/" + id + "/original", ServerFixture.ADMIN_KEY);
                    if (original.statusCode() != 200 || !original.body().equals("concurrent " + i)) {
                        failures.add("read of " + id + " answered " + original.statusCode() + ": " + original.body());
                    }
                }
            }
        });
        for (UUID id : ids) {
            mover.move(id);
        }
        moving.set(false);
        client.join();
        assertThat(failures).isEmpty();
        for (UUID id : ids) {
            assertThat(path(id)).startsWith("library/");
            boolean favorite = jdbi.withHandle(h -> h.createQuery("SELECT is_favorite FROM assets WHERE id = :id")
                    .bind("id", id).mapTo(Boolean.class).one());
            assertThat(favorite).as("the last edit of " + id + " survived the move").isEqualTo(lastWrite.get(id));
        }
    }
}
