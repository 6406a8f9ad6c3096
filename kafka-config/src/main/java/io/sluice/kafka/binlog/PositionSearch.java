package io.sluice.kafka.binlog;

import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.EventType;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Comparator;

/**
 * Finds where a dump by file and position (COM_BINLOG_DUMP) starts, without scanning the topic: a binary search
 * over checkpoints for the last one whose first unit starts at or before the requested (file, position), then a
 * short read forward (at most one Kafka transaction, plus a rotation) to the unit that starts exactly there.
 *
 * <p>File names and positions only grow with the offset within what one source server wrote
 * ({@code sluice.source.uuid}); after a source failover they start a new sequence. The search therefore covers
 * only the segment of the topic written from the latest source server: the files of an earlier server are
 * reported as unknown, as MySQL reports a file missing from its index. (A topic whose source went A → B → A has
 * two segments of A's; only the last one is searched, and the search assumes the servers do not repeat.)
 */
final class PositionSearch {
    private static final Duration POLL = Duration.ofMillis(200);

    /** Binlog file names compare by their numeric extension (binlog.000009 before binlog.000010), then as text. */
    static final Comparator<String> FILE_ORDER = Comparator.comparingLong(PositionSearch::sequence)
            .thenComparing(Comparator.naturalOrder());

    private final Consumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final BinlogTopicReader reader;
    private final Duration timeout;
    private final long deadline;
    /** The server whose records are searched: the source of the last checkpoint. */
    private String latest;

