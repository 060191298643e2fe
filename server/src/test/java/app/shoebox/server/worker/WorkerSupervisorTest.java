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
    void closeStopsTheWorkerAndDoesNotRestartIt() throws Exception {
        WorkerSupervisor s = WorkerSupervisor.start(fast(List.of("sleep", "600")));
        assertThat(s.awaitStarts(1, Duration.ofSeconds(30))).isTrue();
        ProcessHandle p = s.process().orElseThrow();
        s.close();
        assertThat(p.isAlive()).isFalse();
        assertThat(s.starts()).isEqualTo(1);
    }
}
