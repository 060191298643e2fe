package app.shoebox.cli.upload;

import app.shoebox.client.sources.takeout.TakeoutSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code shoebox upload from-google-photos TAKEOUT...}. */
@Command(name = "from-google-photos", mixinStandardHelpOptions = true,
        description = {"Upload a Google Photos Takeout: all its .zip and .tgz parts (and unpacked folders) in one run.",
                "Parts are read where they are, never unpacked; dates, GPS, descriptions, favourites, archive and albums "
                        + "come from Google's JSON files."})
public final class FromGooglePhotosCommand implements Callable<Integer> {

    @Mixin
    UploadOptions options;

    @Parameters(arity = "1..*", paramLabel = "TAKEOUT",
            description = "Takeout parts: .zip or .tgz files, or folders where parts were unpacked. Give all parts at once: a "
                    + "photo's JSON or its album's title is often in another part.")
    List<Path> parts;

    @Mixin
    StackOptions stacks;

    @Override
    public Integer call() throws Exception {
        UploadRun.requireExisting(parts);
        return new UploadRun(options, System.getenv(), System.out, System.err).run(
                (types, hashes) -> new TakeoutSource(parts, types, hashes,
                        new TakeoutSource.Options(stacks.grouping())),
                parts.toString());
    }
}
