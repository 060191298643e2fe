package app.shoebox.cli.upload;

import java.io.IOException;
import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the process cost: peak resident set (Linux {@code VmHWM}), the heap pools' peaks (summed:
 * an upper bound, as pools peak at different times), the most heap left in use after a garbage
 * collection (what the run really kept: the figure that shows memory does not grow with the
 * number of files), the heap limit, and CPU time.
 */
final class Memory {

    private static final AtomicLong PEAK_AFTER_GC = new AtomicLong();
    private static final AtomicBoolean WATCHING = new AtomicBoolean();

    private Memory() {
    }

    /** Starts recording the heap in use after each collection; once per process. */
    static void watchCollections() {
        if (!WATCHING.compareAndSet(false, true)) {
            return;
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                                (CompositeData) notification.getUserData());
                        PEAK_AFTER_GC.accumulateAndGet(heap(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
                    }
                }, null, null);
            }
        }
    }

    /** The heap pools' use among those a collection reports (which include metaspace and code cache). */
    private static long heap(Map<String, MemoryUsage> after) {
        long n = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && after.containsKey(p.getName())) {
                n += after.get(p.getName()).getUsed();
            }
        }
        return n;
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
        if (WATCHING.get()) {
            m.put("peakHeapAfterGcBytes", PEAK_AFTER_GC.get());
        }
        // What the whole run still holds once it is over (caches, journal, albums, the report's
        // lists): the part that could grow with the number of files. A full collection first, so
        // garbage is not counted; a few tens of milliseconds, once, only when a report is written.
        System.gc();
        m.put("heapHeldAtEndBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
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
