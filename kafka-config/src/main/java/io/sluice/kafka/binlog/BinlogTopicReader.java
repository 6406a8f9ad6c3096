package io.sluice.kafka.binlog;

import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;

import java.util.UUID;

/**
 * Reads positions out of the binlog topic without scanning it: the tail (for a syncer resuming, and for the
 * GTID set of the topic) and the start point of a replica's GTID set (binary search over checkpoints, which carry
 * the set of every GTID before them and grow with the offset). Uses a consumer that is assigned the topic's only
 * partition and reads with {@code isolation.level=read_committed}; not thread-safe, like the consumer.
 */
public final class BinlogTopicReader {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int FIRST_TAIL_WINDOW = 256;

    private final Consumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final Duration timeout;

    /** @param timeout how long one search may take before it fails */
    public BinlogTopicReader(Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        this.consumer = consumer;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
        consumer.assign(List.of(partition));
    }

    public TopicPartition partition() {
        return partition;
    }

    /** The first offset still in the topic. */
    public long beginOffset() {
        return consumer.beginningOffsets(List.of(partition), timeout).get(partition);
    }

    /** The offset after the last committed record. */
    public long endOffset() {
        return consumer.endOffsets(List.of(partition), timeout).get(partition);
    }

    /**
     * A checkpoint found in the topic: its offset, the record's metadata, and the position in {@code meta.file()}
     * at which the record's first event starts (-1 when unknown).
     */
    public record Checkpoint(long offset, RecordMeta meta, long start) {
        public Checkpoint(long offset, RecordMeta meta) {
            this(offset, meta, -1);
        }

        public GtidSet before() {
            return meta.checkpoint();
        }
    }

    /**
     * Reads the end of the topic: the last checkpoint and everything after it. Reads a window before the end that
     * grows until it holds a checkpoint; every Kafka transaction the syncer commits starts with one.
     */
    public TopicTail tail() {
        long begin = beginOffset();
        long end = endOffset();
        if (end <= begin) {
            return TopicTail.empty(end);
        }
        long window = FIRST_TAIL_WINDOW;
        while (true) {
            long from = Math.max(begin, end - window);
            TopicTail tail = tailFrom(from, end);
            if (tail != null) {
                return tail;
            }
            if (from == begin) {
                throw new IllegalStateException("binlog topic " + partition.topic() + " holds records from offset "
                        + begin + " to " + end + " but no checkpoint: it was not written by Sluice");
            }
            window *= 4;
        }
    }

