package app.shoebox.cli.deploy;

import app.shoebox.cli.Main;
import app.shoebox.testing.TestFolders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unit files in {@code deploy/systemd} are what they claim: systemd accepts them, their command
 * lines and environment are ones Shoebox understands, and stopping the way the server unit says
 * (SIGTERM to the server alone, {@code KillMode=mixed}) stops its worker and its PostgreSQL cleanly
 * within the unit's {@code TimeoutStopSec}.
 */
class SystemdUnitsTest {

    private static final Path UNITS = Path.of("..", "deploy", "systemd").toAbsolutePath().normalize();
    private static final String JAVA = ProcessHandle.current().info().command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    private final List<Process> started = new ArrayList<>();

    /** What a unit file says, as far as this test reads it. */
    record Unit(Map<String, String> environment, List<String> execStart, Map<String, String> service) {

        static Unit read(Path file) throws IOException {
            Map<String, String> env = new LinkedHashMap<>();
            Map<String, String> service = new LinkedHashMap<>();
            List<String> exec = List.of();
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (l.startsWith("#") || !l.contains("=")) {
                    continue;
                }
                String key = l.substring(0, l.indexOf('='));
                String value = l.substring(l.indexOf('=') + 1);
                if (key.equals("Environment")) {
                    env.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
                } else if (key.equals("ExecStart")) {
                    exec = List.of(value.split("\\s+"));
                } else {
                    service.put(key, value);
                }
            }
            return new Unit(env, exec, service);
        }

        /** The arguments after {@code -jar <jar>}: what the shoebox command is given. */
        List<String> shoeboxArguments() {
            int jar = execStart.indexOf("-jar");
            assertThat(jar).as("ExecStart runs the jar: " + execStart).isPositive();
            return execStart.subList(jar + 2, execStart.size());
        }
    }

    @AfterEach
    void stopLeftovers() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void systemdAcceptsTheUnits() throws Exception {
        Optional<Path> analyze = List.of(Path.of("/usr/bin/systemd-analyze"), Path.of("/bin/systemd-analyze")).stream()
                .filter(Files::isExecutable).findFirst();
        if (analyze.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("systemd-analyze is required in CI (.ci/run installs systemd)");
        }
        Assumptions.assumeTrue(analyze.isPresent(), "systemd-analyze is not installed");
        Path dir = TestFolders.create("units-");
        List<String> command = new ArrayList<>(List.of(analyze.get().toString(), "verify", "--man=no"));
        try (var units = Files.list(UNITS)) {
            for (Path unit : units.filter(p -> p.toString().endsWith(".service")).sorted().toList()) {
                // the Java path is the one thing an installer edits; here it is this test's Java
                String text = Files.readString(unit).replaceAll("ExecStart=\\S+/bin/java", "ExecStart=" + JAVA);
                command.add(Files.writeString(dir.resolve(unit.getFileName()), text).toString());
            }
        }
        assertThat(command).hasSizeGreaterThanOrEqualTo(5);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // systemd-analyze says "ignoring" and still exits 0 for a setting it cannot parse: any output is a finding
        assertThat(out.strip()).as("systemd-analyze verify").isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void theWorkerUnitsCommandLineParses() throws Exception {
        Unit worker = Unit.read(UNITS.resolve("shoebox-worker.service"));
        var parsed = Main.commandLine().parseArgs(worker.shoeboxArguments().toArray(String[]::new));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("worker");
        assertEnvironmentKnown(worker);
        assertThat(worker.service()).containsEntry("KillMode", "mixed");
    }

    /**
     * Started as the unit starts it (its environment, its arguments), then stopped as systemd stops
     * it: SIGTERM to the main process only. The server, its worker and its PostgreSQL are all gone
     * within the unit's stop timeout, PostgreSQL by a clean shutdown (no postmaster.pid left).
     */
    @Test
    void theServeUnitStartsAndStopsCleanlyOnSigtermToTheServerAlone() throws Exception {
        Unit serve = Unit.read(UNITS.resolve("shoebox.service"));
        assertEnvironmentKnown(serve);
        assertThat(serve.service()).containsEntry("KillMode", "mixed");
        Path library = TestFolders.create("unit-serve-").resolve("library");
        Path log = library.getParent().resolve("serve.log");

        List<String> command = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(serve.shoeboxArguments());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SHOEBOX_"));
        pb.environment().putAll(serve.environment());
        pb.environment().put("SHOEBOX_LIBRARY", library.toString());
        // the unpacked PostgreSQL of this machine's cache, rather than another copy; and port 0 in tests
        pb.environment().remove("XDG_CACHE_HOME");
        pb.environment().put("SHOEBOX_PORT", "0");
        Process server = pb.start();
        started.add(server);

        awaitLog(server, log, Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)"));
        awaitLog(server, log, Pattern.compile("WorkerCommand - worker worker-\\S+ working"));
        List<ProcessHandle> children = server.descendants().filter(ProcessHandle::isAlive).toList();
        long postmaster = Long.parseLong(Files.readAllLines(library.resolve("postgres").resolve("postmaster.pid")).getFirst().strip());

        server.destroy(); // SIGTERM to this process alone, as KillMode=mixed sends it
        long timeout = Long.parseLong(serve.service().get("TimeoutStopSec"));
        assertThat(server.waitFor(timeout, TimeUnit.SECONDS)).as("the server stops within TimeoutStopSec").isTrue();
        for (ProcessHandle child : children) {
            assertThat(child.onExit().orTimeout(10, TimeUnit.SECONDS).handle((h, e) -> e == null).join())
                    .as("child " + child.pid() + " " + child.info().commandLine().orElse("")).isTrue();
        }
        assertThat(library.resolve("postgres").resolve("postmaster.pid")).as("a clean PostgreSQL shutdown").doesNotExist();
        assertThat(ProcessHandle.of(postmaster).map(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS)
                .handle((x, e) -> e == null).join()).orElse(true)).as("the postmaster is gone").isTrue();
        assertThat(Files.readString(log)).as("the worker stopped by itself").doesNotContain("killing it");
    }

    /** Every SHOEBOX_* variable a unit sets is one that some option reads. */
    private static void assertEnvironmentKnown(Unit unit) throws IOException {
        String options = optionDefaults();
        for (String name : unit.environment().keySet()) {
            if (name.startsWith("SHOEBOX_")) {
                assertThat(options).as(name + " is read by an option").contains("${env:" + name);
            }
        }
    }

    private static String optionDefaults() {
        StringBuilder all = new StringBuilder();
        collect(Main.commandLine().setInterpolateVariables(false), all);
        return all.toString();
    }

    private static void collect(picocli.CommandLine cl, StringBuilder out) {
        cl.getCommandSpec().options().forEach(o -> out.append(Arrays.toString(o.names())).append(' ')
                .append(o.defaultValue()).append('\n'));
        cl.getSubcommands().values().forEach(sub -> collect(sub, out));
    }

    private static void awaitLog(Process p, Path log, Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(Files.readString(log));
            if (m.find()) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("shoebox exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + pattern + "' in the log:\n" + Files.readString(log));
    }
}
