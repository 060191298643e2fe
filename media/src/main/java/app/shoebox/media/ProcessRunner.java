package app.shoebox.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external tool (ffmpeg, ffprobe, vipsthumbnail) with a time limit. A tool that outlives
 * its limit is killed, with its children, and the failure is transient ({@link MediaException.Reason#TIMEOUT}).
 */
public final class ProcessRunner {

    /** What a finished tool left behind. Output is kept up to {@link #MAX_OUTPUT} bytes per stream. */
    public record Result(int exitCode, String stdout, String stderr, long peakRssKiB) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    static final int MAX_OUTPUT = 1 << 20;

    private ProcessRunner() {
    }

    /**
     * Runs {@code command} and waits at most {@code timeout}. {@code file} is the media file the run
     * is about, named in failures.
     */
    public static Result run(List<String> command, Duration timeout, Path file) throws MediaException {
        return run(command, java.util.Map.of(), timeout, file);
    }

    /** {@link #run(List, Duration, Path)} with {@code environment} added to this process's own. */
    public static Result run(List<String> command, java.util.Map<String, String> environment, Duration timeout, Path file)
            throws MediaException {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new MediaException(MediaException.Reason.IO, file,
                    "could not start " + command.getFirst() + " for " + file + ": " + e.getMessage(), e);
        }
        // Both streams are drained concurrently: a tool that fills one pipe while we block on the
        // other would otherwise hang until the time limit.
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        long peak = 0;
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            // Poll so that the peak resident memory of the tool can be sampled while it runs
            // (the benchmark reports it); VmHWM only grows, so the last sample is close to the peak.
            while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
                peak = Math.max(peak, peakRssKiB(process.pid()));
                if (System.nanoTime() - deadline > 0) {
                    kill(process);
                    throw new MediaException(MediaException.Reason.TIMEOUT, file, command.getFirst() + " took longer than "
                            + timeout.toSeconds() + " s on " + file + " and was stopped; it will be retried");
                }
            }
            return new Result(process.exitValue(), out.get(), err.get(), peak);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new MediaException(MediaException.Reason.IO, file, command.getFirst() + " on " + file + " was interrupted", e);
        } catch (ExecutionException e) {
            kill(process);
            throw new MediaException(MediaException.Reason.IO, file,
                    "could not read the output of " + command.getFirst() + " for " + file, e.getCause());
        }
    }

    /**
     * Kills the tool and its children and waits (a little) until they are gone: SIGKILL is
     * asynchronous, and a failure reported while the tool still runs would be half true (found when
     * a loaded machine left the killed tool visible after the timeout had been reported).
     */
    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        try {
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            for (ProcessHandle child : children) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    child.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            // Gone or going: SIGKILL cannot be refused, only delayed by the kernel.
        }
    }

    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    /**
     * Reads a tool's output on a platform thread. A virtual thread blocked in a pipe read holds its
     * carrier; measured on JDK 25 with two cores, two such readers left idle for 30 s starve every
     * other virtual thread of the process, and the drain of the next tool never ran.
     */
    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                byte[] kept = in.readNBytes(MAX_OUTPUT);
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return new String(kept, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon().name("tool-output").start(r));
    }

    /** Peak resident set size of a running process in KiB, 0 when not known (not Linux, already gone). */
    public static long peakRssKiB(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process ended between two samples, or there is no /proc: no figure.
        }
        return 0;
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
