package io.sluice.model.consumer;

import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.V4Events;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordMeta;
import io.sluice.model.record.TopicFormatException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The assembly of topic records into source transactions, fed {@link ConsumerRecord}s built here (no Kafka). */
class RecordAssemblerTest {
    private static final String TOPIC = "sluice.binlog";
    private static final String FILE = "binlog.000003";
    private static final UUID SID = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");
    private static final long ORIGINAL_COMMIT_MICROS = 1_700_000_000_123_456L;

    private final List<ControlEvent> controls = new ArrayList<>();

    private RecordAssembler assembler(long max) {
        RecordAssembler a = new RecordAssembler(TOPIC, max, controls::add);
        a.reset(0, GtidSet.EMPTY, GtidSet.EMPTY, null, null, null);
        return a;
    }

    /** A FORMAT_DESCRIPTION of MySQL 8.0 with binlog_checksum CRC32 or NONE (then 4 bytes of room). */
    static byte[] fde(boolean crc) {
        ByteBuffer b = ByteBuffer.allocate(2 + 50 + 4 + 1 + 41 + 1 + (crc ? 0 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 4).put(Arrays.copyOf("8.0.31".getBytes(StandardCharsets.US_ASCII), 50)).putInt(0)
                .put((byte) 19).put(new byte[41]).put((byte) (crc ? 1 : 0));
        return V4Events.event(1_700_000_000L, EventType.FORMAT_DESCRIPTION, 1, 126, 0, b.array(), crc);
    }

    /** A GTID event with original_commit_timestamp (MySQL 8.0.1+) ending at {@code end}. */
    static byte[] gtidEvent(long gno, long end, boolean crc, boolean timestamps) {
        ByteBuffer b = ByteBuffer.allocate(42 + (timestamps ? 14 : 0)).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0);
        b.order(ByteOrder.BIG_ENDIAN).putLong(SID.getMostSignificantBits()).putLong(SID.getLeastSignificantBits());
        b.order(ByteOrder.LITTLE_ENDIAN).putLong(gno).put((byte) 2).putLong(0).putLong(1);
        if (timestamps) {
            long immediate = (ORIGINAL_COMMIT_MICROS + 5) | 1L << 55;
            for (int i = 0; i < 7; i++) {
                b.put((byte) (immediate >>> (8 * i)));
            }
            for (int i = 0; i < 7; i++) {
                b.put((byte) (ORIGINAL_COMMIT_MICROS >>> (8 * i)));
            }
        }
        return V4Events.event(1_700_000_001L, EventType.GTID, 1, end, 0, b.array(), crc);
    }

    /** GTID, QUERY BEGIN, a large QUERY, XID: a transaction of {@code filler} bytes or more, starting at 1000. */
    static List<byte[]> transactionEvents(long gno, int filler, boolean crc) {
        List<byte[]> events = new ArrayList<>();
        long pos = 1000;
        byte[] g = gtidEvent(gno, 0, crc, true);
        pos += g.length;
        events.add(gtidEvent(gno, pos, crc, true));
        for (byte[] body : List.of(queryBody("BEGIN"), queryBody("INSERT INTO t VALUES ('" + "x".repeat(filler)
                + "')"), new byte[8])) {
            int type = body.length == 8 ? EventType.XID : EventType.QUERY;
            pos += 19 + body.length + (crc ? 4 : 0);
            events.add(V4Events.event(1_700_000_002L, type, 1, pos, 0, body, crc));
        }
        return events;
    }

    private static byte[] queryBody(String sql) {
        byte[] q = V4Events.query(sql, false);
        return Arrays.copyOfRange(q, 19, q.length);
    }

    static ConsumerRecord<byte[], byte[]> record(long offset, RecordMeta meta, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        meta.toHeaders().forEach(h -> headers.add(h.key(), h.value()));
        return new ConsumerRecord<>(TOPIC, 0, offset, 0L, TimestampType.CREATE_TIME, 0, value.length, null, value,
                headers, Optional.empty());
    }

    private static RecordMeta checkpointed(RecordMeta meta, GtidSet before, boolean crc) {
        return meta.withCheckpoint(before, fde(crc), SID.toString());
    }

