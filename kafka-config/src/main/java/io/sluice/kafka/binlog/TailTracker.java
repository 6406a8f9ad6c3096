package io.sluice.kafka.binlog;

import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;

/**
 * Folds records of the binlog topic, in offset order, into the state a {@link TopicTail} reports: the last
 * checkpoint's GTID set plus the transactions after it, the last file and position, the FORMAT_DESCRIPTION in
 * effect and the source's UUID. Shared by the one-off tail read and the follower. Not thread-safe.
 */
final class TailTracker {
    private GtidSet base;
    private GtidSet.Builder after = GtidSet.builder();
    private String file;
    private long position;
    private byte[] fde;
    private String source;

    /** A tracker that has seen nothing: it needs a checkpoint before it can tell the GTID set. */
    TailTracker() {
    }

    /** A tracker that continues from a known tail. */
    TailTracker(TopicTail from) {
        base = from.executed();
        file = from.file();
        position = from.position();
        fde = from.fde();
        source = from.sourceUuid();
    }

    void accept(RecordMeta meta, byte[] value) {
        if (meta.checkpoint() != null) {
            base = meta.checkpoint();
            after = GtidSet.builder();
            fde = meta.fde();
            source = meta.sourceUuid();
        }
        if (meta.kind() == RecordKind.TRANSACTION && meta.gtid() != null && meta.endsUnit()) {
            after.add(meta.gtid());
        }
        if (meta.kind() == RecordKind.CONTROL && value != null && value.length > 4
                && BinlogEvents.type(value, 0) == EventType.FORMAT_DESCRIPTION) {
            fde = value;
        }
        file = meta.file();
        if (meta.endPos() > 0) {
            position = meta.endPos();
        }
    }

    /** Whether a checkpoint (or a known tail) anchors the GTID set. */
    boolean anchored() {
        return base != null;
    }

    /** The state so far, with {@code endOffset} as the offset after it. */
    TopicTail toTail(long endOffset) {
        return new TopicTail(file == null, base.union(after.build()), file, position, fde, source, endOffset);
    }
}
