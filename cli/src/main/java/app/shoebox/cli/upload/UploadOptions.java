package app.shoebox.cli.upload;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/** The options every {@code shoebox upload} source shares: the server, pausing, concurrency, output. */
public final class UploadOptions {

    @Option(names = "--server", paramLabel = "URL",
            description = "The server, its root or its /api (env SHOEBOX_SERVER, or Immich's IMMICH_INSTANCE_URL).")
    String server;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "An API key (env SHOEBOX_API_KEY, or Immich's IMMICH_API_KEY). An admin's key lets the uploader pause "
                    + "and show the server's background queues.")
    String apiKey;

    @Option(names = "--pause-jobs", arity = "0..1", defaultValue = "true", fallbackValue = "true", paramLabel = "true|false",
            description = "Pause the server's heavy background queues while uploading (default ${DEFAULT-VALUE}).")
    boolean pauseJobs;

    @Option(names = "--pause-lease-ttl", defaultValue = "60", paramLabel = "SECONDS",
            description = "On Shoebox, how long a pause outlives a killed uploader (default ${DEFAULT-VALUE} s).")
    int pauseLeaseTtl;

    @Option(names = "--wait-for-jobs",
            description = "After the upload, keep showing the server's queues until they are drained.")
    boolean waitForJobs;

    @Option(names = "--concurrency", defaultValue = "0", paramLabel = "N",
            description = "Uploads at once; 0 (the default) adapts to the machine and to how the server answers.")
    int concurrency;

    @Option(names = "--on-errors", defaultValue = "continue", paramLabel = "stop|continue|N", converter = UploadOptions.OnErrors.class,
            description = "Stop at the first failed file, continue (default), or stop after N failed files.")
    app.shoebox.client.upload.ErrorPolicy onErrors;

    @Option(names = "--dry-run",
            description = "Contact the server and report what would be done; upload, pause and change nothing.")
    boolean dryRun;

    @Option(names = "--sync-metadata",
            description = "For files already on the server, set date, GPS, description, favourite, archive and albums where they "
                    + "differ from the source.")
    boolean syncMetadata;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write the counts and every skipped or failed file here.")
    Path report;

    @Option(names = "--no-ui", description = "Plain progress lines instead of a live display (the default when not on a terminal).")
    boolean noUi;

    @Option(names = "--progress-interval", defaultValue = "10", paramLabel = "SECONDS",
            description = "Seconds between plain progress lines (default ${DEFAULT-VALUE}).")
    int progressInterval;

    @Option(names = {"-v", "--verbose"}, description = "Log every file's fate, not only failures and warnings.")
    boolean verbose;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Hash cache, journal and pause records (default $XDG_CACHE_HOME/shoebox/uploader or ~/.cache/shoebox/uploader).")
    Path cacheDir;

    @Option(names = "--idle-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Give up on a request when no byte has moved for this long (default ${DEFAULT-VALUE} s); "
                    + "there is no limit on a whole upload that keeps moving.")
    int idleTimeout;

    @Option(names = "--retries", defaultValue = "7", paramLabel = "N",
            description = "Retries of a request that failed for a transient reason (default ${DEFAULT-VALUE}); never on 4xx.")
    int retries;

    @Option(names = "--time-zone", paramLabel = "ZONE",
            description = "Time zone for capture times stated without one (Takeout's); default this machine's.")
    String timeZone;

    String server(Map<String, String> env) {
        return first(server, env.get("SHOEBOX_SERVER"), env.get("IMMICH_INSTANCE_URL")).orElse(null);
    }

    String apiKey(Map<String, String> env) {
        return first(apiKey, env.get("SHOEBOX_API_KEY"), env.get("IMMICH_API_KEY")).orElse(null);
    }

    ZoneId zone() {
        try {
            return timeZone == null ? ZoneId.systemDefault() : ZoneId.of(timeZone);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("--time-zone: '" + timeZone + "' is not a time zone (try Europe/Paris or UTC)");
        }
    }

    /** Parses {@code --on-errors}. */
    static final class OnErrors implements picocli.CommandLine.ITypeConverter<app.shoebox.client.upload.ErrorPolicy> {
        @Override
        public app.shoebox.client.upload.ErrorPolicy convert(String value) {
            return app.shoebox.client.upload.ErrorPolicy.parse(value);
        }
    }

    private static Optional<String> first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