    private TopicTail tailFrom(long from, long end) {
        consumer.seek(partition, from);
        TailTracker tracker = new TailTracker();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(partition) < end) {
            checkDeadline(deadline, "reading the tail");
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= end) {
                    break;
                }
                tracker.accept(Records.meta(record), record.value());
            }
        }
        return tracker.anchored() ? tracker.toTail(end) : null;
    }

    /** The first checkpoint at or after {@code offset} and before {@code limit}, or {@code null}. */
    public Checkpoint checkpointAtOrAfter(long offset, long limit) {
        consumer.seek(partition, offset);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(partition) < limit) {
            checkDeadline(deadline, "looking for a checkpoint");
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() >= limit) {
                    return null;
                }
                RecordMeta meta = Records.meta(record);
                if (meta.checkpoint() != null) {
                    return new Checkpoint(record.offset(), meta, PositionSearch.startPos(meta, record.value()));
                }
            }
        }
        return null;
    }

    /**
     * The last checkpoint at or before {@code offset} and at or after {@code begin}, or {@code null}: the start of
     * the Kafka transaction that holds {@code offset}. Deleting the records before it leaves a topic that begins
     * with a checkpoint, which every reader needs to know what it holds.
     */
    public Checkpoint checkpointAtOrBefore(long offset, long begin) {
        long window = FIRST_TAIL_WINDOW;
        while (true) {
            long from = Math.max(begin, offset - window);
            Checkpoint last = lastCheckpoint(from, offset + 1);
            if (last != null || from == begin) {
                return last;
            }
            window *= 4;
        }
    }

    /** The last checkpoint in {@code [from, limit)}, read in one pass; {@code null} when there is none. */
    private Checkpoint lastCheckpoint(long from, long limit) {
        consumer.seek(partition, from);
        long deadline = System.nanoTime() + timeout.toNanos();
        Checkpoint last = null;
        while (consumer.position(partition) < limit) {
            checkDeadline(deadline, "looking for a checkpoint");
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= limit) {
                    return last;
                }
                RecordMeta meta = Records.meta(record);
                if (meta.checkpoint() != null) {
                    last = new Checkpoint(record.offset(), meta, PositionSearch.startPos(meta, record.value()));
                }
            }
        }
        return last;
    }

    /** Where a replica with this GTID set starts reading, or why it cannot. */
    public sealed interface StartPoint {
    }

    /** Start at {@code offset} (a checkpoint, or the log start), skipping transactions the replica has. */
    public record StartAt(long offset, RecordMeta checkpoint) implements StartPoint {
    }

    /** The topic no longer holds transactions the replica lacks. */
    public record Purged(GtidSet purged, GtidSet missing) implements StartPoint {
    }

    /** The topic is empty: start at its end and wait. */
    public record EmptyTopic(long offset) implements StartPoint {
    }

    /**
     * Finds where a replica whose executed set is {@code replica} must start: the last checkpoint whose set the
     * replica has, by binary search, so a start costs O(log n) short reads whatever the size of the topic.
     */
    public StartPoint startPoint(GtidSet replica) {
        long begin = beginOffset();
        long end = endOffset();
        Checkpoint first = checkpointAtOrAfter(begin, end);
        if (first == null) {
            return new EmptyTopic(begin);
        }
        GtidSet purged = purgedBefore(begin, first);
        if (!replica.containsAll(purged)) {
            return new Purged(purged, purged.subtract(replica));
        }
        if (!replica.containsAll(first.before())) {
            return new StartAt(begin, first.meta());
        }
        long good = first.offset();
        RecordMeta goodMeta = first.meta();
        long lo = good;
        long hi = end;
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            Checkpoint cp = checkpointAtOrAfter(mid, hi);
            if (cp == null) {
                hi = mid;
            } else if (replica.containsAll(cp.before())) {
                good = cp.offset();
                goodMeta = cp.meta();
                lo = cp.offset();
            } else {
                hi = mid;
            }
        }
        return new StartAt(good, goodMeta);
    }

    /**
     * The GTIDs the topic no longer holds ({@code @@global.gtid_purged} of a source): costs the read of the
     * records before the first checkpoint, at most one Kafka transaction. Empty for an empty topic.
     */
    public GtidSet purged() {
        long begin = beginOffset();
        Checkpoint first = checkpointAtOrAfter(begin, endOffset());
        return first == null ? GtidSet.EMPTY : purgedBefore(begin, first);
    }

    /**
     * The GTIDs no longer in the topic: those before the first checkpoint, less the whole transactions still
     * held between the log start and that checkpoint.
     */
    private GtidSet purgedBefore(long begin, Checkpoint first) {
        if (first.offset() == begin) {
            return first.before();
        }
        GtidSet.Builder held = GtidSet.builder();
        consumer.seek(partition, begin);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean sawStart = false;
        outer:
        while (consumer.position(partition) < first.offset()) {
            checkDeadline(deadline, "reading the log start");
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= first.offset()) {
                    break outer;
                }
                RecordMeta meta = Records.meta(record);
                if (meta.kind() != RecordKind.TRANSACTION || meta.gtid() == null) {
                    continue;
                }
                if (meta.startsTransaction()) {
                    sawStart = true;
                }
                if (meta.endsUnit() && sawStart) {
                    held.add(meta.gtid());
                }
            }
        }
        return first.before().subtract(held.build());
    }

    /** The GTIDs of {@code set} whose UUID is {@code uuid}. */
    public static GtidSet onlyUuid(GtidSet set, String uuid) {
        if (uuid == null) {
            return GtidSet.EMPTY;
        }
        UUID u = UUID.fromString(uuid);
        GtidSet.Builder b = GtidSet.builder();
        for (var interval : set.intervals(u)) {
            b.add(u, interval.start(), interval.end());
        }
        return b.build();
    }

    private void checkDeadline(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out after " + timeout + " " + what + " of " + partition);
        }
    }

    /** Where a dump by file and position starts, or why it cannot. */
    public sealed interface PositionStart {
    }

    /**
     * Start streaming at {@code offset}, whose record starts at {@code position} of {@code file} (or, at the end of
     * a file, the record after it).
     *
     * @param fde         the FORMAT_DESCRIPTION of {@code file}, byte-exact; {@code null} if the topic lacks it
     * @param fdeAtOffset whether the record at {@code offset} is that FORMAT_DESCRIPTION (a start at position 4)
     * @param sourceUuid  the source server that wrote the file ({@code sluice.source.uuid})
     */
    public record FileStart(long offset, String file, long position, byte[] fde, boolean fdeAtOffset,
                            String sourceUuid) implements PositionStart {
    }

    /** The topic does not hold the file (never did, purged, or written from an earlier source server). */
    public record UnknownFile(String file) implements PositionStart {
    }

    /**
     * The topic holds the file but no event starts at the position: it falls inside an event or transaction
     * ({@code pastEnd} false; {@code next} is where the next one starts), or past the end of the file.
     */
    public record BadPosition(String file, long position, long next, boolean pastEnd) implements PositionStart {
    }

    /**
     * Finds where a dump by file and position starts: the first record whose events end after {@code position}
     * in {@code file}, which must be a transaction boundary (or 4 or 0, the start of the file). An empty file name
     * means the first file the topic holds. Searches only the part of the topic written from the latest source
     * server (see {@link PositionSearch}); costs O(log n) short reads and one read forward of at most one Kafka
     * transaction.
     */
    public PositionStart positionStart(String file, long position) {
        return new PositionSearch(consumer, partition, this, timeout).find(file, position);
    }

    /** Positions the consumer for streaming from {@code offset}. */
    public void seek(long offset) {
        consumer.seek(partition, offset);
    }

}