    @Test
    void wholeTransactionWithCheckpoint() {
        RecordAssembler a = assembler(1 << 20);
        List<byte[]> events = transactionEvents(23, 100, true);
        byte[] value = V4Events.concat(events.toArray(byte[][]::new));
        long end = 1000 + value.length;
        GtidSet before = GtidSet.parse(SID + ":1-22");
        SourceTransaction txn = a.accept(record(812, checkpointed(
                RecordMeta.transaction(FILE, end, new Gtid(SID, 23)), before, true), value));

        assertThat(txn.gtid()).isEqualTo(new Gtid(SID, 23));
        assertThat(txn.file()).isEqualTo(FILE);
        assertThat(txn.startPosition()).isEqualTo(1000);
        assertThat(txn.endPosition()).isEqualTo(end);
        assertThat(txn.offset()).isEqualTo(812);
        assertThat(txn.nextOffset()).isEqualTo(813);
        assertThat(txn.sourceUuid()).isEqualTo(SID.toString());
        assertThat(txn.commitTimestampMicros()).isEqualTo(ORIGINAL_COMMIT_MICROS);
        assertThat(txn.events()).extracting(BinlogEvent::type)
                .containsExactly(EventType.GTID, EventType.QUERY, EventType.QUERY, EventType.XID);
        for (int i = 0; i < events.size(); i++) {
            assertThat(txn.events().get(i).bytes()).isEqualTo(events.get(i));
        }
        assertThat(txn.events().get(0).buffer().isReadOnly()).isTrue();
        assertThat(a.position()).isEqualTo(new ConsumerPosition(813, GtidSet.parse(SID + ":1-23")));
    }

    @Test
    void splitTransactionIsReturnedWholeAtItsLastPartWhereverTheCutsFall() {
        List<byte[]> events = transactionEvents(7, 300, true);
        byte[] all = V4Events.concat(events.toArray(byte[][]::new));
        long end = 1000 + all.length;
        for (int cut1 = 1; cut1 < all.length - 1; cut1 += 7) {
            int cut2 = cut1 + (all.length - cut1) / 2;
            RecordAssembler a = assembler(1 << 20);
            Gtid gtid = new Gtid(SID, 7);
            RecordMeta p0 = checkpointed(RecordMeta.transactionPart(FILE, 0, gtid, 0, false),
                    GtidSet.parse(SID + ":1-6"), true);
            assertThat(a.accept(record(10, p0, Arrays.copyOfRange(all, 0, cut1)))).isNull();
            assertThat(a.midTransaction()).isTrue();
            assertThat(a.accept(record(11, RecordMeta.transactionPart(FILE, 0, gtid, 1, false),
                    Arrays.copyOfRange(all, cut1, cut2)))).isNull();
            assertThat(a.position().offset()).isZero();
            SourceTransaction txn = a.accept(record(12, RecordMeta.transactionPart(FILE, end, gtid, 2, true),
                    Arrays.copyOfRange(all, cut2, all.length)));
            assertThat(txn).as("cut at %d and %d", cut1, cut2).isNotNull();
            assertThat(txn.offset()).isEqualTo(10);
            assertThat(txn.nextOffset()).isEqualTo(13);
            assertThat(txn.endPosition()).isEqualTo(end);
            assertThat(txn.events()).hasSize(4);
            assertThat(txn.events().get(2).bytes()).isEqualTo(events.get(2));
            assertThat(a.position()).isEqualTo(new ConsumerPosition(13, GtidSet.parse(SID + ":1-7")));
            assertThat(a.midTransaction()).isFalse();
        }
    }

    @Test
    void partsWhosePartZeroWasNotSeenAreSkipped() {
        RecordAssembler a = assembler(1 << 20);
        byte[] all = V4Events.concat(transactionEvents(7, 300, true).toArray(byte[][]::new));
        Gtid gtid = new Gtid(SID, 7);
        assertThat(a.accept(record(11, RecordMeta.transactionPart(FILE, 0, gtid, 1, false), new byte[10]))).isNull();
        assertThat(a.accept(record(12, RecordMeta.transactionPart(FILE, 5000, gtid, 2, true), new byte[3]))).isNull();
        assertThat(a.position()).isEqualTo(new ConsumerPosition(13, GtidSet.parse(SID + ":7")));
        // the next transaction is read normally
        SourceTransaction next = a.accept(record(13, checkpointed(RecordMeta.transaction(FILE, 1000 + all.length,
                new Gtid(SID, 8)), GtidSet.parse(SID + ":1-7"), true), V4Events.concat(transactionEvents(8, 300, true)
                .toArray(byte[][]::new))));
        assertThat(next.gtid()).isEqualTo(new Gtid(SID, 8));
    }

    @Test
    void transactionsOfTheSkipSetAreNotReturnedButCount() {
        RecordAssembler a = new RecordAssembler(TOPIC, 1 << 20, null);
        a.reset(0, GtidSet.parse(SID + ":1-4"), GtidSet.parse(SID + ":1-5"), SID.toString(), FILE, fde(true));
        byte[] t5 = V4Events.concat(transactionEvents(5, 10, true).toArray(byte[][]::new));
        byte[] t6 = V4Events.concat(transactionEvents(6, 10, true).toArray(byte[][]::new));
        assertThat(a.accept(record(0, RecordMeta.transaction(FILE, 1000 + t5.length, new Gtid(SID, 5)), t5)))
                .isNull();
        assertThat(a.accept(record(1, RecordMeta.transaction(FILE, 1000 + t6.length, new Gtid(SID, 6)), t6))
                .gtid()).isEqualTo(new Gtid(SID, 6));
        assertThat(a.position()).isEqualTo(new ConsumerPosition(2, GtidSet.parse(SID + ":1-6")));
    }

