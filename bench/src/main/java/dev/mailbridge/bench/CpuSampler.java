package dev.mailbridge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of the JVM's threads, split into the load client's (the workers and the JDK HTTP
 * client's threads) and every other Java thread, which is the server under test (the main thread
 * only sleeps while a window is measured). GC and JIT threads are not Java threads and count in
 * neither; the process total has them.
 */
final class CpuSampler {
    /**
     * CPU time in nanoseconds spent between two snapshots, by side, and the share (0..1) of the
     * machine's CPU that was busy meanwhile, this process and any other (NaN when unknown).
     */
    record Sample(long clientNanos, long serverNanos, long processNanos, double machineBusyShare) {}

    /** CPU time per live thread id, the process's, and the machine's counters, at one instant. */
    record Snapshot(Map<Long, Long> threadNanos, long processNanos, long[] machineJiffies) {
        /**
         * CPU spent since {@code earlier}, per side. A thread that started in between counts in
         * full; one that ended in between is lost (its in-window time only, never negative).
         */
        Sample since(Snapshot earlier) {
            long client = 0;
            long server = 0;
            for (Map.Entry<Long, Long> thread : threadNanos.entrySet()) {
                long spent = thread.getValue() - earlier.threadNanos.getOrDefault(thread.getKey(), 0L);
                ThreadInfo info = THREADS.getThreadInfo(thread.getKey());
                String name = info == null ? "" : info.getThreadName();
                if (isClient(name)) {
                    client += Math.max(0, spent);
                } else {
                    server += Math.max(0, spent);
                }
            }
            long process = processNanos < 0 || earlier.processNanos < 0 ? -1 : processNanos - earlier.processNanos;
            double machine = Double.NaN;
            if (machineJiffies != null && earlier.machineJiffies != null) {
                long busy = machineJiffies[0] - earlier.machineJiffies[0];
                long total = machineJiffies[1] - earlier.machineJiffies[1];
                machine = total <= 0 ? Double.NaN : (double) busy / total;
            }
            return new Sample(client, server, process, machine);
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuSampler() {}

    static Snapshot snapshot() {
        Map<Long, Long> threads = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            if (cpu >= 0) {
                threads.put(id, cpu);
            }
        }
        long process = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            process = os.getProcessCpuTime();
        }
        return new Snapshot(threads, process, machineJiffies());
    }

    /** Busy and total jiffies of all cores from Linux's /proc/stat; null elsewhere. */
    static long[] machineJiffies() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] fields = cpu.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                long value = Long.parseLong(fields[i]);
                total += value;
                if (i == 4 || i == 5) {
                    idle += value;
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static boolean isClient(String threadName) {
        return threadName.startsWith(LoadRunner.THREAD_PREFIX) || threadName.startsWith("HttpClient-");
    }
}
