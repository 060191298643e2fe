package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.http.ApiException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

import static app.shoebox.server.assets.TestFiles.jpeg;
import static app.shoebox.server.assets.TestFiles.libraryFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upload service with hooks of our own, on a real server's catalogue and library. */
class AssetCreatedHookTest {

    static ServerFixture server;
    static UUID admin;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("asset_created_hook");
        admin = server.server().firstStart().orElseThrow().user().id();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static UploadService service(AssetCreatedHook hook) {
        return new UploadService(server.server().database().jdbi(), AssetFiles.open(server.library()), hook, 1 << 30);
    }

    static UploadService.Outcome upload(UploadService service, String name, byte[] content) {
        Multipart form = Multipart.asset(name, content);
        return service.upload(admin, new ByteArrayInputStream(form.body()), form.contentType(), OptionalLong.empty());
    }

    @Test
    void hookRunsInsideTheInsertTransaction() {
        List<String> seen = new ArrayList<>();
        UploadService service = service((tx, asset) -> seen.add(tx.createQuery(
                        "SELECT original_file_name FROM assets WHERE id = :id").bind("id", asset.id())
                .mapTo(String.class).one() + " " + tx.isInTransaction()));
        UploadService.Outcome outcome = upload(service, "hooked.jpg", jpeg(800));
        assertThat(outcome).isInstanceOf(UploadService.Outcome.Created.class);
        assertThat(seen).containsExactly("hooked.jpg true");

        // A duplicate creates nothing, so nothing follows it.
        seen.clear();
        byte[] again = jpeg(801);
        upload(service, "first.jpg", again);
        seen.clear();
        assertThat(upload(service, "second.jpg", again)).isInstanceOf(UploadService.Outcome.Duplicate.class);
        assertThat(seen).isEmpty();
    }

    @Test
    void uploadLosingTheRaceOnTheUniqueIndexAnswersDuplicateAndRemovesItsFile() throws Exception {
        byte[] content = jpeg(1234);
        UploadService plain = service(AssetCreatedHook.none());
        var loser = new java.util.concurrent.CompletableFuture<UploadService.Outcome>();
        // The winner's transaction is held open (in its hook) until the loser, which found no
        // duplicate before inserting, is blocked on the unique index behind it.
        UploadService winnerService = service((tx, asset) -> {
            Thread.ofVirtual().start(() -> {
                try {
                    loser.complete(upload(plain, "loser.jpg", content));
                } catch (RuntimeException e) {
                    loser.completeExceptionally(e);
                }
            });
            var jdbi = server.server().database().jdbi();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_locks WHERE NOT granted").mapTo(Long.class).one()) == 0) {
                if (System.nanoTime() > deadline || loser.isDone()) {
                    throw new AssertionError("the second upload never waited on the first: " + loser);
                }
                Thread.onSpinWait();
            }
        });
        UploadService.Outcome winner = upload(winnerService, "winner.jpg", content);
        assertThat(winner).isInstanceOf(UploadService.Outcome.Created.class);
        UploadService.Outcome second = loser.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(second).isEqualTo(new UploadService.Outcome.Duplicate(winner.id()));
        assertThat(libraryFiles(server)).noneMatch(f -> f.startsWith("tmp"));
        assertThat(libraryFiles(server).stream().filter(f -> f.contains("/" + admin + "/"))).allMatch(f ->
                server.server().database().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM assets WHERE original_path = :p")
                        .bind("p", f).mapTo(Long.class).one()) == 1);
    }

    @Test
    void aFailingHookUndoesTheUpload() {
        List<String> files = libraryFiles(server);
        long rows = TestFiles.assetRows(server);
        UploadService service = service((tx, asset) -> {
            throw ApiException.unavailable("the job queue is not reachable");
        });
        assertThatThrownBy(() -> upload(service, "unlucky.jpg", jpeg(900))).hasMessageContaining("job queue");
        assertThat(libraryFiles(server)).isEqualTo(files);
        assertThat(TestFiles.assetRows(server)).isEqualTo(rows);
    }
}
