package io.sluice.bench.jmh;

import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@link GtidSet} operations on two kinds of sets.
 *
 * <ul>
 *   <li>Large ({@code *Large}): 50 UUIDs × 1000 intervals (about 0.6 MB of text, 0.8 MB encoded), far more than a
 *       server's {@code gtid_executed} usually holds: a stress case. The "other" large set overlaps every interval
 *       of the first by half, so union and subtract merge everywhere; containsAll checks a subset (every interval
 *       compared).</li>
 *   <li>Realistic: {@code gtid_executed} of a source with 20 UUIDs in its history, each one big interval from 1 to
 *       millions with 3 small gaps; {@code behind} is the same set a few thousand transactions behind on every
 *       UUID (a replica that reconnects). These are what a dump compares and subtracts when a replica connects,
 *       and what the syncer extends ({@link #withNext}) and reads ({@link #containsGtid}) per transaction.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GtidSetBench {
    private static final int LOOKUPS = 1024;

    private String largeText;
    private GtidSet large;
    private GtidSet largeOther;
    private GtidSet largeSubset;
    private byte[] largeEncoded;

    private GtidSet executed;
    private GtidSet behind;
    private Gtid next;
    private Gtid[] lookups;
    private int lookup;

    @Setup
    public void setUp() {
        UUID[] uuids = BinlogData.uuids(50, 21);
        large = BinlogData.striped(uuids, 1000, 100, 1, 50);
        largeOther = BinlogData.striped(uuids, 1000, 100, 26, 50);
        largeText = large.toMysqlString();
        largeSubset = large.intersect(largeOther);
        largeEncoded = large.encode();

        Random rnd = new Random(23);
        UUID[] sources = BinlogData.uuids(20, 22);
        GtidSet.Builder ex = GtidSet.builder();
        GtidSet.Builder be = GtidSet.builder();
        long[] last = new long[sources.length];
        for (int i = 0; i < sources.length; i++) {
            long end = 1_000_000 + rnd.nextInt(50_000_000);
            last[i] = end;
            long from = 1;
            for (int gap = 0; gap < 3; gap++) {
                long at = from + 1 + rnd.nextInt((int) (end / 4));
                ex.add(sources[i], from, at - 1);
                be.add(sources[i], from, at - 1);
                from = at + 1 + rnd.nextInt(5);
            }
            ex.add(sources[i], from, end);
            be.add(sources[i], from, end - 1000 - rnd.nextInt(10_000));
        }
        executed = ex.build();
        behind = be.build();
        next = new Gtid(sources[0], last[0] + 1);
        lookups = new Gtid[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            int s = rnd.nextInt(sources.length);
            lookups[i] = new Gtid(sources[s], 1 + (long) (rnd.nextDouble() * last[s]));
        }
        if (!executed.containsAll(behind) || executed.equals(behind) || !GtidSet.parse(largeText).equals(large)) {
            throw new IllegalStateException("the benchmark's sets are not what they should be");
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public GtidSet parseLarge() {
        return GtidSet.parse(largeText);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String toMysqlStringLarge() {
        return large.toMysqlString();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] encodeLarge() {
        return large.encode();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public GtidSet decodeLarge() {
        return GtidSet.decode(largeEncoded);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public GtidSet unionLarge() {
        return large.union(largeOther);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public GtidSet subtractLarge() {
        return large.subtract(largeOther);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean containsAllLarge() {
        return large.containsAll(largeSubset);
    }

    @Benchmark
    public GtidSet union() {
        return behind.union(executed);
    }

    @Benchmark
    public GtidSet subtract() {
        return executed.subtract(behind);
    }

    @Benchmark
    public boolean containsAll() {
        return executed.containsAll(behind);
    }

    @Benchmark
    public boolean containsGtid() {
        int i = lookup;
        lookup = (i + 1) & (LOOKUPS - 1);
        return executed.contains(lookups[i]);
    }

    @Benchmark
    public GtidSet withNext() {
        return executed.with(next);
    }
}
