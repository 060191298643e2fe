package app.shoebox.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shoebox} program: one binary, one subcommand per role. */
@Command(name = "shoebox",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Self-hosted photo and video library.",
        subcommands = {
                CommandLine.HelpCommand.class,
                app.shoebox.cli.serve.ServeCommand.class,
                app.shoebox.cli.admin.UsersCommand.class,
                app.shoebox.cli.admin.ApiKeysCommand.class,
                app.shoebox.cli.jobs.JobsCommand.class,
                app.shoebox.cli.backup.BackupCommand.class,
                app.shoebox.cli.backup.RestoreCommand.class,
                app.shoebox.cli.worker.WorkerCommand.class,
                app.shoebox.cli.upload.UploadCommand.class,
                app.shoebox.cli.libraries.LibrariesCommand.class,
                app.shoebox.cli.db.DbCommand.class,
                app.shoebox.cli.bench.BenchCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, for tests and for {@link #main}. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::reportFailure);
    }

    /**
     * A failure a user can act on (a bad flag value, a database that cannot be reached, a library
     * already in use, a port taken) is one line that says what and where; anything else also gets
     * its stack trace, since it is a bug to report.
     */
    private static int reportFailure(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        command.getErr().println(command.getCommandSpec().qualifiedName(" ") + ": " + message.replaceAll("\\s*\\R\\s*", " ").strip());
        boolean expected = e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException
                || e instanceof app.shoebox.server.http.ApiException || e instanceof app.shoebox.client.api.ApiException;
        if (!expected) {
            e.printStackTrace(command.getErr());
        }
        return 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"shoebox " + (v == null ? "dev" : v)};
        }
    }
}
