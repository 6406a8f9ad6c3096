package io.sluice.model.consumer;

import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import io.sluice.model.record.TopicFormatException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Finds start points in the binlog topic without scanning it, from its checkpoints (the first record of every Kafka
 * transaction carries {@code sluice.gtids}, the set of every transaction before it, which only grows with the
 * offset): the last checkpoint whose set a GTID set contains (binary search over offsets), and the executed set and
 * FORMAT_DESCRIPTION in effect at any offset (a read of at most one Kafka transaction).
 *
 * <p>It has a consumer of its own, with {@code fetch.max.wait.ms} short: a search seeks a dozen times, and each seek
 * waits for the fetch in flight, which the broker holds for up to that long when it reached the end of the topic.
 * The reader's own consumer keeps the caller's setting, which suits following the tail.
 */
final class StartSearch implements AutoCloseable {
    /** The search consumer's {@code fetch.max.wait.ms}. */
    static final int FETCH_MAX_WAIT_MS = 10;
    /** Short: a range ending in a Kafka transaction marker is only known done once a poll moved past it. */
    private static final Duration POLL = Duration.ofMillis(20);
    private static final int FIRST_WINDOW = 256;

    /** Where to start: the offset, and the state of the topic there. */
    record Start(long offset, GtidSet executed, String sourceUuid, String fdeFile, byte[] fde) {
    }

    private record Checkpoint(long offset, RecordMeta meta) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final Duration timeout;
    private final long deadline;

