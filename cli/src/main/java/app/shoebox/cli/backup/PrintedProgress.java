package app.shoebox.cli.backup;

import app.shoebox.server.backup.Backup;

/** A backup's or restore's progress on standard error: a line every few seconds, and every warning. */
final class PrintedProgress implements Backup.Progress {

    private final String command;
    private long lastLine = System.nanoTime();

    PrintedProgress(String command) {
        this.command = command;
    }

    @Override
    public void snapshotTaken(long rows, int assets) {
        System.err.printf("%s: catalogue read (%,d rows, %,d assets); copying their files%n", command, rows, assets);
    }

    @Override
    public void copied(long files, long bytes) {
        if (System.nanoTime() - lastLine > 5_000_000_000L) {
            lastLine = System.nanoTime();
            System.err.printf("%s: %,d files, %s%n", command, files, app.shoebox.cli.Sizes.bytes(bytes));
        }
    }

    @Override
    public void warning(String message) {
        System.err.println(command + ": " + message);
    }
}
