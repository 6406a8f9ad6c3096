package io.sluice.bench;

import io.sluice.ingest.client.SourceClient;
import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.GtidSet;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * A replica's receiver reduced to what the benchmarks measure: it logs in to a MySQL source or to Sluice's facade
 * alike, agrees on CRC32, asks for the binlog by GTID, and reads every event to its end (counting bytes, and
 * telling the GTID number of each transaction as it arrives). Measures the CPU time of its own thread, so the
 * server's share of the process can be told apart when the server runs in the same JVM.
 */
final class DumpReader {
    static final String USER = "repl";
    static final String PASSWORD = "repl-pass";
    private static final int NON_BLOCK = 0x0001;

    /** What one reader did. */
    record Result(long bytes, long events, long nanos, long cpuNanos) {
    }

    private DumpReader() {
    }

    /**
     * Reads from {@code from} until the end of the binlog (a non-blocking dump, ended by EOF), or, when
     * {@code untilGno} is positive, until the transaction with that GTID number has arrived (a blocking dump).
     *
     * @param onGtid told the GTID number of each transaction as its GTID event arrives; may be {@code null}
     */
    static Result read(String host, int port, long serverId, GtidSet from, long untilGno, LongConsumer onGtid)
            throws IOException {
        long cpu0 = threadCpu();
        long t0 = System.nanoTime();
        long bytes = 0;
        long events = 0;
        byte[] head = new byte[EventHeader.SIZE + 26];
        byte[] skip = new byte[64 * 1024];
        try (SourceClient client = SourceClient.connect(host, port, USER, PASSWORD, Duration.ofSeconds(10),
                Duration.ofSeconds(120))) {
            client.execute("SET @source_binlog_checksum = @@global.binlog_checksum,"
                    + " @master_binlog_checksum = @@global.binlog_checksum");
            client.dumpGtid(serverId, from, untilGno > 0 ? 0 : NON_BLOCK);
            while (true) {
                SourceClient.EventPacket event = client.nextEvent();
                if (event == null) {
                    break;
                }
                int n = 0;
                while (n < head.length) {
                    int r = event.read(head, n, head.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
                long length = n;
                int r;
                while ((r = event.read(skip, 0, skip.length)) >= 0) {
                    length += r;
                }
                bytes += length;
                events++;
                if (n >= EventHeader.SIZE + 25 && (head[4] & 0xff) == EventType.GTID) {
                    long gno = Bytes.u64(head, EventHeader.SIZE + 17);
                    if (onGtid != null) {
                        onGtid.accept(gno);
                    }
                    if (untilGno > 0 && gno >= untilGno) {
                        break;
                    }
                }
            }
        }
        return new Result(bytes, events, System.nanoTime() - t0, threadCpu() - cpu0);
    }

    static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
