package app.shoebox.server;

import app.shoebox.server.assets.Multipart;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One library is served by one server, whichever database it uses: a second {@code serve} on the
 * same folder (the lock file) or on the same catalogue database from another folder (the advisory
 * lock) is refused before its start-up cleanup runs, so the first server's upload in flight
 * completes.
 */
class OneServerPerLibraryTest {

    @Test
    void aSecondServerOnTheSameLibraryAndDatabaseIsRefusedAndTheUploadInFlightCompletes() throws Exception {
        try (ServerFixture first = ServerFixture.start("one_server")) {
            Multipart form = Multipart.asset("in-flight.jpg", TestFiles.jpeg(200_000));
            byte[] body = form.body();
            PipedOutputStream rest = new PipedOutputStream();
            PipedInputStream restIn = new PipedInputStream(rest, body.length);
            int head = body.length / 2;
            InputStream stream = new SequenceInputStream(new java.io.ByteArrayInputStream(body, 0, head), restIn);
            CompletableFuture<HttpResponse<String>> upload = java.net.http.HttpClient.newHttpClient().sendAsync(
                    first.request("/api/assets", ServerFixture.ADMIN_KEY).header("content-type", form.contentType())
                            .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> stream),
                                    body.length)).build(), HttpResponse.BodyHandlers.ofString());
            Path tmp = first.library().resolve("tmp");
            awaitPartFile(tmp);

            ServerConfig again = first.server().config().withBind("127.0.0.1", 0);
            assertThatThrownBy(() -> ShoeboxServer.start(again))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another shoebox serves this library")
                    .hasMessageContaining(first.library().toString());
            assertThat(listParts(tmp)).as("the refused server deleted nothing").isNotEmpty();

            rest.write(body, head, body.length - head);
            rest.close();
            HttpResponse<String> done = upload.get(60, TimeUnit.SECONDS);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        }
    }

    @Test
    void aSecondLibraryFolderOnTheSameDatabaseIsRefusedByTheAdvisoryLock() throws Exception {
        try (ServerFixture first = ServerFixture.start("one_catalogue")) {
            Path otherFolder = Files.createTempDirectory(first.library().getParent(), "library-other-");
            ServerConfig elsewhere = ServerConfig.defaults(otherFolder).withBind("127.0.0.1", 0)
                    .withDatabaseUrl(first.server().config().databaseUrl());
            assertThatThrownBy(() -> ShoeboxServer.start(elsewhere))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another shoebox serves this library")
                    .hasMessageContaining("shoebox serve " + ProcessHandle.current().pid());
            assertThat(Files.exists(otherFolder.resolve("tmp"))).as("nothing was prepared in the refused library").isFalse();
        }
        // Once the first server is gone, the same database serves the other folder.
        TestPostgres pg = TestPostgres.get();
        String url = pg.newDatabase("one_catalogue_after");
        Path folder = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "library-after-");
        ServerConfig config = ServerConfig.defaults(folder).withBind("127.0.0.1", 0)
                .withDatabaseUrl(Optional.of(new DatabaseUrl(url, Optional.of(pg.user()), Optional.of(pg.password()))));
        try (ShoeboxServer one = ShoeboxServer.start(config)) {
            assertThat(one.port()).isPositive();
        }
        try (ShoeboxServer again = ShoeboxServer.start(config)) {
            assertThat(again.port()).as("a stopped server lets both locks go").isPositive();
        }
    }

    private static void awaitPartFile(Path tmp) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (listParts(tmp).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the upload never reached " + tmp);
            }
            Thread.sleep(10);
        }
    }

    private static java.util.List<Path> listParts(Path tmp) throws IOException {
        try (var files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }
}
