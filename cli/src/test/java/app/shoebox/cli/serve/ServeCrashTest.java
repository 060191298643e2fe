package app.shoebox.cli.serve;

import app.shoebox.cli.Main;
import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.Http;
import app.shoebox.client.api.RetryPolicy;
import app.shoebox.client.api.ServerAddress;
import app.shoebox.testing.TestFolders;
import app.shoebox.testing.TestUploads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@code shoebox serve} process on the embedded database, killed with SIGKILL together with
 * its whole process group (as the OOM killer or a crash does) while uploads are going on, comes back
 * with one plain restart of the same command, and every upload it acknowledged is still there.
 */
class ServeCrashTest {

    private static final String KEY = "serve-crash-test-key-0123456789";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> started = new ArrayList<>();
    private Path library;
    private Path logs;

    /** One running {@code shoebox serve}: its process (a process group leader) and port. */
    private record Serve(Process process, int port, Path log) {}

    private Serve serve(String name) throws Exception {
        if (library == null) {
            library = TestFolders.create("serve-crash-");
            logs = Files.createDirectories(Path.of("target", "serve-crash-logs")).toAbsolutePath();
        }
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        // setsid: the server leads a process group of its own, which the test then kills whole.
        ProcessBuilder pb = new ProcessBuilder("setsid", java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve", "--library", library.toString(),
                "--port", "0", "--bind", "127.0.0.1", "--workers", "1");
        pb.environment().put("SHOEBOX_ADMIN_API_KEY", KEY);
        pb.environment().remove("SHOEBOX_DATABASE_URL");
        Path log = logs.resolve(library.getFileName() + "-" + name + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        started.add(p);
        Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            Matcher m = listening.matcher(Files.readString(log));
            if (m.find()) {
                return new Serve(p, Integer.parseInt(m.group(1)), log);
            }
            if (!p.isAlive()) {
                throw new AssertionError("shoebox serve exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("shoebox serve did not start:\n" + Files.readString(log));
    }

    @AfterEach
    void stopEverything() throws Exception {
        clients.values().forEach(ApiClient::close);
        clients.clear();
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
            }
        }
        postmaster().ifPresent(pm -> {
            pm.destroy();
            pm.onExit().orTimeout(60, TimeUnit.SECONDS).join();
        });
    }

    @Test
    void killedWithItsProcessGroupDuringUploadsItRestartsWithEveryAcknowledgedUpload() throws Exception {
        Serve first = serve("first");
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            acknowledged.add(upload(first, i).orElseThrow());
        }
        awaitLog(first, Pattern.compile("WorkerCommand - worker worker-\\S+ working"),
                "the supervised worker reaches the database with the password it was given by environment");
        AtomicBoolean go = new AtomicBoolean(true);
        Thread uploader = Thread.ofPlatform().start(() -> {
            for (int i = 5; go.get(); i++) {
                upload(first, i).ifPresent(acknowledged::add);
            }
        });
        while (acknowledged.size() < 15) {
            Thread.sleep(5);
        }
        ProcessHandle postmaster = postmaster().orElseThrow();
        killGroup(first.process());
        go.set(false);
        uploader.join(30_000);

        // The watchdog stops the database that the kill left without its server.
        assertThat(postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).handle((p, e) -> e == null).join())
                .as("the embedded PostgreSQL does not outlive its server").isTrue();

