package app.shoebox.cli.bench;

import picocli.CommandLine.Command;

/**
 * {@code shoebox bench ...}: benchmark commands. Each prints what it measures as it goes and ends
 * with one {@code name=value} line per figure, so scripts can read the results.
 */
@Command(name = "bench",
        description = "Measure the job engine, the media pipeline, the uploader, durable uploads, API reads under the load throttle, library scans and whole imports on this machine.",
        subcommands = {JobsBench.class, MediaBench.class, UploadBench.class, DurabilityBench.class, ThrottleBench.class,
                ScanBench.class, ImportBench.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
