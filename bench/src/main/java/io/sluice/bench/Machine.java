package io.sluice.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU and memory of this process and of other processes, from the JVM and from Linux's {@code /proc}. */
final class Machine {
    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux). */
    private static final long TICKS = 100;

    private Machine() {
    }

    /** CPU time of this whole process (all threads, the in-JVM brokers and Sluice included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** User and system CPU time of another process, e.g. mysqld. */
    static long processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based) -> 11 and 12 here
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / TICKS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid, e);
        }
    }

    /** Resident set size of this process, in bytes. */
    static long rssBytes() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : lines) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }

    static long heapUsedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Heap in use after a full collection: what is really held. */
    static long heapLiveBytes() {
        System.gc();
        return heapUsedBytes();
    }

    /**
     * The largest live heap while it is open: a full collection ({@code System.gc()}) soon after it opens and then
     * every {@code period}, and the heap in use right after it. Unlike the peak of used heap, this does not count garbage
     * not yet collected, which grows with the heap limit, not with what the process holds. The collections pause
     * the process: use it where memory is measured, not time.
     */
    static final class LiveHeap implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        private final Thread thread;

        LiveHeap(java.time.Duration period) {
            thread = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(heapLiveBytes(), Math::max);
                        Thread.sleep(period.toMillis());
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            }, "bench-live-heap");
            thread.setDaemon(true);
            thread.start();
        }

        /** The peak so far; 0 before the first sample. */
        long peak() {
            return peak.get();
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join();
        }
    }

    static String describe() {
        return Runtime.getRuntime().availableProcessors() + " cores, "
                + ManagementFactory.getOperatingSystemMXBean().getArch() + ", "
                + (((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() >> 30) + " GiB, Java " + Runtime.version().feature() + ", max heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB";
    }
}