        Serve second = serve("second");
        for (String id : acknowledged) {
            assertThat(status(second, "/api/assets/" + id)).as("acknowledged upload " + id).isEqualTo(200);
            assertThat(status(second, "/api/assets/" + id + "/original")).as("the original of " + id).isEqualTo(200);
        }
    }

    @Test
    void aDatabaseOrphanedWithItsWatchdogGoneIsStoppedByThePlainRestart() throws Exception {
        Serve first = serve("first");
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            acknowledged.add(upload(first, i).orElseThrow());
        }
        // Beside the live server: a second serve (another process) is refused, an admin command works.
        Process refused = shoeboxProcess("refused", "serve", "--library", library.toString(), "--port", "0", "--bind", "127.0.0.1");
        assertThat(refused.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(1);
        assertThat(Files.readString(logs.resolve(library.getFileName() + "-refused.log")))
                .contains("another shoebox serves this library").contains("pid " + first.process().pid());
        Process admin = shoeboxProcess("admin", "users", "create", "--library", library.toString(), "--email", "ann@test.local",
                "--password", "ann's long password");
        assertThat(admin.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(admin.exitValue()).as(Files.readString(logs.resolve(library.getFileName() + "-admin.log"))).isZero();

        ProcessHandle postmaster = postmaster().orElseThrow();
        ProcessHandle watchdog = ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains("shoebox-postgres-watchdog")
                        && List.of(a).contains(String.valueOf(postmaster.pid()))).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no watchdog for postmaster " + postmaster.pid()));
        watchdog.destroyForcibly();
        killGroup(first.process());
        Thread.sleep(1000);
        assertThat(postmaster.isAlive()).as("with its watchdog gone too, the database is an orphan").isTrue();

        Serve second = serve("second");
        assertThat(postmaster.isAlive()).isFalse();
        assertThat(Files.readString(second.log())).contains("is still up; stopping it");
        for (String id : acknowledged) {
            assertThat(status(second, "/api/assets/" + id)).as("acknowledged upload " + id).isEqualTo(200);
        }
    }

    @Test
    void killedAloneItLeavesNoWorkerBehindAndItsRestartRunsJustItsOwn() throws Exception {
        Serve first = serve("first");
        awaitLog(first, Pattern.compile("WorkerCommand - worker worker-\\S+ working"), "the supervised worker starts");
        ProcessHandle worker = workerOf(first);
        ProcessHandle postmaster = postmaster().orElseThrow();
        // Only the server's JVM, as the out-of-memory killer would: not its process group.
        first.process().destroyForcibly();
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(worker.onExit().orTimeout(90, TimeUnit.SECONDS).handle((p, e) -> e == null).join())
                .as("the worker notices its server is gone and stops").isTrue();
        assertThat(postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).handle((p, e) -> e == null).join())
                .as("the embedded PostgreSQL does not outlive its server").isTrue();

        Serve second = serve("second");
        awaitLog(second, Pattern.compile("WorkerCommand - worker worker-\\S+ working"), "the restarted server's worker starts");
        ProcessHandle newWorker = workerOf(second);
        assertThat(ProcessHandle.allProcesses().filter(p -> isWorkerOf(p, library)).map(ProcessHandle::pid).toList())
                .as("one worker for the library: the restarted server's").containsExactly(newWorker.pid());
    }

    /** Whether {@code p} is a {@code shoebox worker} of {@code library}, read from its command line in /proc. */
    private static boolean isWorkerOf(ProcessHandle p, Path library) {
        try {
            List<String> args = List.of(Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).split("\0"));
            return args.contains("worker") && args.contains(library.toAbsolutePath().toString());
        } catch (IOException | RuntimeException e) {
            return false; // gone, or not ours to read
        }
    }

    /** The worker process {@code serve} said it started. */
    private static ProcessHandle workerOf(Serve serve) throws Exception {
        Matcher m = Pattern.compile("worker process (\\d+) started").matcher(Files.readString(serve.log()));
        assertThat(m.find()).as("the server logs its worker's pid").isTrue();
        return ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow(() -> new AssertionError("worker " + m.group(1) + " is not running"));
    }

    private static void awaitLog(Serve serve, Pattern pattern, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!pattern.matcher(Files.readString(serve.log())).find()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": no " + pattern + " in\n" + Files.readString(serve.log()));
            }
            Thread.sleep(100);
        }
    }

    /** Another {@code shoebox} command as a process of its own, its output in the test's log folder. */
    private Process shoeboxProcess(String name, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logs.resolve(library.getFileName() + "-" + name + ".log").toFile());
        pb.environment().remove("SHOEBOX_DATABASE_URL");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** SIGKILL to every process of the server's group: the JVM and its workers, not the database. */
    private static void killGroup(Process leader) throws Exception {
        Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + leader.pid()).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(leader.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private Optional<ProcessHandle> postmaster() {
        try {
            Path pid = library.resolve("postgres/postmaster.pid");
            return Files.exists(pid) ? ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).getFirst().trim()))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The uploader's client for each server started, connected once. */
    private final java.util.Map<Integer, ApiClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

    /** One attempt only: a retry after the crash would blur which uploads the dead server acknowledged. */
    private static final Http.Settings ONE_ATTEMPT = new Http.Settings(Duration.ofSeconds(30),
            new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1)));

    /**
     * The new asset's id when the server acknowledged the upload (201), sent by the uploader's own
     * client; empty when it did not answer.
     */
    private Optional<String> upload(Serve serve, int n) {
        String name = "crash-" + n + ".jpg";
        byte[] content = TestUploads.noiseJpeg(64, 48, n);
        OffsetDateTime when = OffsetDateTime.parse("2024-05-01T10:00:00Z");
        try {
            ApiClient client = clients.computeIfAbsent(serve.port(), port -> {
                ApiClient c = ApiClient.open(ServerAddress.parse("http://127.0.0.1:" + port), KEY, ONE_ATTEMPT);
                c.connect();
                return c;
            });
            ApiClient.UploadResult r = client.upload(new ApiClient.UploadRequest(
                    new ApiClient.FileBytes(name, content.length, name, () -> new ByteArrayInputStream(content)),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content)), when, when, false, false,
                    Optional.empty(), Optional.empty()));
            return r.created() ? Optional.of(r.assetId()) : Optional.empty();
        } catch (RuntimeException | NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    private int status(Serve serve, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.port() + path)).header("x-api-key", KEY)
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
