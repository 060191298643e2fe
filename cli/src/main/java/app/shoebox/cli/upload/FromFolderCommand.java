package app.shoebox.cli.upload;

import app.shoebox.client.sources.folder.FolderSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code shoebox upload from-folder PATH...}. */
@Command(name = "from-folder", mixinStandardHelpOptions = true,
        description = "Upload the photos and videos under one or more folders (recursively).")
public final class FromFolderCommand implements Callable<Integer> {

    @Mixin
    UploadOptions options;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Folders (or single files) to upload.")
    List<Path> paths;

    @Option(names = "--include", paramLabel = "GLOB",
            description = "Upload only files matching (repeatable): *.jpg matches names, 2024/** paths under the folder.")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out files and folders matching (repeatable).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--include-hidden", description = "Upload hidden files and folders (names starting with a dot) too.")
    boolean includeHidden;

    @Option(names = "--album-from-folder", description = "Put each file in an album named after its folder.")
    boolean albumFromFolder;

    @Option(names = "--album", paramLabel = "NAME", description = "Put every file in this album.")
    String album;

    @Mixin
    StackOptions stacks;

    @Option(names = "--follow-symlinks", description = "Follow symbolic links that lead outside the folder.")
    boolean followSymlinks;

    @Override
    public Integer call() throws Exception {
        UploadRun.requireExisting(paths);
        FolderSource.Options folder = new FolderSource.Options(include, exclude, includeHidden, albumFromFolder,
                Optional.ofNullable(album).filter(a -> !a.isBlank()), stacks.grouping(),
                followSymlinks, options.syncMetadata);
        return new UploadRun(options, System.getenv(), System.out, System.err)
                .run((types, hashes) -> new FolderSource(paths, types, folder), paths.toString());
    }
}
