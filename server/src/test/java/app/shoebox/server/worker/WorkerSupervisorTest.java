package app.shoebox.server.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerSupervisorTest {

    private static WorkerSupervisor.Settings fast(List<String> command) {
        return new WorkerSupervisor.Settings(command, Map.of(), Duration.ofMillis(10), Duration.ofMillis(100),
                Duration.ofMinutes(1), Duration.ofSeconds(5));
    }

    @Test
    void aWorkerKilledWithSigkillIsReplaced() throws Exception {
        try (WorkerSupervisor s = WorkerSupervisor.start(fast(List.of("sleep", "600")))) {
            assertThat(s.awaitStarts(1, Duration.ofSeconds(30))).isTrue();
            ProcessHandle first = s.process().orElseThrow();
            first.destroyForcibly();
            assertThat(s.awaitStarts(2, Duration.ofSeconds(30))).isTrue();
            assertThat(s.process().orElseThrow().pid()).isNotEqualTo(first.pid());
        }
    }

    @Test
    void aWorkerThatKeepsDyingIsRestartedWithBackoff() throws Exception {
        try (WorkerSupervisor s = WorkerSupervisor.start(fast(List.of("sh", "-c", "exit 3")))) {
            long t0 = System.nanoTime();
            while (s.starts() < 4 && System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos()) {
                Thread.sleep(5);
            }
            assertThat(s.starts()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void everyStartExitAndStopOfAWorkerIsALogLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (app.shoebox.testing.LogCapture log = app.shoebox.testing.LogCapture.of(WorkerSupervisor.class)) {
            // The first worker exits as a watchdog would; the second runs until it is stopped.
            java.nio.file.Path mark = dir.resolve("started-once");
            WorkerSupervisor s = WorkerSupervisor.start(fast(List.of("sh", "-c",
                    "if [ -e '" + mark + "' ]; then exec sleep 600; else touch '" + mark + "'; exit 70; fi")));
            assertThat(s.awaitStarts(2, Duration.ofSeconds(30))).isTrue();
            long second = s.process().orElseThrow().pid();
            // Its output is read on a platform thread (it blocks for the worker's whole life).
            assertThat(Thread.getAllStackTraces().keySet()).anySatisfy(t ->
                    assertThat(t.getName()).isEqualTo("worker-output-" + second));
            s.close();
            List<String> lines = log.lines();
            assertThat(lines).filteredOn(l -> l.matches("INFO worker process \\d+ started")).hasSizeGreaterThanOrEqualTo(2);
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN worker process ")
                    .contains("exited with status 70 (a job ignored being stopped at its time limit)").contains("starting a new one"));
            assertThat(lines).contains("INFO worker process " + second + " stopped with status 143");
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("INFO stopping worker process " + second));
        }
    }

    @Test
    void closeStopsTheWorkerAndDoesNotRestartIt() throws Exception {
        WorkerSupervisor s = WorkerSupervisor.start(fast(List.of("sleep", "600")));
        assertThat(s.awaitStarts(1, Duration.ofSeconds(30))).isTrue();
        ProcessHandle p = s.process().orElseThrow();
        s.close();
        assertThat(p.isAlive()).isFalse();
        assertThat(s.starts()).isEqualTo(1);
    }
}
