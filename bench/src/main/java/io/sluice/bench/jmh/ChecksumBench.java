package io.sluice.bench.jmh;

import io.sluice.model.binlog.Checksums;
import io.sluice.model.binlog.EventType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/** The syncer's check of every event's CRC32 ({@link Checksums#verify}), for a small and a large rows event. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChecksumBench {
    /** The event's size; MicroBench turns the time per operation into MB/s with it. */
    @Param({"200", "8192"})
    public int bytes;

    private byte[] event;

    @Setup
    public void setUp() {
        event = BinlogData.event(new Random(11), EventType.WRITE_ROWS, bytes, 4);
    }

    @Benchmark
    public boolean verify() {
        if (!Checksums.verify(event, 0, event.length)) {
            throw new IllegalStateException("bad checksum");
        }
        return true;
    }
}
