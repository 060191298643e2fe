package app.shoebox.cli.jobs;

import app.shoebox.cli.CatalogueOptions;
import app.shoebox.cli.StorageTemplateOption;
import app.shoebox.cli.Table;
import app.shoebox.server.queues.QueueNames;
import app.shoebox.server.storage.StorageTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code shoebox jobs}: the background queues of a library. Through the library's catalogue
 * ({@code --library}, {@code --database-url}: on the server's machine, beside it or with it
 * stopped), or through a running server's API from anywhere ({@code --server} with an admin's
 * {@code --api-key}).
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"The background job queues: counts, pause and resume, retries, concurrency, re-runs.",
                "Without a subcommand: list. Reaches the library's catalogue (--library, --database-url), or a",
                "server's API with --server and an admin's --api-key."},
        subcommands = {JobsCommand.ListQueues.class, JobsCommand.Pause.class, JobsCommand.Resume.class,
                JobsCommand.RetryFailed.class, JobsCommand.Concurrency.class, JobsCommand.Start.class})
public final class JobsCommand implements Callable<Integer> {

    @Mixin
    Target target;

    @Override
    public Integer call() {
        return new ListQueues().list(target, false);
    }

    /** Where the queues are: a library's catalogue, or a server's API. */
    static final class Target {
        @Mixin
        CatalogueOptions catalogue;

