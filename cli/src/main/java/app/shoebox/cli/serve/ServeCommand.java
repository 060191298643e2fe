package app.shoebox.cli.serve;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.server.ServerConfig;
import app.shoebox.server.ShoeboxServer;
import app.shoebox.server.users.FirstStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Override
    public Integer call() throws Exception {
        ServerConfig config = ServerConfig.defaults(catalogue.library)
                .withBind(bind, port)
                .withDatabaseUrl(catalogue.parsedDatabaseUrl())
                .withMaxUploadBytes(maxUploadBytes)
                .withFirstAdmin(new ServerConfig.FirstAdmin(env("SHOEBOX_ADMIN_EMAIL"), env("SHOEBOX_ADMIN_PASSWORD"),
                        env("SHOEBOX_ADMIN_API_KEY")));
        ShoeboxServer server = ShoeboxServer.start(config);
        server.firstStart().ifPresent(ServeCommand::announce);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    private static void announce(FirstStart.Admin admin) {
        System.out.println();
        System.out.println("First start: created the admin user.");
        System.out.println("  e-mail:   " + admin.user().email());
        if (admin.passwordGenerated()) {
            System.out.println("  password: " + admin.password() + "   (shown once; log in to the web UI with it)");
        }
        System.out.println("  API key:  " + admin.apiKey() + "   (shown once; only its hash is stored)");
        System.out.println("Make more with `shoebox users create` and `shoebox api-keys create`.");
        System.out.println();
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(s -> !s.isBlank());
    }
}
