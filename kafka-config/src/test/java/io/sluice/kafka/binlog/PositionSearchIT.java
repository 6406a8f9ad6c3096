package io.sluice.kafka.binlog;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordMeta;
import io.sluice.testkit.KafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BinlogTopicReader#positionStart} against a real broker, on topics laid out as the syncer writes them:
 * Kafka transactions (whose commit markers take offsets of their own) starting with a checkpoint, a rotation, a
 * split transaction, and a source failover after which file names start again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PositionSearchIT {
    private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final String B = "4f22ab58-71ca-11e1-9e33-c80aa9429562";
    private static final String ONE = "binlog.000001";
    private static final String TWO = "binlog.000002";
    private static KafkaCluster kafka;
    /** Offsets of the records of source A, by name. */
    private static final Map<String, Long> at = new java.util.HashMap<>();
    private static long endOfA;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaCluster.start(1);
        for (String topic : List.of("positions.a", "positions.ab")) {
            try (Admin admin = kafka.admin()) {
                TopicManager.createOrVerify(admin, TopicSpec.embedded(topic));
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "writer-" + topic,
                            TopicSpec.embedded(topic), Map.of()))) {
                producer.initTransactions();
                writeSourceA(producer, topic);
                if (topic.equals("positions.ab")) {
                    writeSourceB(producer, topic);
                }
            }
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            endOfA = new BinlogTopicReader(c, "positions.a", Duration.ofSeconds(30)).endOffset();
        }
    }

    private static void writeSourceA(KafkaProducer<byte[], byte[]> p, String topic) throws Exception {
        boolean record = topic.equals("positions.a");
        List<Object[]> txn = new ArrayList<>();
        // binlog.000001: FDE 4-126, PREVIOUS_GTIDS 126-197, transactions 197-500, 500-800, 800-1000, ROTATE
        txn.add(control("fde1", ONE, EventType.FORMAT_DESCRIPTION, 4, 126));
        txn.add(control("prev1", ONE, EventType.PREVIOUS_GTIDS, 126, 197));
        txn.add(whole("t1", ONE, 197, 500));
        commit(p, topic, txn, A, record);
        txn.add(whole("t2", ONE, 500, 800));
        txn.add(whole("t3", ONE, 800, 1000));
        commit(p, topic, txn, A, record);
        txn.add(control("rotate", ONE, EventType.ROTATE, 1000, 1047));
        txn.add(control("fde2", TWO, EventType.FORMAT_DESCRIPTION, 4, 126));
        txn.add(control("prev2", TWO, EventType.PREVIOUS_GTIDS, 126, 197));
        txn.add(whole("t4", TWO, 197, 400));
        commit(p, topic, txn, A, record);
        // a transaction 400-900 split in three parts; only its last part has an event that ends
        txn.add(new Object[] {"split0", RecordMeta.transactionPart(TWO, 0, null, 0, false), event(33, 400, 479, 120)});
        txn.add(new Object[] {"split1", RecordMeta.transactionPart(TWO, 0, null, 1, false), new byte[120]});
        txn.add(new Object[] {"split2", RecordMeta.transactionPart(TWO, 900, null, 2, true), new byte[260]});
        commit(p, topic, txn, A, record);
        txn.add(whole("t6", TWO, 900, 1200));
        commit(p, topic, txn, A, record);
    }

    /** After a failover to B, whose files start again at binlog.000001. */
    private static void writeSourceB(KafkaProducer<byte[], byte[]> p, String topic) throws Exception {
        List<Object[]> txn = new ArrayList<>();
        txn.add(control("b.fde1", ONE, EventType.FORMAT_DESCRIPTION, 4, 126));
        txn.add(control("b.prev1", ONE, EventType.PREVIOUS_GTIDS, 126, 197));
        txn.add(whole("b.t1", ONE, 197, 300));
        commit(p, topic, txn, B, true);
        txn.add(whole("b.t2", ONE, 300, 600));
        commit(p, topic, txn, B, true);
    }

    private static Object[] control(String name, String file, int type, long start, long end) {
        return new Object[] {name, RecordMeta.control(file, end), event(type, start, end, (int) (end - start))};
    }

    private static Object[] whole(String name, String file, long start, long end) {
        return new Object[] {name, RecordMeta.transaction(file, end, null),
                event(EventType.ANONYMOUS_GTID, start, end, (int) (end - start))};
    }

    /** A v4 event header (timestamp, type, server_id, event_size, log_pos, flags) padded to {@code size}. */
    private static byte[] event(int type, long start, long end, int size) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, 19)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).put((byte) type).putInt(1).putInt((int) (end - start)).putInt((int) end).putShort((short) 0);
        return b.array();
    }

    /** Writes the records as one Kafka transaction whose first record is a checkpoint. */
    private static void commit(KafkaProducer<byte[], byte[]> p, String topic, List<Object[]> records, String source,
                               boolean record) throws Exception {
        p.beginTransaction();
        for (int i = 0; i < records.size(); i++) {
            Object[] r = records.get(i);
            RecordMeta meta = (RecordMeta) r[1];
            if (i == 0) {
                meta = meta.withCheckpoint(GtidSet.EMPTY, new byte[] {15}, source);
            }
            long offset = p.send(new ProducerRecord<>(topic, 0, null, null, (byte[]) r[2], Records.headers(meta)))
                    .get().offset();
            if (record) {
                at.putIfAbsent((String) r[0], offset);
            }
        }
        p.commitTransaction();
        records.clear();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()));
    }

    private static BinlogTopicReader.PositionStart find(String topic, String file, long position) {
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            return new BinlogTopicReader(c, topic, Duration.ofSeconds(30)).positionStart(file, position);
        }
    }

    private static BinlogTopicReader.FileStart start(String topic, String file, long position) {
        BinlogTopicReader.PositionStart found = find(topic, file, position);
        assertThat(found).isInstanceOf(BinlogTopicReader.FileStart.class);
        return (BinlogTopicReader.FileStart) found;
    }

    @Test
    void positionFourOrZeroIsTheFormatDescriptionOfTheFile() {
        for (long pos : new long[] {0, 4}) {
            BinlogTopicReader.FileStart s = start("positions.a", ONE, pos);
            assertThat(s.offset()).isEqualTo(at.get("fde1"));
            assertThat(s.fdeAtOffset()).isTrue();
            assertThat(s.position()).isEqualTo(4);
        }
        BinlogTopicReader.FileStart two = start("positions.a", TWO, 4);
        assertThat(two.offset()).isEqualTo(at.get("fde2"));
    }

    @Test
    void aTransactionBoundaryStartsAtTheTransactionThatFollows() {
        assertThat(start("positions.a", ONE, 197).offset()).isEqualTo(at.get("t1"));
        assertThat(start("positions.a", ONE, 500).offset()).isEqualTo(at.get("t2"));
        // inside a Kafka transaction, not at its checkpoint
        BinlogTopicReader.FileStart t3 = start("positions.a", ONE, 800);
        assertThat(t3.offset()).isEqualTo(at.get("t3"));
        assertThat(t3.fde()).containsExactly(15);
        assertThat(t3.fdeAtOffset()).isFalse();
        assertThat(start("positions.a", ONE, 1000).offset()).isEqualTo(at.get("rotate"));
        assertThat(start("positions.a", TWO, 400).offset()).isEqualTo(at.get("split0"));
        assertThat(start("positions.a", TWO, 900).offset()).isEqualTo(at.get("t6"));
    }

    @Test
    void theEndOfAFileGoesOnWithTheNextAndTheEndOfTheTopicWaits() {
        BinlogTopicReader.FileStart endOfOne = start("positions.a", ONE, 1047);
        assertThat(endOfOne.offset()).isEqualTo(at.get("fde2"));
        assertThat(endOfOne.file()).isEqualTo(ONE);
        assertThat(endOfOne.position()).isEqualTo(1047);
        BinlogTopicReader.FileStart caughtUp = start("positions.a", TWO, 1200);
        assertThat(caughtUp.offset()).isEqualTo(endOfA);
        assertThat(caughtUp.position()).isEqualTo(1200);
    }

    @Test
    void aPositionInsideATransactionOrPastTheFileIsRefused() {
        assertThat(find("positions.a", ONE, 600)).isEqualTo(new BinlogTopicReader.BadPosition(ONE, 600, 800, false));
        assertThat(find("positions.a", TWO, 600)).isInstanceOf(BinlogTopicReader.BadPosition.class)
                .extracting("pastEnd").isEqualTo(false);
        assertThat(find("positions.a", ONE, 5000)).isInstanceOf(BinlogTopicReader.BadPosition.class)
                .extracting("pastEnd").isEqualTo(true);
        assertThat(find("positions.a", TWO, 1300)).isInstanceOf(BinlogTopicReader.BadPosition.class)
                .extracting("pastEnd").isEqualTo(true);
    }

    @Test
    void aFileTheTopicDoesNotHoldIsUnknown() {
        assertThat(find("positions.a", "binlog.000003", 4)).isEqualTo(new BinlogTopicReader.UnknownFile(
                "binlog.000003"));
        assertThat(find("positions.a", "binlog.000000", 4)).isInstanceOf(BinlogTopicReader.UnknownFile.class);
        assertThat(find("positions.a", "other.000001", 4)).isInstanceOf(BinlogTopicReader.UnknownFile.class);
    }

    @Test
    void anEmptyFileNameIsTheFirstFile() {
        BinlogTopicReader.FileStart s = start("positions.a", "", 4);
        assertThat(s.offset()).isEqualTo(at.get("fde1"));
        assertThat(s.file()).isEqualTo(ONE);
        assertThat(s.position()).isEqualTo(4);
        BinlogTopicReader.FileStart at500 = start("positions.a", "", 500);
        assertThat(at500.offset()).isEqualTo(at.get("t2"));
        assertThat(at500.file()).isEqualTo(ONE);
    }

    @Test
    void afterAFailoverOnlyTheLatestServersFilesAreSearched() {
        BinlogTopicReader.FileStart fromB = start("positions.ab", ONE, 300);
        assertThat(fromB.offset()).isEqualTo(at.get("b.t2"));
        assertThat(start("positions.ab", ONE, 4).offset()).isEqualTo(at.get("b.fde1"));
        assertThat(start("positions.ab", "", 0).offset()).isEqualTo(at.get("b.fde1"));
        // binlog.000002 was A's: B never wrote it
        assertThat(find("positions.ab", TWO, 400)).isInstanceOf(BinlogTopicReader.UnknownFile.class);
        // A's binlog.000001 at 500 is not a boundary of B's binlog.000001
        assertThat(find("positions.ab", ONE, 500)).isInstanceOf(BinlogTopicReader.BadPosition.class);
    }

    @Test
    void fileNamesCompareByTheirNumber() {
        assertThat(PositionSearch.FILE_ORDER.compare("binlog.000009", "binlog.000010")).isNegative();
        assertThat(PositionSearch.FILE_ORDER.compare("binlog.999999", "binlog.1000000")).isNegative();
        assertThat(PositionSearch.FILE_ORDER.compare("binlog.000010", "binlog.000010")).isZero();
    }
}
