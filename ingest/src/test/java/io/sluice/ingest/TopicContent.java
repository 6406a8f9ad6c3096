package io.sluice.ingest;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.binlog.Records;
import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.Checksums;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.EventFramer;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a binlog topic holds, read from its beginning with {@code read_committed} and checked event by event: every
 * GTID (and those seen twice), every event's CRC32, control events, files, and the checkpoints with the source they
 * name. For integration tests.
 */
final class TopicContent {
    /** A checkpoint record: where it is, when it was written, and the source the syncer was reading. */
    record Checkpoint(long offset, long timestamp, String sourceUuid, GtidSet before) {
    }

    /** A control event: its type, the server_id in its header, and the source of its Kafka transaction. */
    record Control(long offset, int type, long serverId, String file, String sourceUuid) {
    }

    /** A complete source transaction: its GTID, when its last record was written, and its Kafka transaction's source. */
    record Transaction(long offset, long timestamp, Gtid gtid, String sourceUuid) {
    }

    GtidSet gtids = GtidSet.EMPTY;
    final List<Gtid> duplicates = new ArrayList<>();
    int splitTransactions;
    long largestEvent;
    long events;
    int badChecksums;
    final Set<Integer> controlTypes = new HashSet<>();
    final Set<String> files = new HashSet<>();
    final List<Checkpoint> checkpoints = new ArrayList<>();
    /** The offset of each record whose file is not its predecessor's: where each file after the first begins. */
    final List<Long> fileStarts = new ArrayList<>();
    final List<Control> controls = new ArrayList<>();
    final List<Transaction> transactions = new ArrayList<>();

    static TopicContent read(String bootstrapServers, String topic) {
        TopicContent content = new TopicContent();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClientDefaults.consumer(bootstrapServers, Map.of()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            ByteArrayOutputStream transaction = new ByteArrayOutputStream();
            String source = null;
            String previousFile = null;
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    RecordMeta meta = Records.meta(r);
                    if (meta.checkpoint() != null) {
                        source = meta.sourceUuid();
                        content.checkpoints.add(new Checkpoint(r.offset(), r.timestamp(), source,
                                meta.checkpoint()));
                    }
                    if (previousFile != null && !previousFile.equals(meta.file())) {
                        content.fileStarts.add(r.offset());
                    }
                    previousFile = meta.file();
                    content.files.add(meta.file());
                    if (meta.kind() == RecordKind.CONTROL) {
                        content.onControl(r, meta, source);
                        continue;
                    }
                    transaction.writeBytes(r.value());
                    if (!meta.endsUnit()) {
                        continue;
                    }
                    if (meta.part() > 0) {
                        content.splitTransactions++;
                    }
                    for (byte[] event : EventFramer.split(transaction.toByteArray())) {
                        content.checkEvent(event);
                    }
                    transaction.reset();
                    if (content.gtids.contains(meta.gtid())) {
                        content.duplicates.add(meta.gtid());
                    }
                    content.gtids = content.gtids.with(meta.gtid());
                    content.transactions.add(new Transaction(r.offset(), r.timestamp(), meta.gtid(), source));
                }
            }
        }
        return content;
    }

    private void onControl(ConsumerRecord<byte[], byte[]> r, RecordMeta meta, String source) {
        int type = BinlogEvents.type(r.value(), 0);
        controlTypes.add(type);
        controls.add(new Control(r.offset(), type, Bytes.u32(r.value(), 5), meta.file(), source));
        checkEvent(r.value());
    }

    private void checkEvent(byte[] event) {
        events++;
        largestEvent = Math.max(largestEvent, event.length);
        if (!Checksums.verify(event, 0, event.length)) {
            badChecksums++;
        }
    }

    /** The first complete transaction written while reading the source {@code uuid}, or {@code null}. */
    Transaction firstTransactionFrom(String uuid) {
        return transactions.stream().filter(t -> uuid.equalsIgnoreCase(t.sourceUuid())).findFirst().orElse(null);
    }

    /** The first checkpoint naming the source {@code uuid}, or {@code null}. */
    Checkpoint firstCheckpointFrom(String uuid) {
        return checkpoints.stream().filter(c -> uuid.equalsIgnoreCase(c.sourceUuid())).findFirst().orElse(null);
    }

    /** The GTIDs of the complete transactions below {@code offset}. */
    GtidSet gtidsBefore(long offset) {
        GtidSet.Builder b = GtidSet.builder();
        transactions.stream().filter(t -> t.offset() < offset).forEach(t -> b.add(t.gtid()));
        return b.build();
    }

    /** The sources named by checkpoints, in order of first appearance. */
    List<String> sources() {
        return checkpoints.stream().map(Checkpoint::sourceUuid).distinct().toList();
    }

    @Override
    public String toString() {
        return "TopicContent[" + transactions.size() + " transactions, " + controls.size() + " control events, "
                + checkpoints.size() + " checkpoints, gtids=" + gtids + ", duplicates=" + duplicates
                + ", badChecksums=" + badChecksums + ", sources=" + sources() + "]";
    }
}
