package app.shoebox.cli.upload;

import app.shoebox.client.sources.Grouper;
import picocli.CommandLine.Option;

/** Stacking options, the same for every source. */
public final class StackOptions {

    @Option(names = "--stack-raw-jpeg", description = "Stack a RAW file with the JPEG or HEIC of the same name (JPEG on top).")
    boolean rawJpeg;

    @Option(names = "--stack-bursts", description = "Stack the photos of a burst (cover on top).")
    boolean bursts;

    Grouper.Options grouping() {
        return new Grouper.Options(rawJpeg, bursts);
    }
}
