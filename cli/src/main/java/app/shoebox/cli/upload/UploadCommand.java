package app.shoebox.cli.upload;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shoebox upload ...}: the bulk uploader, one subcommand per kind of source. */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = {"Upload photos and videos to a Shoebox or Immich server.",
                "Deduplicated by checksum, resumable, pausing the server's heavy background queues while it runs."},
        subcommands = {FromFolderCommand.class, FromGooglePhotosCommand.class})
public final class UploadCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