    /** @param config the reader's Kafka configuration (with read_committed); the fetch wait is shortened */
    StartSearch(Map<String, Object> config, TopicPartition partition, Duration timeout) {
        Map<String, Object> own = new HashMap<>(config);
        own.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        this.consumer = new KafkaConsumer<>(own, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
        this.partition = partition;
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    long beginOffset() {
        return consumer.beginningOffsets(List.of(partition), timeout).get(partition);
    }

    long endOffset() {
        return consumer.endOffsets(List.of(partition), timeout).get(partition);
    }

    /** The start at {@code offset}: the executed set and FORMAT_DESCRIPTION there. */
    Start at(long offset, long begin, long end) {
        Checkpoint before = checkpointAtOrBefore(offset, begin, end);
        if (before != null) {
            // the checkpoint's set, plus the transactions that end between it and the offset
            GtidSet.Builder seen = GtidSet.builder().addAll(before.meta().checkpoint());
            Start[] state = {new Start(before.offset(), null, before.meta().sourceUuid(), before.meta().file(),
                    before.meta().fde())};
            read(before.offset(), offset, (record, meta) -> {
                if (meta.checkpoint() != null) {
                    seen.addAll(meta.checkpoint());
                    state[0] = new Start(offset, null, meta.sourceUuid(), meta.file(), meta.fde());
                }
                if (meta.kind() == RecordKind.CONTROL && isFormatDescription(record.value())) {
                    state[0] = new Start(offset, null, state[0].sourceUuid(), meta.file(), record.value());
                }
                if (meta.kind() == RecordKind.TRANSACTION && meta.endsUnit() && meta.gtid() != null) {
                    seen.add(meta.gtid());
                }
            });
            return new Start(offset, seen.build(), state[0].sourceUuid(), state[0].fdeFile(), state[0].fde());
        }
        Checkpoint after = checkpointAtOrAfter(offset, end);
        if (after == null) {
            if (end > begin) {
                throw new TopicFormatException("topic " + partition + " holds records from offset " + begin + " to "
                        + end + " but no checkpoint (header " + RecordMeta.H_GTIDS + "): it was not written by "
                        + "Sluice");
            }
            return new Start(offset, GtidSet.EMPTY, null, null, null);
        }
        // before the first checkpoint (the topic's beginning was deleted in the middle of a Kafka transaction): the
        // checkpoint's set less the transactions that start between the offset and it
        GtidSet.Builder ahead = GtidSet.builder();
        read(offset, after.offset(), (record, meta) -> {
            if (meta.startsTransaction() && meta.gtid() != null) {
                ahead.add(meta.gtid());
            }
        });
        GtidSet executed = after.meta().checkpoint().subtract(ahead.build());
        return new Start(offset, executed, after.meta().sourceUuid(), after.meta().file(), after.meta().fde());
    }

    /**
     * The start after {@code gtids}: the last checkpoint whose set {@code gtids} contains, by binary search.
     *
     * @throws PurgedGtidsException when the topic no longer holds transactions {@code gtids} lacks
     */
    Start after(GtidSet gtids, long begin, long end) {
        Checkpoint first = checkpointAtOrAfter(begin, end);
        if (first == null) {
            return at(begin, begin, end);
        }
        Start atBegin = at(begin, begin, end);
        GtidSet purged = atBegin.executed();
        if (!gtids.containsAll(purged)) {
            throw new PurgedGtidsException(partition.topic(), gtids, purged, purged.subtract(gtids));
        }
        if (!gtids.containsAll(first.meta().checkpoint())) {
            return atBegin;
        }
        Checkpoint good = first;
        long lo = first.offset();
        long hi = end;
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            Checkpoint cp = checkpointAtOrAfter(mid, hi);
            if (cp != null && gtids.containsAll(cp.meta().checkpoint())) {
                good = cp;
                lo = cp.offset();
            } else {
                hi = mid;
            }
        }
        return new Start(good.offset(), good.meta().checkpoint(), good.meta().sourceUuid(), good.meta().file(),
                good.meta().fde());
    }

    /** The first checkpoint in {@code [from, limit)}, or {@code null}. */
    private Checkpoint checkpointAtOrAfter(long from, long limit) {
        Checkpoint[] found = {null};
        read(from, limit, (record, meta) -> {
            if (meta.checkpoint() != null) {
                found[0] = new Checkpoint(record.offset(), meta);
            }
        }, () -> found[0] != null);
        return found[0];
    }

    /** The last checkpoint in {@code [begin, offset]}, read in growing windows back from {@code offset}. */
    private Checkpoint checkpointAtOrBefore(long offset, long begin, long end) {
        long limit = Math.min(offset + 1, end);
        long window = FIRST_WINDOW;
        while (true) {
            long from = Math.max(begin, offset - window);
            Checkpoint[] last = {null};
            read(from, limit, (record, meta) -> {
                if (meta.checkpoint() != null) {
                    last[0] = new Checkpoint(record.offset(), meta);
                }
            });
            if (last[0] != null || from == begin) {
                return last[0];
            }
            window *= 4;
        }
    }

    private interface RecordVisitor {
        void visit(ConsumerRecord<byte[], byte[]> record, RecordMeta meta);
    }

    private void read(long from, long limit, RecordVisitor visitor) {
        read(from, limit, visitor, () -> false);
    }

    /** Reads the records in {@code [from, limit)} until {@code done}. */
    private void read(long from, long limit, RecordVisitor visitor, BooleanSupplier done) {
        if (from >= limit) {
            return;
        }
        consumer.seek(partition, from);
        while (consumer.position(partition) < limit) {
            if (System.nanoTime() > deadline) {
                throw new BinlogConsumerException("timed out after " + timeout + " looking for a start point in "
                        + partition + " (BinlogTopicConsumer.Options.searchTimeout)");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= limit) {
                    return;
                }
                visitor.visit(record, meta(record));
                if (done.getAsBoolean()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
    }

    static RecordMeta meta(ConsumerRecord<byte[], byte[]> record) {
        try {
            return RecordMeta.decode(key -> {
                Header h = record.headers().lastHeader(key);
                return h == null ? null : h.value();
            });
        } catch (TopicFormatException e) {
            throw new TopicFormatException("record at offset " + record.offset() + " of " + record.topic() + "-"
                    + record.partition() + ": " + e.getMessage(), e);
        }
    }

    private static boolean isFormatDescription(byte[] value) {
        return value != null && value.length >= EventHeader.SIZE
                && BinlogEvents.type(value, 0) == EventType.FORMAT_DESCRIPTION;
    }
}
