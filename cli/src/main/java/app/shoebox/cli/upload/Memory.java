package app.shoebox.cli.upload;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the process cost: peak resident set (Linux {@code VmHWM}), the heap pools' peaks (summed:
 * an upper bound, as pools peak at different times), the heap limit, and CPU time.
 */
final class Memory {

    private Memory() {
    }

    static Map<String, Long> peaks() {
        Map<String, Long> m = new LinkedHashMap<>();
        long heap = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                heap += p.getPeakUsage().getUsed();
            }
        }
        m.put("peakHeapBytes", heap);
        m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            // CPU time of the whole process: what a run costs, whatever else the machine is doing.
            m.put("cpuMillis", os.getProcessCpuTime() / 1_000_000);
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    m.put("peakRssBytes", Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: the heap figure stands alone
        }
        return m;
    }
}
