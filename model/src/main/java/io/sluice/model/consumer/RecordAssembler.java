package io.sluice.model.consumer;

import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.Checksums;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.FormatDescription;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import io.sluice.model.record.TopicFormatException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns the records of the binlog topic, in offset order, into complete source transactions (format version 1, see
 * {@code docs/topic-format.md}): gathers the parts of a split transaction, skips parts whose part 0 it did not see
 * and transactions of the skip set, keeps the FORMAT_DESCRIPTION in effect and checks each event's CRC32, and
 * tracks the position to resume from. Knows nothing of Kafka but {@link ConsumerRecord}. Not thread-safe.
 */
final class RecordAssembler {
    private final String topic;
    private final long maxTransactionBytes;
    private final Consumer<ControlEvent> controlListener;

    private GtidSet skip = GtidSet.EMPTY;
    private GtidSet executed = GtidSet.EMPTY;
    private long nextOffset;
    private String sourceUuid;
    private String fdeFile;
    private FormatDescription fde;

    /** The transaction being gathered from parts, or {@code null}. */
    private Gathering gathering;

    /** The parts of a split transaction read so far; {@code keep} false when they are skipped, not kept. */
    private static final class Gathering {
        final RecordMeta first;
        final long firstOffset;
        final boolean keep;
        int nextPart;
        byte[] bytes = new byte[0];
        int fill;

        Gathering(RecordMeta first, long firstOffset, boolean keep) {
            this.first = first;
            this.firstOffset = firstOffset;
            this.keep = keep;
        }
    }

    RecordAssembler(String topic, long maxTransactionBytes, Consumer<ControlEvent> controlListener) {
        this.topic = topic;
        this.maxTransactionBytes = maxTransactionBytes;
        this.controlListener = controlListener;
    }

    /**
     * Starts over at {@code offset}, where every transaction before is {@code executed}; transactions of
     * {@code skip} are read but not returned; {@code fdeFile}/{@code fde} is the FORMAT_DESCRIPTION known to be in
     * effect there (both {@code null} when unknown).
     */
    void reset(long offset, GtidSet executed, GtidSet skip, String sourceUuid, String fdeFile, byte[] fde) {
        this.nextOffset = offset;
        this.executed = executed;
        this.skip = skip;
        this.sourceUuid = sourceUuid;
        this.fdeFile = fde == null ? null : fdeFile;
        this.fde = fde == null ? null : formatDescription(fde, offset);
        this.gathering = null;
    }

    ConsumerPosition position() {
        return new ConsumerPosition(nextOffset, executed);
    }

    /** Whether the parts of a split transaction are buffered, waiting for the rest. */
    boolean midTransaction() {
        return gathering != null;
    }

    /**
     * Takes the next record.
     *
     * @return the transaction this record completes, or {@code null} (a part, a control record, a skipped one)
     * @throws TopicFormatException         when the record breaks the topic format (names the offset)
     * @throws TransactionTooLargeException when the transaction exceeds the limit
     */
    SourceTransaction accept(ConsumerRecord<byte[], byte[]> record) {
        RecordMeta meta;
        try {
            meta = RecordMeta.decode(key -> {
                Header h = record.headers().lastHeader(key);
                return h == null ? null : h.value();
            });
        } catch (TopicFormatException e) {
            throw new TopicFormatException(where(record.offset()) + ": " + e.getMessage(), e);
        }
        if (meta.checkpoint() != null) {
            executed = executed.union(meta.checkpoint());
            sourceUuid = meta.sourceUuid();
            if (meta.fde() != null) {
                fde = formatDescription(meta.fde(), record.offset());
                fdeFile = meta.file();
            }
        }
        byte[] value = record.value() == null ? new byte[0] : record.value();
        if (meta.kind() == RecordKind.CONTROL) {
            control(record.offset(), meta, value);
            return null;
        }
        if (meta.part() < 0) {
            expectNoGathering(record.offset(), meta);
            return whole(record.offset(), meta, value);
        }
        return part(record.offset(), meta, value);
    }

