package io.sluice.bench.jmh;

import io.sluice.kafka.binlog.Records;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A record's metadata to Kafka headers ({@link Records#headers}, what the syncer writes) and back
 * ({@link Records#meta}, what every reader of the topic does per record), for the two kinds of records: a plain
 * transaction, and the first record of a Kafka transaction, which carries a checkpoint (the source's GTID set of 20
 * UUIDs, the FORMAT_DESCRIPTION event, the source's UUID). Encoding a checkpoint includes the
 * {@link GtidSet#with} of the transaction's GTID the syncer does first (a fresh set, whose text is not cached yet).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordMetaBench {
    private static final String FILE = "binlog.000042";

    private RecordMeta transaction;
    private GtidSet committed;
    private Gtid gtid;
    private byte[] fde;
    private String source;
    private ConsumerRecord<byte[], byte[]> transactionRecord;
    private ConsumerRecord<byte[], byte[]> checkpointRecord;

    @Setup
    public void setUp() {
        UUID[] uuids = BinlogData.uuids(20, 31);
        Random rnd = new Random(32);
        GtidSet.Builder b = GtidSet.builder();
        for (UUID u : uuids) {
            long end = 1_000_000 + rnd.nextInt(50_000_000);
            long gap = 2 + rnd.nextInt(500_000);
            b.add(u, 1, gap - 1).add(u, gap + 1, end);
        }
        committed = b.build();
        gtid = new Gtid(uuids[3], committed.intervals(uuids[3]).get(1).end() + 1);
        fde = BinlogData.event(rnd, EventType.FORMAT_DESCRIPTION, 121, 4);
        source = uuids[3].toString();
        transaction = RecordMeta.transaction(FILE, 734_003_117L, gtid);
        RecordMeta withCheckpoint = transaction.withCheckpoint(committed.with(gtid), fde, source);
        transactionRecord = record(Records.headers(transaction));
        checkpointRecord = record(Records.headers(withCheckpoint));
        if (!Records.meta(checkpointRecord).equals(withCheckpoint)
                || !Records.meta(transactionRecord).equals(transaction)) {
            throw new IllegalStateException("headers do not read back");
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(RecordHeaders headers) {
        return new ConsumerRecord<>("binlog", 0, 1_234_567L, 1_700_000_000_000L, TimestampType.CREATE_TIME, 0, 4096,
                null, new byte[0], headers, Optional.empty());
    }

    @Benchmark
    public RecordHeaders encodeTransaction() {
        return Records.headers(transaction);
    }

    @Benchmark
    public RecordMeta decodeTransaction() {
        return Records.meta(transactionRecord);
    }

    @Benchmark
    public RecordHeaders encodeCheckpoint() {
        return Records.headers(transaction.withCheckpoint(committed.with(gtid), fde, source));
    }

    @Benchmark
    public RecordMeta decodeCheckpoint() {
        return Records.meta(checkpointRecord);
    }
}
