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
     * The largest heap in use right after a garbage collection while it is open: what the process really held,
     * as opposed to the peak of used heap, which counts garbage not yet collected and grows with the heap limit.
     */
    static final class HeapAfterGc implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.List<Runnable> removals = new java.util.ArrayList<>();

        HeapAfterGc() {
            for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (!(gc instanceof javax.management.NotificationEmitter emitter)) {
                    continue;
                }
                javax.management.NotificationListener listener = (notification, handback) -> {
                    if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                            .equals(notification.getType())) {
                        return;
                    }
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) notification.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> isHeap(e.getKey()))
                            .mapToLong(e -> e.getValue().getUsed()).sum();
                    peak.accumulateAndGet(used, Math::max);
                };
                emitter.addNotificationListener(listener, null, null);
                removals.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // gone already
                    }
                });
            }
        }

        private static boolean isHeap(String pool) {
            for (java.lang.management.MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getName().equals(pool)) {
                    return p.getType() == java.lang.management.MemoryType.HEAP;
                }
            }
            return false;
        }

        /** The peak so far; 0 if no collection happened. */
        long peak() {
            return peak.get();
        }

        @Override
        public void close() {
            removals.forEach(Runnable::run);
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