    private void control(long offset, RecordMeta meta, byte[] value) {
        expectNoGathering(offset, meta);
        if (value.length < EventHeader.SIZE || Bytes.u32(value, EventHeader.LENGTH_OFFSET) != value.length) {
            throw new TopicFormatException(where(offset) + ": a control record holds exactly one event, but its "
                    + value.length + " bytes do not");
        }
        if (BinlogEvents.type(value, 0) == EventType.FORMAT_DESCRIPTION) {
            fde = formatDescription(value, offset);
            fdeFile = meta.file();
        }
        verify(value, 0, value.length, meta, offset);
        BinlogEvent event = new BinlogEvent(value, 0, value.length);
        nextOffset = offset + 1;
        if (controlListener != null) {
            controlListener.accept(new ControlEvent(offset, meta.file(), event));
        }
    }

    private SourceTransaction whole(long offset, RecordMeta meta, byte[] value) {
        nextOffset = offset + 1;
        if (meta.gtid() != null && skip.contains(meta.gtid())) {
            executed = executed.with(meta.gtid());
            return null;
        }
        if (value.length > maxTransactionBytes) {
            throw tooLarge(offset, meta, value.length);
        }
        return transaction(meta, offset, offset + 1, value, value.length);
    }

    private SourceTransaction part(long offset, RecordMeta meta, byte[] value) {
        if (meta.part() == 0) {
            expectNoGathering(offset, meta);
            boolean keep = meta.gtid() == null || !skip.contains(meta.gtid());
            gathering = new Gathering(meta, offset, keep);
        } else if (gathering == null) {
            // its part 0 is before where this reader started (or was deleted): skip to its last part
            if (meta.lastPart()) {
                nextOffset = offset + 1;
                if (meta.gtid() != null) {
                    executed = executed.with(meta.gtid());
                }
            }
            return null;
        } else if (meta.part() != gathering.nextPart || !Objects.equals(meta.gtid(), gathering.first.gtid())) {
            throw new TopicFormatException(where(offset) + ": expected part " + gathering.nextPart + " of "
                    + name(gathering.first) + " (part 0 at offset " + gathering.firstOffset + "), found " + meta);
        }
        Gathering g = gathering;
        g.nextPart++;
        if (g.keep) {
            long size = (long) g.fill + value.length;
            if (size > maxTransactionBytes) {
                gathering = null;
                throw tooLarge(g.firstOffset, meta, size);
            }
            if (size > g.bytes.length) {
                g.bytes = Arrays.copyOf(g.bytes, (int) Math.min(maxTransactionBytes,
                        Math.min(Integer.MAX_VALUE - 8, Math.max(size, 2L * g.bytes.length))));
            }
            System.arraycopy(value, 0, g.bytes, g.fill, value.length);
            g.fill += value.length;
        }
        if (!meta.lastPart()) {
            return null;
        }
        gathering = null;
        nextOffset = offset + 1;
        if (!g.keep) {
            executed = executed.with(meta.gtid());
            return null;
        }
        return transaction(g.first, g.firstOffset, offset + 1, g.bytes, g.fill);
    }