    @Test
    void badChecksumNamesTheOffsetTheEventAndTheTransaction() {
        RecordAssembler a = assembler(1 << 20);
        byte[] value = V4Events.concat(transactionEvents(9, 10, true).toArray(byte[][]::new));
        value[value.length - 10] ^= 1;
        RecordMeta meta = checkpointed(RecordMeta.transaction(FILE, 1000 + value.length, new Gtid(SID, 9)),
                GtidSet.EMPTY, true);
        assertThatThrownBy(() -> a.accept(record(42, meta, value)))
                .isInstanceOf(TopicFormatException.class)
                .hasMessageContaining("offset 42 of sluice.binlog-0")
                .hasMessageContaining("bad CRC32 in the XID event ending at " + FILE + ":" + (1000 + value.length))
                .hasMessageContaining(SID + ":9");
    }

    @Test
    void withoutChecksumsEventsAreNotChecked() {
        RecordAssembler a = assembler(1 << 20);
        assertThat(a.accept(record(0, checkpointed(RecordMeta.control(FILE, 126), GtidSet.EMPTY, false),
                fde(false)))).isNull();
        byte[] value = V4Events.concat(transactionEvents(1, 10, false).toArray(byte[][]::new));
        SourceTransaction txn = a.accept(record(1, RecordMeta.transaction(FILE, 1000 + value.length,
                new Gtid(SID, 1)), value));
        assertThat(txn.events()).hasSize(4);
        assertThat(controls).singleElement().satisfies(c -> {
            assertThat(c.offset()).isZero();
            assertThat(c.event().type()).isEqualTo(EventType.FORMAT_DESCRIPTION);
        });
    }

    @Test
    void otherFormatVersionsAreRefused() {
        RecordAssembler a = assembler(1 << 20);
        ConsumerRecord<byte[], byte[]> r = record(5, RecordMeta.control(FILE, 126), fde(true));
        r.headers().remove(RecordMeta.H_FORMAT);
        r.headers().add(RecordMeta.H_FORMAT, "2".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> a.accept(r)).isInstanceOf(TopicFormatException.class)
                .hasMessageContaining("offset 5").hasMessageContaining("format version '2'");
    }

    @Test
    void transactionsAboveTheLimitAreRefusedWholeOrSplit() {
        byte[] value = V4Events.concat(transactionEvents(3, 2000, true).toArray(byte[][]::new));
        RecordAssembler whole = assembler(1000);
        assertThatThrownBy(() -> whole.accept(record(0, checkpointed(RecordMeta.transaction(FILE, 1, new Gtid(SID, 3)),
                GtidSet.EMPTY, true), value)))
                .isInstanceOf(TransactionTooLargeException.class).hasMessageContaining("limit of 1000")
                .hasMessageContaining(SID + ":3");
        RecordAssembler split = assembler(1000);
        Gtid gtid = new Gtid(SID, 3);
        split.accept(record(0, checkpointed(RecordMeta.transactionPart(FILE, 0, gtid, 0, false), GtidSet.EMPTY, true),
                Arrays.copyOf(value, 800)));
        assertThatThrownBy(() -> split.accept(record(1, RecordMeta.transactionPart(FILE, 0, gtid, 1, false),
                Arrays.copyOfRange(value, 800, 1600))))
                .isInstanceOf(TransactionTooLargeException.class).hasMessageContaining("offset 0");
    }

    @Test
    void aMissingPartIsAFormatError() {
        RecordAssembler a = assembler(1 << 20);
        Gtid gtid = new Gtid(SID, 3);
        a.accept(record(0, checkpointed(RecordMeta.transactionPart(FILE, 0, gtid, 0, false), GtidSet.EMPTY, true),
                new byte[10]));
        assertThatThrownBy(() -> a.accept(record(1, RecordMeta.transactionPart(FILE, 0, gtid, 2, true),
                new byte[10])))
                .isInstanceOf(TopicFormatException.class).hasMessageContaining("expected part 1");
    }

    @Test
    void withoutCommitTimestampsTheLastEventsHeaderTimestampIsUsed() {
        RecordAssembler a = assembler(1 << 20);
        List<byte[]> events = transactionEvents(1, 10, true);
        byte[] plainGtid = gtidEvent(1, 0, true, false);
        events.set(0, plainGtid);
        byte[] value = V4Events.concat(events.toArray(byte[][]::new));
        SourceTransaction txn = a.accept(record(0, checkpointed(RecordMeta.transaction(FILE, 1, new Gtid(SID, 1)),
                GtidSet.EMPTY, true), value));
        assertThat(txn.commitTimestampMicros()).isEqualTo(1_700_000_002L * 1_000_000);
    }
}