        @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:SHOEBOX_SERVER}",
                description = "A running server, its root or its /api (env SHOEBOX_SERVER): go through its API instead of the catalogue.")
        String server;

        @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:SHOEBOX_API_KEY}",
                description = "With --server: an admin's API key (env SHOEBOX_API_KEY).")
        String apiKey;

        Queues open() {
            return open(Optional.empty());
        }

        /** {@code template}: the storage template, which only {@code start storageTemplateMigration} uses. */
        Queues open(Optional<StorageTemplate> template) {
            if (server != null && !server.isBlank()) {
                return new ServerQueues(server, apiKey);
            }
            return new LibraryQueues(catalogue.openForAdmin("jobs"), catalogue.libraryFolder(), template);
        }
    }

    /** The queue names a command takes: Immich's, or {@code all} for every queue Shoebox works. */
    static List<String> queues(String name) {
        if (name.equals("all")) {
            return QueueNames.WORKED.stream().sorted().toList();
        }
        if (!QueueNames.isKnown(name)) {
            throw new IllegalArgumentException("unknown queue '" + name + "'; Shoebox works "
                    + QueueNames.WORKED.stream().sorted().toList() + " (or say all)");
        }
        return List.of(name);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Each queue's jobs by state, pauses, concurrency.")
    static final class ListQueues implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--every-queue", description = "Also Immich's queues that Shoebox does not work and that are empty.")
        boolean every;

        @Override
        public Integer call() {
            return list(target, every);
        }

        int list(Target where, boolean everyQueue) {
            try (Queues queues = where.open()) {
                Table table = new Table("queue", "waiting", "active", "delayed", "paused", "failed", "completed", "oldest",
                        "concurrency", "state");
                for (Queues.View q : queues.list()) {
                    boolean quiet = q.waiting() + q.active() + q.delayed() + q.held() + q.failed() + q.completed() == 0
                            && !q.paused() && q.concurrency().isEmpty();
                    if (!everyQueue && !QueueNames.WORKED.contains(q.name()) && quiet) {
                        continue;
                    }
                    String state = q.paused() ? "paused (" + String.join("; ", q.pausedBy()) + ")"
                            : q.throttled().map(r -> "throttled: " + r).orElse(q.active() > 0 ? "working" : "idle");
                    table.row(q.name(), q.waiting(), q.active(), q.delayed(), q.held(), q.failed(), q.completed(),
                            q.oldestWaiting().toSeconds() + " s", q.concurrency().map(String::valueOf).orElse("-"), state);
                }
                table.print(System.out);
            }
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause a queue (or all): running jobs finish, no new ones start, on every worker.")
    static final class Pause implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "QUEUE", description = "A queue, e.g. thumbnailGeneration, or all.")
        String queue;

        @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "End the pause by itself after this long (e.g. 30m, 2h; at most 24h), unless resumed before.")
        Duration ttl;

        @Override
        public Integer call() {
            try (Queues queues = target.open()) {
                for (String q : queues(queue)) {
                    queues.pause(q, Optional.ofNullable(ttl));
                }
                System.out.println("paused " + queue + (ttl == null ? " until `shoebox jobs resume " + queue + "`"
                        : " for " + DurationConverter.describe(ttl)));
            }
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resume a queue (or all): ends the admin's pause and this command's --ttl pause; pauses held by others "
                    + "(an uploader's lease) stay until they end.")
    static final class Resume implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "QUEUE", description = "A queue, or all.")
        String queue;

        @Override
        public Integer call() {
            try (Queues queues = target.open()) {
                for (String q : queues(queue)) {
                    queues.resume(q);
                }
                List<String> stillPaused = queues.list().stream().filter(v -> queues(queue).contains(v.name()) && v.paused())
                        .map(v -> v.name() + " (" + String.join("; ", v.pausedBy()) + ")").toList();
                System.out.println("resumed " + queue + (stillPaused.isEmpty() ? "" : "; still held by others: "
                        + String.join(", ", stillPaused)));
            }
            return 0;
        }
    }

    @Command(name = "retry-failed", mixinStandardHelpOptions = true,
            description = "Put a queue's failed, discarded and quarantined jobs back to waiting (or all queues').")
    static final class RetryFailed implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "QUEUE", description = "A queue, or all.")
        String queue;

        @Override
        public Integer call() {
            long n = 0;
            try (Queues queues = target.open()) {
                for (String q : queues(queue)) {
                    n += queues.retryFailed(q);
                }
            }
            System.out.println(n + " failed jobs of " + queue + " are waiting again");
            return 0;
        }
    }

    @Command(name = "concurrency", mixinStandardHelpOptions = true,
            description = "How many jobs of a queue each worker runs at once, on every worker, kept across restarts (0 stops it).")
    static final class Concurrency implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Parameters(index = "1", paramLabel = "N", description = "0 to 1000.")
        int concurrency;

        @Override
        public Integer call() {
            if (queue.equals("all")) {
                throw new IllegalArgumentException("give one queue: queues differ in what one job costs");
            }
            try (Queues queues = target.open()) {
                queues.concurrency(queues(queue).getFirst(), concurrency);
            }
            System.out.println(queue + ": " + concurrency + " at once per worker");
            return 0;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Queue a step for the assets that lack it (metadata, thumbnails...), or with --all for every asset.")
    static final class Start implements Callable<Integer> {
        @Mixin
        StorageTemplateOption storageTemplate;

        @Mixin
        Target target;

        @Parameters(paramLabel = "QUEUE", description = "metadataExtraction, thumbnailGeneration, duplicateDetection, "
                + "storageTemplateMigration, or all.")
        String queue;

        @Option(names = "--all", description = "Every asset, not only those that lack the step (Immich's \"all\").")
        boolean all;

        @Override
        public Integer call() {
            try (Queues queues = target.open(storageTemplate.template())) {
                for (String q : queues(queue)) {
                    Optional<Long> queued = queues.start(q, all);
                    System.out.println(q + ": " + queued.map(n -> n + " jobs queued").orElse("started")
                            + (all ? " (every asset)" : " (assets that lack it)"));
                }
            }
            return 0;
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, or a number of seconds. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            var m = java.util.regex.Pattern.compile("(\\d+)\\s*([smh]?)").matcher(value.strip().toLowerCase(java.util.Locale.ROOT));
            if (!m.matches()) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a duration; write e.g. 90s, 30m or 2h");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
            if (d.isZero() || d.compareTo(Duration.ofHours(24)) > 0) {
                throw new picocli.CommandLine.TypeConversionException("--ttl must be between 1 s and 24 h, got " + value);
            }
            return d;
        }

        static String describe(Duration d) {
            return d.toSeconds() % 3600 == 0 ? d.toHours() + " h" : d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
        }
    }
}