    private SourceTransaction transaction(RecordMeta meta, long offset, long next, byte[] data, int length) {
        List<BinlogEvent> events = new ArrayList<>();
        int p = 0;
        while (p < length) {
            if (length - p < EventHeader.SIZE) {
                throw new TopicFormatException(where(offset) + ": " + name(meta) + " ends with " + (length - p)
                        + " bytes, less than an event header");
            }
            long size = Bytes.u32(data, p + EventHeader.LENGTH_OFFSET);
            if (size < EventHeader.SIZE || size > length - p) {
                throw new TopicFormatException(where(offset) + ": the event at byte " + p + " of " + name(meta)
                        + " declares " + size + " bytes, " + (length - p) + " are left");
            }
            verify(data, p, (int) size, meta, offset);
            events.add(new BinlogEvent(data, p, (int) size));
            p += (int) size;
        }
        if (events.isEmpty()) {
            throw new TopicFormatException(where(offset) + ": " + name(meta) + " holds no event");
        }
        BinlogEvent first = events.get(0);
        BinlogEvent last = events.get(events.size() - 1);
        if (meta.gtid() != null && first.type() == EventType.GTID) {
            Gtid inEvent = BinlogEvents.gtid(data, 0);
            if (!inEvent.equals(meta.gtid())) {
                throw new TopicFormatException(where(offset) + ": header sluice.gtid is " + meta.gtid()
                        + " but the GTID event says " + inEvent);
            }
        }
        if (meta.gtid() != null) {
            executed = executed.with(meta.gtid());
        }
        long start = first.header().logPos() - first.header().eventLength();
        return new SourceTransaction(meta.gtid(), meta.file(), start, last.header().logPos(), offset, next,
                sourceUuid, commitTimestamp(first, last, crc(meta.file())), events);
    }

    /** The GTID event's original_commit_timestamp (MySQL 8.0.1+), else the last event's header timestamp. */
    private static long commitTimestamp(BinlogEvent first, BinlogEvent last, boolean crc) {
        long fallback = last.header().timestamp() * 1_000_000L;
        if (first.type() != EventType.GTID && first.type() != EventType.ANONYMOUS_GTID) {
            return fallback;
        }
        long original = BinlogEvents.originalCommitTimestamp(first.bytes(), crc);
        return original < 0 ? fallback : original;
    }

    private boolean crc(String file) {
        return fde != null && file.equals(fdeFile) && fde.hasCrc32();
    }

    private void verify(byte[] data, int off, int len, RecordMeta meta, long offset) {
        int type = BinlogEvents.type(data, off);
        boolean check = type == EventType.FORMAT_DESCRIPTION
                ? (data[off + len - Checksums.CRC_LEN - 1] & 0xff) == Checksums.ALG_CRC32
                : crc(meta.file());
        if (check && !Checksums.verify(data, off, len)) {
            throw new TopicFormatException(where(offset) + ": bad CRC32 in the " + EventType.name(type)
                    + " event ending at " + meta.file() + ":" + BinlogEvents.logPos(data, off) + " of "
                    + (meta.kind() == RecordKind.CONTROL ? "a control record" : name(meta)) + ": stored "
                    + Long.toHexString(Bytes.u32(data, off + len - Checksums.CRC_LEN)) + ", computed "
                    + Long.toHexString(Checksums.crc32(data, off, len - Checksums.CRC_LEN)));
        }
    }

    private FormatDescription formatDescription(byte[] event, long offset) {
        try {
            return FormatDescription.parse(event);
        } catch (IllegalArgumentException e) {
            throw new TopicFormatException(where(offset) + ": bad FORMAT_DESCRIPTION: " + e.getMessage(), e);
        }
    }

    private void expectNoGathering(long offset, RecordMeta meta) {
        if (gathering != null) {
            Gathering g = gathering;
            gathering = null;
            throw new TopicFormatException(where(offset) + ": " + name(g.first) + " (part 0 at offset "
                    + g.firstOffset + ") has no part " + g.nextPart + "; found " + meta);
        }
    }

    private TransactionTooLargeException tooLarge(long offset, RecordMeta meta, long size) {
        return new TransactionTooLargeException(name(meta) + " at offset " + offset + " of " + topic + "-0 ("
                + meta.file() + ") has " + size + " bytes or more, above the limit of " + maxTransactionBytes
                + " (BinlogTopicConsumer.Options.maxTransactionBytes)");
    }

    private String where(long offset) {
        return "record at offset " + offset + " of " + topic + "-0";
    }

    private static String name(RecordMeta meta) {
        return meta.gtid() == null ? "the anonymous transaction" : "transaction " + meta.gtid();
    }
}
