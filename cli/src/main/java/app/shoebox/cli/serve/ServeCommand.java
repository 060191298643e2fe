package app.shoebox.cli.serve;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.cli.StorageTemplateOption;
import app.shoebox.server.worker.WorkerSupervisor;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.throttle.LoadThrottle;
import app.shoebox.server.auth.LoginThrottle;
import app.shoebox.server.http.TrustedProxies;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.users.FirstStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import app.shoebox.cli.Main;
import app.shoebox.cli.worker.WorkerCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code shoebox serve}: the server, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Shoebox server (Immich-compatible API on port 2283).")
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    CatalogueOptions catalogue;

    @Option(names = "--port", defaultValue = "${env:SHOEBOX_PORT:-2283}",
            description = "HTTP port (env SHOEBOX_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "${env:SHOEBOX_BIND:-0.0.0.0}",
            description = "Address to listen on (env SHOEBOX_BIND, default ${DEFAULT-VALUE}; 127.0.0.1 for this machine only).")
    String bind;

    @Option(names = "--max-upload-size", defaultValue = "${env:SHOEBOX_MAX_UPLOAD_SIZE:-50G}",
            converter = ByteSize.class,
            description = "Largest accepted upload, e.g. 500M, 50G (env SHOEBOX_MAX_UPLOAD_SIZE, default ${DEFAULT-VALUE}).")
    long maxUploadBytes;

    @Option(names = "--trusted-proxies", defaultValue = "${env:SHOEBOX_TRUSTED_PROXIES:-}",
            description = "Reverse proxies whose X-Forwarded-For header names the client, as addresses or ranges, "
                    + "e.g. 127.0.0.1,::1 (env SHOEBOX_TRUSTED_PROXIES; default none: the client is the TCP peer).")
    String trustedProxies;

    @Mixin
    StorageTemplateOption storageTemplate;

    @Option(names = "--load-throttle", defaultValue = "${env:SHOEBOX_LOAD_THROTTLE:-on}",
            description = "on: background jobs run with less concurrency while the API is busy (uploads in flight, slow "
                    + "reads, a full database pool), in every worker process; off: they never give way (env "
                    + "SHOEBOX_LOAD_THROTTLE, default ${DEFAULT-VALUE}).")
    String loadThrottle;

    @Option(names = "--load-throttle-read-p95", defaultValue = "${env:SHOEBOX_LOAD_THROTTLE_READ_P95:-200}",
            description = "Milliseconds: API reads slower than this at the 95th percentile count as a busy API (env "
                    + "SHOEBOX_LOAD_THROTTLE_READ_P95, default ${DEFAULT-VALUE}: a page of the web UI waits for a few reads "
                    + "in a row, so 200 ms each is already felt). Raise it where reads are slow even when idle (a small board, "
                    + "a remote database), so the jobs are not held back for good.")
    String loadThrottleReadP95;

    @Option(names = "--workers", defaultValue = "${env:SHOEBOX_WORKERS:-1}",
            description = "Worker processes to run and supervise for the background jobs (env SHOEBOX_WORKERS, default "
                    + "${DEFAULT-VALUE}); 0 when `shoebox worker` runs elsewhere.")
    int workers;

    @Override
    public Integer call() throws Exception {
        if (workers < 0) {
            System.err.println("serve: --workers must be 0 or more, got " + workers);
            return 2;
        }
        TrustedProxies proxies;
        try {
            proxies = TrustedProxies.parse(trustedProxies);
        } catch (IllegalArgumentException e) {
            System.err.println("serve: --trusted-proxies: " + e.getMessage());
            return 2;
        }
        LoadThrottle.Settings throttle;
        try {
            throttle = loadThrottle(loadThrottle, loadThrottleReadP95);
        } catch (IllegalArgumentException e) {
            System.err.println("serve: " + e.getMessage());
            return 2;
        }
        ServerConfig config = ServerConfig.defaults(catalogue.library)
                .withBind(bind, port)
                .withDatabaseUrl(catalogue.parsedDatabaseUrl())
                .withMaxUploadBytes(maxUploadBytes)
                .withStorageTemplate(storageTemplate.template())
                .withSecurity(new ServerConfig.Security(proxies, LoginThrottle.Settings.DEFAULT))
                .withLoadThrottle(throttle)
                .withFirstAdmin(new ServerConfig.FirstAdmin(env("SHOEBOX_ADMIN_EMAIL"), env("SHOEBOX_ADMIN_PASSWORD"),
                        env("SHOEBOX_ADMIN_API_KEY")));
        ShoeboxServer server = ShoeboxServer.start(config);
        server.firstStart().ifPresent(ServeCommand::announce);
        List<WorkerSupervisor> supervisors = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            supervisors.add(WorkerSupervisor.start(WorkerSupervisor.Settings.of(workerCommand(), workerEnvironment(server))));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            supervisors.parallelStream().forEach(WorkerSupervisor::close);
            server.close();
            stopped.countDown();
        }, "shutdown"));
        server.catalogueLost().thenAcceptAsync(why -> {
            // Two servers on one catalogue would mix two libraries' files: stop, and say why.
            System.err.println("shoebox serve: " + why);
            System.exit(1);
        });
        stopped.await();
        return 0;
    }

    /** The same program, as {@code shoebox worker} on the same library and storage template. */
    private List<String> workerCommand() {
        return workerCommand(catalogue.library, storageTemplate.value);
    }

    /**
     * The load throttle's settings for {@code --load-throttle on|off} and
     * {@code --load-throttle-read-p95 MILLISECONDS}.
     */
    public static LoadThrottle.Settings loadThrottle(String value, String readP95Millis) {
        LoadThrottle.Settings base = loadThrottle(value);
        int millis;
        try {
            millis = Integer.parseInt(readP95Millis.strip());
        } catch (NumberFormatException e) {
            millis = -1;
        }
        if (millis < 10 || millis > 60_000) {
            throw new IllegalArgumentException("--load-throttle-read-p95 must be a number of milliseconds from 10 to 60000, got '"
                    + readP95Millis + "'");
        }
        return new LoadThrottle.Settings(base.enabled(), java.time.Duration.ofMillis(millis), base.tick(), base.calm(),
                base.ttl());
    }

    /** The load throttle's settings for {@code --load-throttle on|off}, reads judged by the default limit. */
    public static LoadThrottle.Settings loadThrottle(String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> LoadThrottle.Settings.DEFAULT;
            case "off" -> LoadThrottle.Settings.OFF;
            default -> throw new IllegalArgumentException("--load-throttle must be on or off, got '" + value + "'");
        };
    }

    /** This program, as {@code shoebox worker} on {@code library} with {@code storageTemplate}. */
    public static List<String> workerCommand(Path library, String storageTemplate) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new java.util.ArrayList<>(niceness(System.getenv("SHOEBOX_WORKER_NICE")));
        command.addAll(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        command.addAll(workerJavaOptions(System.getenv("SHOEBOX_WORKER_JAVA_OPTS")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "worker", "--library", library.toAbsolutePath().toString(),
                "--storage-template", storageTemplate, WorkerCommand.STOP_WITH_PARENT));
        return List.copyOf(command);
    }

    /**
     * The worker's JVM options: {@code SHOEBOX_WORKER_JAVA_OPTS} when set (split at white space, as
     * {@code SHOEBOX_JAVA_OPTS} is by the launcher), else {@link #WORKER_JAVA_OPTIONS}.
     */
    static List<String> workerJavaOptions(String fromEnvironment) {
        if (fromEnvironment == null || fromEnvironment.isBlank()) {
            return WORKER_JAVA_OPTIONS;
        }
        return List.of(fromEnvironment.strip().split("\\s+"));
    }

    /**
     * How much the worker processes give way to the server for the CPU: they run under
     * {@code nice -n 10} by default ({@code SHOEBOX_WORKER_NICE}, 0 to 19; 0 runs them as the server),
     * so a request the API serves is not queued behind a thumbnail on a small machine. A niced
     * process still takes every core nobody else wants. {@code nice} execs the JVM: the worker's pid
     * is the one started.
     */
    static List<String> niceness(String fromEnvironment) {
        int nice = DEFAULT_WORKER_NICE;
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            try {
                nice = Integer.parseInt(fromEnvironment.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("SHOEBOX_WORKER_NICE must be a number from 0 to 19, got '" + fromEnvironment + "'");
            }
            if (nice < 0 || nice > 19) {
                throw new IllegalArgumentException("SHOEBOX_WORKER_NICE must be from 0 to 19, got " + nice);
            }
        }
        if (nice == 0) {
            return List.of();
        }
        for (String nicePath : List.of("/usr/bin/nice", "/bin/nice")) {
            if (java.nio.file.Files.isExecutable(Path.of(nicePath))) {
                return List.of(nicePath, "-n", String.valueOf(nice));
            }
        }
        return List.of();
    }

    static final int DEFAULT_WORKER_NICE = 10;

    /** The worker's default JVM options (none: the JVM's own defaults). */
    static final List<String> WORKER_JAVA_OPTIONS = List.of();

    /**
     * The database URL, with its password, goes by environment: the process list shows arguments
     * to every user, a process's environment only to its owner.
     */
    private Map<String, String> workerEnvironment(ShoeboxServer server) {
        String url = server.database().embeddedUrl()
                .orElseGet(() -> catalogue.databaseUrl);
        return Map.of("SHOEBOX_DATABASE_URL", url);
    }

    private static void announce(FirstStart.Admin admin) {
        System.out.println();
        System.out.println("First start: created the admin user.");
        System.out.println("  e-mail:   " + admin.user().email());
        if (admin.passwordGenerated()) {
            System.out.println("  password: " + admin.password() + "   (shown once; for password login, POST /api/auth/login)");
        }
        System.out.println("  API key:  " + admin.apiKey() + "   (shown once; only its hash is stored)");
        System.out.println("Make more with `shoebox users create` and `shoebox api-keys create`.");
        System.out.println();
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(s -> !s.isBlank());
    }
}
