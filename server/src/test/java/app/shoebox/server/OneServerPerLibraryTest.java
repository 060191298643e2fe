package app.shoebox.server;

import app.shoebox.server.assets.Multipart;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.server.db.ServerLock;
import app.shoebox.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.sql.Connection;
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

    /**
     * The claim is a session lock: when its connection goes (a database restart cuts every
     * connection; here only that one is cut), the server takes it again on a new connection, and a
     * second server is refused as before.
     */
    @Test
    void theClaimIsTakenAgainWhenItsConnectionIsLost() throws Exception {
        try (ServerFixture first = ServerFixture.start("claim_again");
             Connection test = connect(first)) {
            int before = claimHolder(test).orElseThrow();
            terminate(test, before);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (claimHolder(test).filter(pid -> pid != before).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the server did not take its claim again");
                }
                Thread.sleep(100);
            }
            Path otherFolder = Files.createTempDirectory(first.library().getParent(), "library-other-");
            ServerConfig elsewhere = ServerConfig.defaults(otherFolder).withBind("127.0.0.1", 0)
                    .withDatabaseUrl(first.server().config().databaseUrl());
            assertThatThrownBy(() -> ShoeboxServer.start(elsewhere))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another shoebox serves this library");
            assertThat(first.server().catalogueLost()).isNotDone();
        }
    }

    /**
     * If another session takes the claim while the server's connection is gone (a second server
     * started during a database restart), the server says it has lost its catalogue; {@code serve}
     * then exits. The other session queues for the lock before the cut, so it is granted the lock
     * the moment it is let go, ahead of the server's own try.
     */
    @Test
    void aServerWhoseClaimWasTakenMeanwhileSaysItHasLostItsCatalogue() throws Exception {
        try (ServerFixture first = ServerFixture.start("claim_lost");
             Connection test = connect(first);
             Connection other = connect(first)) {
            int holder = claimHolder(test).orElseThrow();
            CompletableFuture<Void> taken = CompletableFuture.runAsync(() -> {
                try (var s = other.createStatement()) {
                    s.execute("SELECT pg_advisory_lock(" + ServerLock.KEY + ")");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!claimAwaited(test)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the other session never queued for the claim");
                }
                Thread.sleep(10);
            }
            terminate(test, holder);
            taken.get(30, TimeUnit.SECONDS);

            String why = first.server().catalogueLost().get(60, TimeUnit.SECONDS);
            assertThat(why).contains("another server took the catalogue").contains("stops serving it");
        }
    }

    private static Connection connect(ServerFixture server) throws java.sql.SQLException {
        DatabaseUrl url = server.server().config().databaseUrl().orElseThrow();
        return java.sql.DriverManager.getConnection(url.jdbcUrl(), url.user().orElseThrow(), url.password().orElseThrow());
    }

    /** The backend holding the server's claim in this database, if any. */
    private static Optional<Integer> claimHolder(Connection c) throws java.sql.SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery(claimQuery("l.granted"))) {
            return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
        }
    }

    private static boolean claimAwaited(Connection c) throws java.sql.SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery(claimQuery("NOT l.granted"))) {
            return rs.next();
        }
    }

    private static String claimQuery(String condition) {
        return "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND " + condition
                + " AND l.objid = (" + ServerLock.KEY + "::bigint & 4294967295)"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    }

    private static void terminate(Connection c, int pid) throws java.sql.SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT pg_terminate_backend(" + pid + ", 10000)")) {
            assertThat(rs.next() && rs.getBoolean(1)).as("backend %d terminated", pid).isTrue();
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
