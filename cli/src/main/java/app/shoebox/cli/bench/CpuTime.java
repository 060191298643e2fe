package app.shoebox.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * CPU seconds used by processes, from Linux's {@code /proc}: what a benchmark on a shared machine
 * can compare when wall-clock times depend on everybody else's load. Zero where {@code /proc} is
 * missing.
 */
final class CpuTime {

    /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on every Linux this runs on. */
    private static final double TICKS = 100.0;

    private CpuTime() {
    }

    /** This JVM's own CPU (all threads). */
    static double self() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** CPU of this JVM's children that have exited and been waited for (with their own children). */
    static double reapedChildren() {
        return fields(ProcessHandle.current().pid()).map(f -> (f.get(13) + f.get(14)) / TICKS).orElse(0.0);
    }

    /** CPU of a process and all its living descendants, with the children they have reaped. */
    static double tree(ProcessHandle root) {
        double sum = 0;
        for (ProcessHandle p : java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants()).toList()) {
            sum += fields(p.pid()).map(f -> (f.get(11) + f.get(12) + f.get(13) + f.get(14)) / TICKS).orElse(0.0);
        }
        return sum;
    }

    /** The PostgreSQL server whose data folder is under {@code library} (it runs detached, in a session of its own). */
    static java.util.Optional<ProcessHandle> postmaster(Path library) {
        String folder = library.toAbsolutePath().normalize().toString();
        return ProcessHandle.allProcesses().filter(p -> cmdline(p.pid()).contains(folder)
                && p.info().command().map(c -> c.endsWith("postgres")).orElse(false)).findFirst();
    }

    /**
     * CPU seconds of each living thread of {@code process}, by thread id, with the thread's name
     * ({@code /proc/<pid>/task}). Threads that have ended are not listed: a difference of two of
     * these is a lower bound of what the groups used in between.
     */
    static Map<Long, Map.Entry<String, Double>> threads(ProcessHandle process) {
        Map<Long, Map.Entry<String, Double>> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : tasks.toList()) {
                // a thread that ends while we look is left out
                stat(task.resolve("stat")).ifPresent(s -> out.put(Long.parseLong(task.getFileName().toString()),
                        Map.entry(s.name(), (s.fields().get(11) + s.fields().get(12)) / TICKS)));
            }
        } catch (IOException e) {
            // no /proc: nothing to say
        }
        return out;
    }

    /**
     * What each group of threads used between two {@link #threads} readings, largest first: threads
     * grouped by name without their number ("C2 CompilerThread0" and "...1" are one group).
     */
    static List<Map.Entry<String, Double>> byThreadGroup(Map<Long, Map.Entry<String, Double>> before,
                                                         Map<Long, Map.Entry<String, Double>> after) {
        Map<String, Double> groups = new java.util.HashMap<>();
        after.forEach((tid, now) -> {
            double was = before.containsKey(tid) ? before.get(tid).getValue() : 0;
            groups.merge(now.getKey().replaceAll("[-#_ ]?\\d+$", ""), now.getValue() - was, Double::sum);
        });
        return groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList();
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** The numeric fields after the command name: index 0 is the state, 11-14 utime, stime, cutime, cstime. */
    private static java.util.Optional<List<Long>> fields(long pid) {
        return stat(Path.of("/proc/" + pid + "/stat")).map(Stat::fields);
    }

    /** A {@code stat} file of a process or a thread: its command name and {@link #fields}. */
    private record Stat(String name, List<Long> fields) {}

    private static java.util.Optional<Stat> stat(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            List<Long> out = new java.util.ArrayList<>();
            out.add(0L);
            for (int i = 1; i < 15 && i < rest.length; i++) {
                out.add(Long.parseLong(rest[i]));
            }
            return out.size() == 15
                    ? java.util.Optional.of(new Stat(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), out))
                    : java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
