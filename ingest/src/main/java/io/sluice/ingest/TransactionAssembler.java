package io.sluice.ingest;

import io.sluice.model.gtid.Gtid;
import io.sluice.model.record.RecordMeta;

import java.util.Arrays;

/**
 * Gathers the events of one source transaction into topic records. A transaction that fits in
 * {@code maxRecordBytes} becomes one record; a larger one is cut into parts of that size as its bytes arrive
 * (an event may straddle two parts), so memory stays at one part whatever the size of the transaction or of its
 * events. Not thread-safe.
 */
final class TransactionAssembler {
    private final TopicWriter writer;
    private final byte[] buffer;
    private int fill;
    private int part;
    private boolean active;
    private Gtid gtid;
    private String file;
    /** End position of the last event completed since the last part was written (0 if none). */
    private long completedPos;

    TransactionAssembler(TopicWriter writer, int maxRecordBytes) {
        this.writer = writer;
        this.buffer = new byte[maxRecordBytes];
    }

    boolean active() {
        return active;
    }

    /** Starts a transaction in {@code file}; {@code gtid} is {@code null} for an anonymous one. */
    void begin(Gtid transactionGtid, String binlogFile) {
        active = true;
        gtid = transactionGtid;
        file = binlogFile;
        fill = 0;
        part = 0;
        completedPos = 0;
    }

    /** Appends bytes of the current event; a full buffer is written out as a part first. */
    void append(byte[] data, int offset, int length) {
        int p = offset;
        int left = length;
        while (left > 0) {
            if (fill == buffer.length) {
                writePart(false);
            }
            int n = Math.min(left, buffer.length - fill);
            System.arraycopy(data, p, buffer, fill, n);
            fill += n;
            p += n;
            left -= n;
        }
    }

    /** The current event is complete; it ends at {@code logPos} in the file. */
    void eventEnd(long logPos) {
        completedPos = logPos;
    }

    /** The transaction is complete: writes what is left, as the whole record or as the last part. */
    void end() {
        writePart(true);
        writer.transactionWritten(gtid);
        active = false;
    }

    /** Forgets a transaction that will not complete (the connection broke). */
    void discard() {
        active = false;
        fill = 0;
    }

    private void writePart(boolean last) {
        byte[] value = Arrays.copyOf(buffer, fill);
        RecordMeta meta = last && part == 0
                ? RecordMeta.transaction(file, completedPos, gtid)
                : RecordMeta.transactionPart(file, completedPos, gtid, part, last);
        writer.send(meta, value);
        part++;
        fill = 0;
        completedPos = 0;
    }
}
