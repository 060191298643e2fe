package app.shoebox.cli.upload;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The process's peak memory: resident set (Linux {@code VmHWM}) and the heap pools' peak use. */
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
