package io.sluice.bench;

import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.MysqlServer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Sluice against MySQL's own replication, side by side in one run on this machine: a real MySQL 8.0.31 source,
 * a native replica's receiver, Sluice on one in-JVM Kafka broker and on three with replication factor 3. Prints
 * every figure beside its direct-MySQL counterpart and, with {@code --docs FILE}, writes the table into that file
 * between the markers {@value #BEGIN} and {@value #END}.
 *
 * <p>{@code --short} (seconds, small data) runs in the test suite so that the command cannot rot; {@code --full}
 * (a binlog of more than 1 GB, 100 readers, a 1 GB transaction) runs by hand. See docs/benchmarks.md.
 */
public final class Bench {
    static final String BEGIN = "<!-- bench:begin -->";
    static final String END = "<!-- bench:end -->";
    private static final double MB = 1e6;

    /** How much of everything a run does. */
    public record Settings(String name, long binlogBytes, long largeTxnBytes, long largeEvery, int commitRate,
                           Duration latencyFor, int[] readers, long fanOutBytes, long bigTxnBytes) {
        static final Settings SHORT = new Settings("short", 24L << 20, 2L << 20, 8L << 20, 200,
                Duration.ofSeconds(3), new int[] {1, 4}, 0, 32L << 20);
        static final Settings FULL = new Settings("full", 1100L << 20, 40L << 20, 200L << 20, 2000,
                Duration.ofSeconds(10), new int[] {1, 10, 50, 100}, 160L << 20, 1L << 30);

        Settings withReaders(int[] counts) {
            return new Settings(name, binlogBytes, largeTxnBytes, largeEvery, commitRate, latencyFor, counts,
                    fanOutBytes, bigTxnBytes);
        }

        Settings withCommitRate(int rate) {
            return new Settings(name, binlogBytes, largeTxnBytes, largeEvery, rate, latencyFor, readers,
                    fanOutBytes, bigTxnBytes);
        }
    }

    /** One line of the table: a figure, measured directly on MySQL and through Sluice, and how they compare. */
    public record Row(String figure, String mysql, String sluice, String comparison) {
    }

    private final Settings settings;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Bench(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.SHORT;
        Path docs = null;
        String part = null;
        int partBrokers = 0;
        long mb = 300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> settings = Settings.SHORT;
                case "--full" -> settings = Settings.FULL;
                case "--docs" -> docs = Path.of(args[++i]);
                case "--latency-only", "--ingest-only", "--fanout-only", "--bigtxn-only" -> {
                    part = args[i];
                    partBrokers = Integer.parseInt(args[++i]);
                }
                case "--rate" -> settings = settings.withCommitRate(Integer.parseInt(args[++i]));
                case "--mb" -> mb = Long.parseLong(args[++i]);
                case "--readers" -> settings = settings.withReaders(
                        Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray());
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --short | --full [--docs docs/benchmarks.md], or one part alone for profiling:"
                        + " --latency-only BROKERS [--rate COMMITS_PER_SECOND], --ingest-only BROKERS [--mb BINLOG_MB],"
                        + " --fanout-only BROKERS [--mb BINLOG_MB] [--readers 1,10,...], --bigtxn-only BROKERS");
            }
        }
        if (part != null) {
            Bench bench = new Bench(settings);
            bench.runPart(part, partBrokers, mb << 20);
            System.out.println(bench.table());
            System.exit(0);
        }
        Bench bench = new Bench(settings);
        bench.run();
        String table = bench.table();
        System.out.println(table);
        if (docs != null) {
            writeInto(docs, table);
            System.out.println("written into " + docs);
        }
        System.exit(0); // the in-JVM brokers leave non-daemon threads behind
    }

    /** Runs everything and returns the rows. */
    public static List<Row> run(Settings settings, List<String> notesOut) throws Exception {
        Bench bench = new Bench(settings);
        bench.run();
        notesOut.addAll(bench.notes);
        return List.copyOf(bench.rows);
    }

    private void run() throws Exception {
        try (MysqlServer source = MysqlServer.start(4100)) {
            source.createUser(DumpReader.USER, DumpReader.PASSWORD, "caching_sha2_password");
            SourceWorkload workload = new SourceWorkload(source);
            long t0 = System.nanoTime();
            workload.fill(settings.binlogBytes(), settings.largeTxnBytes(), settings.largeEvery());
            long bytes = workload.binlogBytes();
            long txns = workload.lastGno();
            String gtids = source.gtidExecuted();
            log("binlog of %.1f MB, %d transactions written in %.1f s", bytes / MB, txns, secs(System.nanoTime() - t0));
            notes.add(String.format(Locale.ROOT, "binlog: %.0f MB in %d transactions (4 rows of ~800 random bytes"
                    + " each, some range updates, and every %d MB a large transaction of ~%d MB)", bytes / MB,
                    txns, settings.largeEvery() >> 20, settings.largeTxnBytes() >> 20));

            long nativeNanos = nativeReceiver(source, gtids);
            warmUp(source, gtids);
            long one = sluiceIngest(source, gtids, 1);
            rows.add(ingestRow("ingest, 1 in-JVM broker", bytes, txns, nativeNanos, one));
            try (SluiceUnderTest sluice = SluiceUnderTest.start(source, 3, "bench.binlog.rf3")) {
                long three = ingest(sluice, gtids);
                rows.add(ingestRow("ingest, 3 in-JVM brokers RF 3", bytes, txns, nativeNanos, three));
                latency(source, sluice);
                sluice.awaitSyncer(source.gtidExecuted(), Duration.ofMinutes(5));
                fanOut(source, sluice, workload);
                bigTransaction(source, sluice, workload);
            }
        }
    }

    /** One part of the run alone, for profiling: on a small binlog, or one of {@code bytes} for ingest and fan-out. */
    private void runPart(String part, int brokers, long bytes) throws Exception {
        boolean small = part.equals("--latency-only") || part.equals("--bigtxn-only");
        try (MysqlServer source = MysqlServer.start(4100)) {
            source.createUser(DumpReader.USER, DumpReader.PASSWORD, "caching_sha2_password");
            SourceWorkload workload = new SourceWorkload(source);
            if (small) {
                workload.fill(1 << 20, 1 << 20, Long.MAX_VALUE);
            } else {
                workload.fill(bytes, Math.min(settings.largeTxnBytes(), bytes / 8), Math.max(bytes / 4, 1));
            }
            if (part.equals("--ingest-only")) {
                ingestOnly(source, workload, brokers);
                return;
            }
            try (SluiceUnderTest sluice = SluiceUnderTest.start(source, brokers, "bench.binlog.part")) {
                ingest(sluice, source.gtidExecuted());
                switch (part) {
                    case "--latency-only" -> latency(source, sluice);
                    case "--fanout-only" -> fanOut(source, sluice, workload);
                    default -> bigTransaction(source, sluice, workload);
                }
            }
        }
    }

    /** The ingest figure, with the CPU of each thread pool while Sluice ingests. */
    private void ingestOnly(MysqlServer source, SourceWorkload workload, int brokers) throws Exception {
        String gtids = source.gtidExecuted();
        long nativeNanos = nativeReceiver(source, gtids);
        warmUp(source, gtids);
        long sluiceNanos;
        try (SluiceUnderTest sluice = SluiceUnderTest.start(source, brokers, "bench.binlog.rf" + brokers)) {
            Map<String, Long> before = threadCpu();
            long mysqld = Machine.processCpuNanos(source.pid());
            long process = Machine.processCpuNanos();
            sluiceNanos = ingest(sluice, gtids);
            Map<String, Long> after = threadCpu();
            log("CPU during the ingest: %.2f s this JVM, %.2f s mysqld, in %.2f s", secs(Machine.processCpuNanos()
                    - process), secs(Machine.processCpuNanos(source.pid()) - mysqld), secs(sluiceNanos));
            after.replaceAll((name, nanos) -> nanos - before.getOrDefault(name, 0L));
            after.entrySet().stream().filter(e -> e.getValue() >= 10_000_000)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> log("CPU during the ingest: %6.2f s  %s", secs(e.getValue()), e.getKey()));
        }
        rows.add(ingestRow("ingest, " + brokers + " in-JVM broker(s)", workload.binlogBytes(), workload.lastGno(),
                nativeNanos, sluiceNanos));
    }

    /** CPU time of this JVM's live threads, summed by name with the numbers left out (one line per pool). */
    private static Map<String, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos > 0) {
                    cpu.merge(info.getThreadName().replaceAll("[0-9]+", "N"), nanos, Long::sum);
                }
            }
        }
        return cpu;
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.println("BENCH " + String.format(Locale.ROOT, format, args));
    }

    // ---------------------------------------------------------------------------------------------- ingest

    /** A native replica's receiver thread (START REPLICA IO_THREAD) until its Retrieved_Gtid_Set is complete. */
    private static long nativeReceiver(MysqlServer source, String gtids) throws InterruptedException {
        try (MysqlServer replica = MysqlServer.start(4101)) {
            replica.execute("CHANGE REPLICATION SOURCE TO SOURCE_HOST='127.0.0.1', SOURCE_PORT=" + source.port()
                    + ", SOURCE_USER='" + DumpReader.USER + "', SOURCE_PASSWORD='" + DumpReader.PASSWORD
                    + "', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1");
            String want = MysqlServer.normalizeGtids(gtids);
            long t0 = System.nanoTime();
            replica.execute("START REPLICA IO_THREAD");
            while (true) {
                String got = replica.replicaStatus().get("Retrieved_Gtid_Set");
                if (got != null && MysqlServer.normalizeGtids(got).equals(want)) {
                    long nanos = System.nanoTime() - t0;
                    log("native receiver: %.2f s", secs(nanos));
                    return nanos;
                }
                String error = replica.replicaStatus().get("Last_IO_Error");
                if (error != null && !error.isEmpty()) {
                    throw new IllegalStateException("the native replica failed: " + error);
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * One ingest that is not measured: a Sluice node runs for months, so its figures are those of a JVM whose code
     * the JIT has compiled, not of its first seconds (the first ingest of a fresh JVM is about 30% slower).
     */
    private static void warmUp(MysqlServer source, String gtids) throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start(source, 1, "bench.binlog.warm-up")) {
            log("warm-up ingest, not measured: %.2f s", secs(syncAll(sluice, gtids)));
        }
    }

    private static long sluiceIngest(MysqlServer source, String gtids, int brokers) throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start(source, brokers, "bench.binlog.rf" + brokers)) {
            return ingest(sluice, gtids);
        }
    }

    private static long ingest(SluiceUnderTest sluice, String gtids) throws InterruptedException {
        long nanos = syncAll(sluice, gtids);
        log("Sluice ingest (%d broker(s)): %.2f s", sluice.kafka.brokerCount(), secs(nanos));
        return nanos;
    }

    /** Starts the syncer and waits until the topic holds {@code gtids}; the nanoseconds it took. */
    private static long syncAll(SluiceUnderTest sluice, String gtids) throws InterruptedException {
        long t0 = System.nanoTime();
        sluice.syncer.start();
        sluice.awaitSyncer(gtids, Duration.ofMinutes(30));
        return System.nanoTime() - t0;
    }

    private static Row ingestRow(String what, long bytes, long txns, long nativeNanos, long sluiceNanos) {
        return new Row(what + " (MB/s, transactions/s)",
                String.format(Locale.ROOT, "%.0f MB/s, %.0f tx/s", bytes / MB / secs(nativeNanos),
                        txns / secs(nativeNanos)),
                String.format(Locale.ROOT, "%.0f MB/s, %.0f tx/s", bytes / MB / secs(sluiceNanos),
                        txns / secs(sluiceNanos)),
                String.format(Locale.ROOT, "%.2f× the native receiver", (double) nativeNanos / sluiceNanos));
    }

    // --------------------------------------------------------------------------------------------- latency

    /**
     * Commits at a fixed rate on the source; a reader on the source and one on Sluice note when each transaction's
     * GTID event arrives. Latency is from the commit being issued to the event's arrival.
     */
    private void latency(MysqlServer source, SluiceUnderTest sluice) throws Exception {
        int total = (int) (settings.commitRate() * settings.latencyFor().toSeconds());
        long base = lastGno(source);
        GtidSet from = GtidSet.parse(source.gtidExecuted());
        long[] issued = new long[total];
        long[] direct = new long[total];
        long[] through = new long[total];
        Arrays.fill(direct, -1);
        Arrays.fill(through, -1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<DumpReader.Result> a = pool.submit(() -> DumpReader.read("127.0.0.1", source.port(), 4201, from,
                    base + total, arrivals(direct, base)));
            Future<DumpReader.Result> b = pool.submit(() -> DumpReader.read("127.0.0.1", sluice.facadePort(), 4202,
                    from, base + total, arrivals(through, base)));
            Thread.sleep(1000); // both dumps started and waiting
            long start = System.nanoTime();
            long period = 1_000_000_000L / settings.commitRate();
            try (Connection c = source.connect();
                 PreparedStatement insert = c.prepareStatement(
                         "INSERT INTO bench.t (k, payload, note) VALUES (?, RANDOM_BYTES(200), 'latency')")) {
                for (int n = 0; n < total; n++) {
                    long due = start + n * period;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    insert.setInt(1, n);
                    issued[n] = System.nanoTime();
                    insert.executeUpdate();
                }
            }
            double achieved = total / secs(System.nanoTime() - start);
            a.get();
            b.get();
            double[] d = latencies(issued, direct);
            double[] s = latencies(issued, through);
            notes.add(String.format(Locale.ROOT, "latency: %d single-row transactions asked at %d/s, %.0f/s achieved"
                    + " by one connection; from the commit being issued to the GTID event's arrival at a reader",
                    total, settings.commitRate(), achieved));
            rows.add(new Row("latency p50 / p99 / max (ms)", format(d), format(s), String.format(Locale.ROOT,
                    "+%.2f ms at p99", s[1] - d[1])));
            log("latency direct %s, through Sluice %s", format(d), format(s));
        } finally {
            pool.shutdownNow();
        }
    }

    private static LongConsumer arrivals(long[] at, long base) {
        return gno -> {
            long i = gno - base - 1;
            if (i >= 0 && i < at.length) {
                at[(int) i] = System.nanoTime();
            }
        };
    }

    /** p50, p99 and max in milliseconds. */
    private static double[] latencies(long[] issued, long[] arrived) {
        double[] ms = new double[issued.length];
        for (int i = 0; i < issued.length; i++) {
            if (arrived[i] < 0) {
                throw new IllegalStateException("transaction " + i + " never arrived");
            }
            ms[i] = (arrived[i] - issued[i]) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[ms.length / 2], ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)],
                ms[ms.length - 1]};
    }

    private static String format(double[] p) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", p[0], p[1], p[2]);
    }

    private static long lastGno(MysqlServer source) {
        String executed = MysqlServer.normalizeGtids(source.gtidExecuted());
        String interval = executed.substring(executed.lastIndexOf(':') + 1);
        return Long.parseLong(interval.substring(interval.indexOf('-') + 1));
    }

    // --------------------------------------------------------------------------------------------- fan-out

    /** N readers streaming the same stretch of binlog at once, from Sluice and from the source. */
    private void fanOut(MysqlServer source, SluiceUnderTest sluice, SourceWorkload workload) throws Exception {
        GtidSet from = GtidSet.EMPTY;
        if (settings.fanOutBytes() > 0) {
            // the readers stream a new file from its beginning: to start by GTID in the middle of a file, mysqld
            // reads that file from its beginning, which would measure where the start falls rather than streaming
            source.execute("FLUSH BINARY LOGS");
            from = GtidSet.parse(source.gtidExecuted());
            long size = workload.binlogBytes();
            workload.fill(size + settings.fanOutBytes(), settings.largeTxnBytes(), size + settings.fanOutBytes() / 2);
            sluice.awaitSyncer(source.gtidExecuted(), Duration.ofMinutes(5));
        }
        // blocking dumps, as replicas ask, read until the source's last transaction
        long last = lastGno(source);
        // not measured: the JIT compiles the dump path first, as in a node that has served replicas for a while
        Run warm = readers(sluice.facadePort(), from, 4, -1, last);
        log("warm-up fan-out, not measured: 4 readers at %.0f MB/s", warm.aggregateMbps());
        for (int readers : settings.readers()) {
            Run viaSluice = readers(sluice.facadePort(), from, readers, -1, last);
            Run direct = readers(source.port(), from, readers, source.pid(), last);
            double gbPerReader = viaSluice.bytesPerReader / 1e9;
            double sluiceCpu = secs(viaSluice.serverCpuNanos) / (readers * gbPerReader);
            double mysqlCpu = secs(direct.serverCpuNanos) / (readers * gbPerReader);
            rows.add(new Row(readers + " reader(s): aggregate MB/s, server CPU s per GB per reader",
                    String.format(Locale.ROOT, "%.0f MB/s, %.2f s", direct.aggregateMbps(), mysqlCpu),
                    String.format(Locale.ROOT, "%.0f MB/s, %.2f s", viaSluice.aggregateMbps(), sluiceCpu),
                    String.format(Locale.ROOT, "%.2f× the throughput, %.2f× the CPU",
                            viaSluice.aggregateMbps() / direct.aggregateMbps(), sluiceCpu / mysqlCpu)));
            log("fan-out %d: direct %.0f MB/s %.2f cpu-s/GB/reader; Sluice %.0f MB/s %.2f cpu-s/GB/reader,"
                    + " live heap peak %d MB (used peak %d MB), RSS peak %d MB", readers,
                    direct.aggregateMbps(), mysqlCpu, viaSluice.aggregateMbps(), sluiceCpu,
                    viaSluice.heapAfterGcPeak >> 20, viaSluice.heapPeak >> 20, viaSluice.rssPeak >> 20);
            if (readers == settings.readers()[settings.readers().length - 1]) {
                rows.add(new Row("memory with " + readers + " readers: live heap, peak / RSS peak (whole JVM)",
                        "—", String.format(Locale.ROOT, "%d MB / %d MB", viaSluice.heapAfterGcPeak >> 20,
                                viaSluice.rssPeak >> 20),
                        String.format(Locale.ROOT, "before the readers: %d MB live heap, %d MB RSS",
                                viaSluice.heapBefore >> 20, viaSluice.rssBefore >> 20)));
            }
        }
        notes.add(String.format(Locale.ROOT, "fan-out: each reader streams %.0f MB of binlog (%s) by GTID with a"
                + " blocking dump, as replicas do, until the source's last transaction; Sluice's CPU is the JVM's"
                + " (brokers, facade) less the readers' own threads, mysqld's comes from /proc", fanOutBytesRead / MB,
                from.isEmpty() ? "the whole binlog" : "a file written for it, from its beginning"));
    }

    private long fanOutBytesRead;

    /** What N readers did together. */
    private record Run(long bytesPerReader, long wallNanos, long serverCpuNanos, int readers, long heapBefore,
                       long rssBefore, long heapPeak, long rssPeak, long heapAfterGcPeak) {
        double aggregateMbps() {
            return readers * (double) bytesPerReader / MB / secs(wallNanos);
        }
    }

    /**
     * Runs {@code n} readers at once against {@code port}. The server's CPU is mysqld's ({@code pid}) or, for
     * Sluice ({@code pid} -1), this process's less the readers' threads.
     */
    private Run readers(int port, GtidSet from, int n, long pid, long untilGno) throws Exception {
        long heapBefore = Machine.heapLiveBytes();
        long rssBefore = Machine.rssBytes();
        AtomicLong heapPeak = new AtomicLong(heapBefore);
        AtomicLong rssPeak = new AtomicLong(rssBefore);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                heapPeak.accumulateAndGet(Machine.heapUsedBytes(), Math::max);
                rssPeak.accumulateAndGet(Machine.rssBytes(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-sampler");
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> new Thread(r, "bench-reader"));
        // a full collection every 5 s (a few per cent of the run) tells the live heap apart from garbage
        try (Machine.LiveHeap afterGc = new Machine.LiveHeap(Duration.ofSeconds(5))) {
            long cpu0 = pid < 0 ? Machine.processCpuNanos() : Machine.processCpuNanos(pid);
            long t0 = System.nanoTime();
            sampler.start();
            List<Future<DumpReader.Result>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long serverId = 5000 + i;
                futures.add(pool.submit(() -> DumpReader.read("127.0.0.1", port, serverId, from, untilGno, null)));
                // replicas do not all log in within the same millisecond; on 2 cores a burst of 100 logins keeps
                // this JVM from answering mysqld's handshake within its connect_timeout (10 s)
                Thread.sleep(20);
            }
            long bytes = -1;
            long readerCpu = 0;
            for (Future<DumpReader.Result> f : futures) {
                DumpReader.Result r = f.get();
                if (bytes >= 0 && r.bytes() != bytes) {
                    throw new IllegalStateException("readers got " + bytes + " and " + r.bytes() + " bytes");
                }
                bytes = r.bytes();
                readerCpu += r.cpuNanos();
            }
            long wall = System.nanoTime() - t0;
            long cpu = pid < 0 ? Machine.processCpuNanos() - cpu0 - readerCpu : Machine.processCpuNanos(pid) - cpu0;
            fanOutBytesRead = bytes;
            return new Run(bytes, wall, cpu, n, heapBefore, rssBefore, heapPeak.get(), rssPeak.get(),
                    Math.max(afterGc.peak(), heapBefore));
        } finally {
            sampler.interrupt();
            sampler.join();
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------- big transaction

    /** One transaction of {@link Settings#bigTxnBytes()}: heap while Sluice ingests it, and while it relays it. */
    private void bigTransaction(MysqlServer source, SluiceUnderTest sluice, SourceWorkload workload)
            throws Exception {
        long heapBefore = Machine.heapLiveBytes();
        long before = workload.binlogBytes();
        try (Connection c = source.connect()) {
            workload.largeTransaction(c, settings.bigTxnBytes());
        }
        long written = workload.binlogBytes() - before;
        GtidSet upTo = GtidSet.parse(source.serverUuid() + ":1-" + (lastGno(source) - 1));
        long ingestPeak;
        try (Machine.LiveHeap afterGc = new Machine.LiveHeap(Duration.ofSeconds(1))) {
            sluice.awaitSyncer(source.gtidExecuted(), Duration.ofMinutes(30));
            ingestPeak = Math.max(afterGc.peak(), heapBefore);
        }
        long relayPeak;
        DumpReader.Result relayed;
        try (Machine.LiveHeap afterGc = new Machine.LiveHeap(Duration.ofSeconds(1))) {
            relayed = DumpReader.read("127.0.0.1", sluice.facadePort(), 4301, upTo, 0, null);
            relayPeak = Math.max(afterGc.peak(), heapBefore);
        }
        rows.add(new Row(String.format(Locale.ROOT, "one %d MB transaction: live heap, peak, while ingested /"
                + " relayed (whole JVM)", settings.bigTxnBytes() >> 20), "—",
                String.format(Locale.ROOT, "%d MB / %d MB", ingestPeak >> 20, relayPeak >> 20),
                String.format(Locale.ROOT, "live heap before: %d MB; %.0f MB of binlog written, %.0f MB relayed",
                        heapBefore >> 20, written / MB, relayed.bytes() / MB)));
        log("big transaction: heap before %d MB, live heap peak ingest %d MB, relay %d MB", heapBefore >> 20,
                ingestPeak >> 20, relayPeak >> 20);
    }

    // ---------------------------------------------------------------------------------------------- output

    private String table() {
        StringBuilder s = new StringBuilder();
        s.append("Run of ").append(LocalDate.now()).append(", mode ").append(settings.name()).append(": ")
                .append(Machine.describe()).append("; MySQL 8.0.31, Kafka ")
                .append(org.apache.kafka.common.utils.AppInfoParser.getVersion()).append(" in-JVM.\n\n");
        s.append("| figure | MySQL directly | through Sluice | Sluice against MySQL |\n|---|---|---|---|\n");
        for (Row r : rows) {
            s.append("| ").append(r.figure()).append(" | ").append(r.mysql()).append(" | ").append(r.sluice())
                    .append(" | ").append(r.comparison()).append(" |\n");
        }
        s.append('\n');
        for (String n : notes) {
            s.append("- ").append(n).append('\n');
        }
        return s.toString();
    }

    /** Replaces what is between the markers in {@code file} (or appends the markers and the table). */
    static void writeInto(Path file, String table) throws Exception {
        String doc = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        String block = BEGIN + "\n" + table + END;
        int a = doc.indexOf(BEGIN);
        int b = doc.indexOf(END);
        if (a >= 0 && b > a) {
            doc = doc.substring(0, a) + block + doc.substring(b + END.length());
        } else {
            doc = doc + (doc.endsWith("\n") ? "\n" : "\n\n") + block + "\n";
        }
        Files.writeString(file, doc, StandardCharsets.UTF_8);
    }
}