    PositionSearch(Consumer<byte[], byte[]> consumer, TopicPartition partition, BinlogTopicReader reader,
                   Duration timeout) {
        this.consumer = consumer;
        this.partition = partition;
        this.reader = reader;
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    static long sequence(String file) {
        int dot = file.lastIndexOf('.');
        if (dot < 0 || dot == file.length() - 1) {
            return -1;
        }
        try {
            return Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The position in its file at which a record's first event starts; -1 when the record starts no event. */
    static long startPos(RecordMeta meta, byte[] value) {
        boolean startsEvent = meta.kind() == RecordKind.CONTROL || meta.startsTransaction();
        if (!startsEvent || value == null || value.length < 19) {
            return -1;
        }
        return BinlogEvents.logPos(value, 0) - BinlogEvents.length(value, 0);
    }

    private int compare(String fileA, long posA, String fileB, long posB) {
        int c = FILE_ORDER.compare(fileA, fileB);
        return c != 0 ? c : Long.compare(posA, posB);
    }

    BinlogTopicReader.PositionStart find(String file, long position) {
        long begin = reader.beginOffset();
        long end = reader.endOffset();
        BinlogTopicReader.Checkpoint first = reader.checkpointAtOrAfter(begin, end);
        if (first == null) {
            return new BinlogTopicReader.UnknownFile(file);
        }
        BinlogTopicReader.Checkpoint segment = segmentStart(first, end);
        long segmentBegin = segment == first ? begin : segment.offset();
        if (file.isEmpty()) {
            // the first file the topic holds (MySQL: the first of its index), at the position asked for
            BinlogTopicReader.PositionStart firstFile = scan(segmentBegin, end, segment, null, 0, segmentBegin);
            if (position <= BinlogEvents.BINLOG_START || !(firstFile instanceof BinlogTopicReader.FileStart fs)) {
                return firstFile;
            }
            return find(fs.file(), position);
        }
        long pos = Math.max(position, BinlogEvents.BINLOG_START);
        // binary search: the last checkpoint of the segment whose record starts at or before (file, pos)
        BinlogTopicReader.Checkpoint from = null;
        long lo = segment.offset();
        long hi = end;
        if (startsAtOrBefore(segment, file, pos)) {
            from = segment;
            while (hi - lo > 1) {
                long mid = lo + (hi - lo) / 2;
                BinlogTopicReader.Checkpoint cp = reader.checkpointAtOrAfter(mid, hi);
                if (cp != null && startsAtOrBefore(cp, file, pos)) {
                    from = cp;
                    lo = cp.offset();
                } else {
                    hi = mid;
                }
            }
        }
        long scanFrom = from == null ? segmentBegin : from.offset();
        return scan(scanFrom, end, from == null ? segment : from, file, pos, segmentBegin);
    }

    private boolean startsAtOrBefore(BinlogTopicReader.Checkpoint cp, String file, long pos) {
        long start = cp.start();
        return compare(cp.meta().file(), start < 0 ? 0 : start, file, pos) <= 0;
    }

    /** The first checkpoint written from the server of the last checkpoint (binary search over source changes). */
    private BinlogTopicReader.Checkpoint segmentStart(BinlogTopicReader.Checkpoint first, long end) {
        if (latest == null) {
            latest = reader.tail().sourceUuid();
        }
        if (latest == null || latest.equals(first.meta().sourceUuid())) {
            return first;
        }
        BinlogTopicReader.Checkpoint found = null;
        long lo = first.offset();
        long hi = end;
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            BinlogTopicReader.Checkpoint cp = reader.checkpointAtOrAfter(mid, hi);
            if (cp == null) {
                hi = mid;
            } else if (latest.equals(cp.meta().sourceUuid())) {
                found = cp;
                hi = mid;
            } else {
                lo = cp.offset();
            }
        }
        if (found == null || found.offset() > lo + 1) {
            BinlogTopicReader.Checkpoint cp = reader.checkpointAtOrAfter(lo + 1, end);
            if (cp != null && latest.equals(cp.meta().sourceUuid())) {
                found = cp;
            }
        }
        return found == null ? first : found;
    }

    /**
     * Reads forward from {@code from} to the unit that starts at (file, pos) — or, when {@code file} is
     * {@code null}, to the first unit — and checks the position is a boundary the topic holds.
     */
    private BinlogTopicReader.PositionStart scan(long from, long end, BinlogTopicReader.Checkpoint checkpoint,
                                                 String file, long pos, long segmentBegin) {
        consumer.seek(partition, from);
        byte[] fde = checkpoint.meta().fde();
        String fdeFile = checkpoint.meta().file();
        byte[] requestedFde = fdeFile.equals(file) ? fde : null;
        String lastFile = null;
        long lastEnd = -1;
        boolean sawFile = false;
        while (consumer.position(partition) < end) {
            checkDeadline();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= end) {
                    break;
                }
                RecordMeta meta = Records.meta(record);
                byte[] value = record.value();
                boolean isFde = meta.kind() == RecordKind.CONTROL && value != null && value.length > 4
                        && BinlogEvents.type(value, 0) == EventType.FORMAT_DESCRIPTION;
                if (isFde) {
                    fde = value;
                    fdeFile = meta.file();
                } else if (meta.checkpoint() != null && meta.fde() != null) {
                    fde = meta.fde();
                    fdeFile = meta.file();
                }
                if (fdeFile.equals(file)) {
                    requestedFde = fde;
                }
                long start = startPos(meta, value);
                if (start >= 0) {
                    if (file == null) {
                        return fileStart(record.offset(), meta.file(), start,
                                meta.file().equals(fdeFile) ? fde : null, isFde);
                    }
                    int c = compare(meta.file(), start, file, pos);
                    if (c == 0) {
                        return fileStart(record.offset(), file, start, requestedFde, isFde);
                    }
                    if (c > 0) {
                        if (!meta.file().equals(file) && sawFile && lastEnd == pos) {
                            // the very end of the file asked for: go on with the next file
                            return fileStart(record.offset(), file, pos, requestedFde, false);
                        }
                        return notAtBoundary(file, pos, meta.file(), start, sawFile,
                                record.offset() == segmentBegin);
                    }
                }
                if (meta.file().equals(file)) {
                    sawFile = true;
                }
                lastFile = meta.file();
                if (meta.endPos() > 0) {
                    lastEnd = meta.endPos();
                }
            }
        }
        // the end of the topic: the request may be exactly where the last unit ended (a replica that is caught up)
        if (file == null || lastFile == null || !sawFile) {
            return new BinlogTopicReader.UnknownFile(file == null ? "" : file);
        }
        if (lastFile.equals(file) && lastEnd == pos) {
            return fileStart(end, file, pos, requestedFde, false);
        }
        return new BinlogTopicReader.BadPosition(file, pos, lastEnd, lastFile.equals(file) && pos > lastEnd
                || !lastFile.equals(file));
    }

    private BinlogTopicReader.FileStart fileStart(long offset, String file, long position, byte[] fde,
                                                  boolean fdeAtOffset) {
        return new BinlogTopicReader.FileStart(offset, file, position, fde, fdeAtOffset, latest);
    }

    /** The first unit past the request: the request falls inside a unit, or names a file or bytes not held. */
    private static BinlogTopicReader.PositionStart notAtBoundary(String file, long pos, String nextFile,
                                                                 long nextStart, boolean sawFile, boolean first) {
        if (!nextFile.equals(file)) {
            // a later file: either the file is unknown, or pos is past its end
            return sawFile ? new BinlogTopicReader.BadPosition(file, pos, -1, true)
                    : new BinlogTopicReader.UnknownFile(file);
        }
        if (first) {
            // the topic holds only the part of the file after nextStart: the bytes asked for are purged
            return new BinlogTopicReader.UnknownFile(file);
        }
        return new BinlogTopicReader.BadPosition(file, pos, nextStart, false);
    }

    private void checkDeadline() {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out after " + timeout + " looking for a position in "
                    + partition);
        }
    }
}
