package app.shoebox.media.metadata;

import app.shoebox.media.NativeTools;
import app.shoebox.media.ProcessRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * exiftool kept running in its {@code -stay_open} batch mode: one Perl start-up (about 0.2 s) per
 * process instead of per file, then a few milliseconds a file. Up to {@code maxProcesses} run at
 * once, each serving one file at a time; they are started when first needed and reused.
 *
 * <p>A process that does not answer within the time limit, or dies, is killed and replaced; the
 * caller gets {@link Result.Failed} and reads the file another way. exiftool in this mode waits for
 * input forever, even after its stdin closes, so each runs under a guard ({@link #GUARD}) that
 * kills it when the JVM that started it is gone: no exiftool outlives its worker, even one killed
 * with SIGKILL.
 */
public final class ExifTool implements AutoCloseable {

    /** What one file gave. */
    public sealed interface Result {
        /** exiftool's JSON object for the file (it may hold an {@code Error} or {@code Warning}). */
        record Read(JsonNode tags) implements Result {
        }

        /** exiftool could not be asked, timed out or died; {@code reason} says which, for the warnings. */
        record Failed(String reason) implements Result {
        }
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final Logger LOG = LoggerFactory.getLogger(ExifTool.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READY = "{ready}";
    // A hostile file can make exiftool print a lot (a 64 KB comment, thousands of keywords); the
    // fields Shoebox reads never need more than this, and a larger answer is treated as a failure.
    private static final int MAX_ANSWER_CHARS = 4 << 20;

    /**
     * The arguments of every read: Immich's reading (MWG composite tags, numbers for GPS, orientation
     * and focal length, printed values for the rest) of the tags Shoebox uses. The corpus's
     * expected.sh asks exiftool the same. The last five are Google's motion-photo tags
     * ({@link MotionPhotos}); exiftool 12.57 does not know Google's container namespace and names
     * its directory {@code Directory}, later versions {@code ContainerDirectory}.
     */
    static final List<String> READ_ARGS = List.of("-json", "-struct", "-use", "MWG", "-api", "largefilesupport=1",
            "-charset", "filename=utf8",
            "-SubSecDateTimeOriginal", "-SubSecCreateDate", "-SubSecMediaCreateDate", "-DateTimeOriginal", "-CreateDate",
            "-MediaCreateDate", "-CreationDate", "-DateTimeCreated", "-GPSDateTime", "-DateTimeUTC", "-SonyDateTime2",
            "-SourceImageCreateTime", "-OffsetTimeOriginal", "-OffsetTimeDigitized", "-OffsetTime", "-TimeZone",
            "-TimeZoneOffset", "-ModifyDate", "-Make", "-Model", "-Device", "-AndroidMake",
            "-AndroidModel", "-LensID", "-LensType", "-LensSpec", "-LensModel", "-ISO", "-ExposureTime", "-FNumber",
            "-FocalLength#", "-GPSLatitude#", "-GPSLongitude#", "-Orientation#", "-ImageSize", "-ImageWidth",
            "-ImageHeight", "-ImageDescription", "-Description", "-Rating", "-Subject", "-ContentIdentifier",
            "-MediaGroupUUID", "-MotionPhoto", "-ContainerDirectory", "-XMP-Container:Directory", "-MicroVideo",
            "-MicroVideoOffset");

    private final Path executable;
    private final String version;
    private final Duration timeout;
    private final int maxProcesses;
    private final Semaphore permits;
    private final LinkedBlockingDeque<Session> idle = new LinkedBlockingDeque<>();
    private final List<Session> all = new ArrayList<>();
    private volatile boolean closed;

    private ExifTool(Path executable, String version, Duration timeout, int maxProcesses) {
        this.executable = executable;
        this.version = version;
        this.timeout = timeout;
        this.maxProcesses = maxProcesses;
        this.permits = new Semaphore(maxProcesses, true);
    }

    private static Optional<ExifTool> shared;

    /**
     * One exiftool pool for the whole JVM (exiftool from the PATH, one process per core at most),
     * made on first use and stopped when the JVM exits: every server or worker built in one JVM
     * (tests build many) shares the same few processes instead of starting its own.
     */
    public static synchronized Optional<ExifTool> shared() {
        if (shared == null) {
            shared = fromPath(Runtime.getRuntime().availableProcessors());
            shared.ifPresent(t -> Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(t::close)));
        }
        return shared;
    }

    /** exiftool from the PATH, when installed and answering {@code -ver}. */
    public static Optional<ExifTool> fromPath(int maxProcesses) {
        return NativeTools.find("exiftool").flatMap(p -> start(p, DEFAULT_TIMEOUT, maxProcesses));
    }

    public static Optional<ExifTool> start(Path executable, Duration timeout, int maxProcesses) {
        try {
            var result = ProcessRunner.run(List.of(executable.toString(), "-ver"), Duration.ofSeconds(30), executable);
            String v = result.stdout().strip();
            if (!result.succeeded() || !v.matches("\\d+\\.\\d+.*")) {
                LOG.warn("{} -ver answered \"{}\"; exiftool is not used", executable, v);
                return Optional.empty();
            }
            return Optional.of(new ExifTool(executable, v, timeout, Math.max(1, maxProcesses)));
        } catch (app.shoebox.media.MediaException e) {
            LOG.warn("{} does not run ({}); exiftool is not used", executable, e.getMessage());
            return Optional.empty();
        }
    }

    public String version() {
        return version;
    }

    public String describe() {
        return "exiftool " + version + " (" + executable + ", -stay_open, up to " + maxProcesses + " processes)";
    }

    /** Reads {@code file}'s tags with {@link #READ_ARGS}. Blocks while all processes are busy. */
    public Result read(Path file) {
        String path = file.toAbsolutePath().toString();
        // One argument per line, and exiftool trims each line: a name it cannot be told is read elsewhere.
        if (path.contains("\n") || path.contains("\r") || !path.equals(path.strip())) {
            return new Result.Failed("the file name has a line break or surrounding spaces");
        }
        List<String> args = new ArrayList<>(READ_ARGS);
        args.add(path);
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result.Failed("interrupted");
        }
        try {
            if (closed) {
                return new Result.Failed("exiftool was shut down");
            }
            Session session = idle.pollFirst();
            if (session == null || !session.alive()) {
                if (session != null) {
                    session.kill();
                }
                session = Session.start(executable);
                synchronized (all) {
                    all.add(session);
                }
            }
            Answer answer = session.ask(args, timeout);
            if (answer instanceof Answer.Text t) {
                idle.addFirst(session);
                return parse(t.text(), file);
            }
            session.kill();
            synchronized (all) {
                all.remove(session);
            }
            return new Result.Failed(((Answer.Broken) answer).reason());
        } catch (IOException e) {
            return new Result.Failed("could not start exiftool: " + e.getMessage());
        } finally {
            permits.release();
        }
    }

    private static Result parse(String text, Path file) {
        if (text.isBlank()) {
            // exiftool wrote its error to stderr only (for example a file that vanished).
            return new Result.Failed("exiftool returned nothing for " + file);
        }
        try {
            JsonNode root = JSON.readTree(text);
            return root.isArray() && !root.isEmpty() ? new Result.Read(root.get(0))
                    : new Result.Failed("exiftool returned no object for " + file);
        } catch (IOException e) {
            return new Result.Failed("exiftool's answer for " + file + " is not JSON: " + e.getMessage());
        }
    }

    /** Stops every process (asks politely, then kills). */
    @Override
    public void close() {
        closed = true;
        List<Session> sessions;
        synchronized (all) {
            sessions = List.copyOf(all);
            all.clear();
        }
        sessions.forEach(Session::stop);
    }

    /** Processes running now (for tests and the benchmark). */
    int running() {
        synchronized (all) {
            return (int) all.stream().filter(Session::alive).count();
        }
    }

    /**
     * exiftool in batch mode never exits on its own: at the end of its input it waits for more.
     * A worker killed with SIGKILL would leave it running forever, so it is started under a
     * small Perl guard (Perl is there wherever exiftool is) that kills it when the process that
     * started the guard is gone, and exits with it otherwise.
     */
    static final String GUARD = """
            use POSIX ':sys_wait_h';
            my $parent = getppid();
            my $pid = fork();
            die "fork: $!" unless defined $pid;
            if ($pid == 0) { exec { $ARGV[0] } @ARGV or exit 127; }
            $SIG{TERM} = sub { kill 'KILL', $pid; exit 143 };
            while (1) {
                exit($? >> 8) if waitpid($pid, WNOHANG) == $pid;
                if (getppid() != $parent) { kill 'KILL', $pid; exit 1 }
                select(undef, undef, undef, 0.5);
            }
            """;

    /** The command that starts one batch process: under the guard when perl is on the PATH. */
    static List<String> command(Path executable) {
        List<String> exiftool = List.of(executable.toString(), "-stay_open", "True", "-@", "-");
        return NativeTools.find("perl").map(perl -> {
            List<String> guarded = new ArrayList<>(List.of(perl.toString(), "-e", GUARD, "--"));
            guarded.addAll(exiftool);
            return guarded;
        }).orElse(exiftool);
    }

    private sealed interface Answer {
        record Text(String text) implements Answer {
        }

        record Broken(String reason) implements Answer {
        }
    }

    /** One exiftool process and the thread that reads its answers. */
    private static final class Session {
        private final Process process;
        private final OutputStream in;
        private final BlockingQueue<Answer> answers = new ArrayBlockingQueue<>(1);
        private final StringBuilder stderrTail = new StringBuilder();

        private Session(Process process) {
            this.process = process;
            this.in = process.getOutputStream();
            // Platform threads: they block on the session's pipes for its whole life. Virtual ones
            // hold their carriers meanwhile, and two sessions idle for 30 s starved every virtual
            // thread of the process on two cores (found when a tool's output drain never ran).
            Thread.ofPlatform().daemon().name("exiftool-out-" + process.pid()).start(this::readAnswers);
            Thread.ofPlatform().daemon().name("exiftool-err-" + process.pid()).start(this::readErrors);
        }

        static Session start(Path executable) throws IOException {
            Process p = new ProcessBuilder(command(executable)).start();
            LOG.debug("exiftool started (pid {})", p.pid());
            return new Session(p);
        }

        boolean alive() {
            return process.isAlive();
        }

        Answer ask(List<String> args, Duration timeout) {
            answers.clear();
            try {
                StringBuilder request = new StringBuilder();
                args.forEach(a -> request.append(a).append('\n'));
                request.append("-execute\n");
                in.write(request.toString().getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                return new Answer.Broken("exiftool stopped accepting files (" + e.getMessage() + ")" + stderr());
            }
            try {
                Answer a = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return a != null ? a : new Answer.Broken("exiftool took longer than " + timeout.toSeconds() + " s and was stopped");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer.Broken("interrupted");
            }
        }

        private void readAnswers() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder text = new StringBuilder();
                boolean overflow = false;
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals(READY)) {
                        answers.offer(overflow ? new Answer.Broken("exiftool's answer was larger than "
                                + MAX_ANSWER_CHARS / (1 << 20) + " MB") : new Answer.Text(text.toString()));
                        text.setLength(0);
                        overflow = false;
                    } else if (text.length() + line.length() < MAX_ANSWER_CHARS) {
                        text.append(line).append('\n');
                    } else {
                        overflow = true;
                    }
                }
            } catch (IOException e) {
                // The process was killed: the answer below says so.
            }
            answers.offer(new Answer.Broken("exiftool exited (code " + exitCode() + ")" + stderr()));
        }

        private void readErrors() {
            try (InputStream err = process.getErrorStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = err.read(buf)) > 0) {
                    synchronized (stderrTail) {
                        stderrTail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (stderrTail.length() > 2000) {
                            stderrTail.delete(0, stderrTail.length() - 2000);
                        }
                    }
                }
            } catch (IOException e) {
                // Gone with the process.
            }
        }

        private String stderr() {
            synchronized (stderrTail) {
                String s = stderrTail.toString().strip();
                return s.isEmpty() ? "" : ": " + s.lines().reduce((a, b) -> b).orElse("");
            }
        }

        private String exitCode() {
            try {
                return process.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        void stop() {
            try {
                in.write("-stay_open\nFalse\n".getBytes(StandardCharsets.UTF_8));
                in.close();
                if (process.waitFor(2, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (IOException e) {
                // Already gone: kill below is harmless.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            kill();
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
