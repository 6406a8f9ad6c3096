package io.sluice.model.record;

import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What travels in the headers of one record of the binlog topic (format version 1, see
 * {@code docs/topic-format.md}). The record value holds the events themselves, byte-exact.
 *
 * @param kind       transaction or control record
 * @param file       the source binlog file the events are in
 * @param endPos     the end position in {@code file} of the last event that ends in this record (0 if none does)
 * @param gtid       the transaction's GTID; {@code null} for control records and anonymous transactions
 * @param part       for a transaction split over several records, the 0-based index of this part; -1 when whole
 * @param lastPart   for a split transaction, whether this is its last part
 * @param checkpoint when not {@code null}, the set of every GTID of the source written to the topic before this
 *                   record (including transactions that were never in the topic because the topic started later)
 * @param fde        with a checkpoint: the FORMAT_DESCRIPTION event in effect for {@code file}, byte-exact
 * @param sourceUuid with a checkpoint: the server_uuid of the source the syncer was reading from
 */
public record RecordMeta(RecordKind kind, String file, long endPos, Gtid gtid, int part, boolean lastPart,
                         GtidSet checkpoint, byte[] fde, String sourceUuid) {
    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    public static final String H_FORMAT = "sluice.format";
    public static final String H_KIND = "sluice.kind";
    public static final String H_FILE = "sluice.file";
    public static final String H_POS = "sluice.pos";
    public static final String H_GTID = "sluice.gtid";
    public static final String H_PART = "sluice.part";
    public static final String H_LAST = "sluice.part.last";
    public static final String H_GTIDS = "sluice.gtids";
    public static final String H_FDE = "sluice.fde";
    public static final String H_SOURCE = "sluice.source.uuid";

    public RecordMeta {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(file, "file");
        if (part < -1) {
            throw new IllegalArgumentException("part " + part);
        }
        fde = fde == null ? null : fde.clone();
    }

    /** A whole transaction. */
    public static RecordMeta transaction(String file, long endPos, Gtid gtid) {
        return new RecordMeta(RecordKind.TRANSACTION, file, endPos, gtid, -1, true, null, null, null);
    }

    /** One part of a transaction split over several records. */
    public static RecordMeta transactionPart(String file, long endPos, Gtid gtid, int part, boolean last) {
        return new RecordMeta(RecordKind.TRANSACTION, file, endPos, gtid, part, last, null, null, null);
    }

    /** A control event. */
    public static RecordMeta control(String file, long endPos) {
        return new RecordMeta(RecordKind.CONTROL, file, endPos, null, -1, true, null, null, null);
    }

    /** This record with a checkpoint attached. */
    public RecordMeta withCheckpoint(GtidSet before, byte[] formatDescription, String source) {
        return new RecordMeta(kind, file, endPos, gtid, part, lastPart, before, formatDescription, source);
    }

    @Override
    public byte[] fde() {
        return fde == null ? null : fde.clone();
    }

    /** Whether this record is a whole transaction or the first part of one. */
    public boolean startsTransaction() {
        return kind == RecordKind.TRANSACTION && part <= 0;
    }

    /** Whether this record ends its transaction (whole, or the last part), or is a control record. */
    public boolean endsUnit() {
        return part == -1 || lastPart;
    }

    /** One header: a key and its bytes. */
    public record Header(String key, byte[] value) {
    }

    /** The headers to write, in a fixed order. */
    public List<Header> toHeaders() {
        List<Header> h = new ArrayList<>(8);
        h.add(text(H_FORMAT, Integer.toString(FORMAT_VERSION)));
        h.add(text(H_KIND, kind.wire()));
        h.add(text(H_FILE, file));
        h.add(text(H_POS, Long.toString(endPos)));
        if (gtid != null) {
            h.add(text(H_GTID, gtid.toString()));
        }
        if (part >= 0) {
            h.add(text(H_PART, Integer.toString(part)));
            h.add(text(H_LAST, Boolean.toString(lastPart)));
        }
        if (checkpoint != null) {
            h.add(text(H_GTIDS, checkpoint.toString()));
            if (fde != null) {
                h.add(new Header(H_FDE, fde.clone()));
            }
            if (sourceUuid != null) {
                h.add(text(H_SOURCE, sourceUuid));
            }
        }
        return h;
    }

    private static Header text(String key, String value) {
        return new Header(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the headers of a record.
     *
     * @param header returns the (last) value of a header key, or {@code null} when absent
     * @throws TopicFormatException when a header is missing or malformed, or the format version is not 1
     */
    public static RecordMeta decode(Function<String, byte[]> header) {
        String format = string(header, H_FORMAT, true);
        if (!Integer.toString(FORMAT_VERSION).equals(format)) {
            throw new TopicFormatException("record format version '" + format + "' is not supported (this reader "
                    + "knows version " + FORMAT_VERSION + ")");
        }
        try {
            RecordKind kind = RecordKind.ofWire(string(header, H_KIND, true));
            String file = string(header, H_FILE, true);
            long pos = Long.parseLong(string(header, H_POS, true));
            String gtidText = string(header, H_GTID, false);
            Gtid gtid = gtidText == null ? null : Gtid.parse(gtidText);
            String partText = string(header, H_PART, false);
            int part = partText == null ? -1 : Integer.parseInt(partText);
            boolean last = partText == null || Boolean.parseBoolean(string(header, H_LAST, true));
            String gtids = string(header, H_GTIDS, false);
            GtidSet checkpoint = gtids == null ? null : GtidSet.parse(gtids);
            byte[] fde = checkpoint == null ? null : header.apply(H_FDE);
            String source = checkpoint == null ? null : string(header, H_SOURCE, false);
            return new RecordMeta(kind, file, pos, gtid, part, last, checkpoint, fde, source);
        } catch (IllegalArgumentException e) {
            throw new TopicFormatException("malformed record headers: " + e.getMessage(), e);
        }
    }

    private static String string(Function<String, byte[]> header, String key, boolean required) {
        byte[] v = header.apply(key);
        if (v == null) {
            if (required) {
                throw new TopicFormatException("record has no header " + key);
            }
            return null;
        }
        return new String(v, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordMeta m && kind == m.kind && file.equals(m.file) && endPos == m.endPos
                && Objects.equals(gtid, m.gtid) && part == m.part && lastPart == m.lastPart
                && Objects.equals(checkpoint, m.checkpoint) && Arrays.equals(fde, m.fde)
                && Objects.equals(sourceUuid, m.sourceUuid);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, file, endPos, gtid, part);
    }

    @Override
    public String toString() {
        return "RecordMeta[" + kind.wire() + " " + file + ":" + endPos + (gtid == null ? "" : " " + gtid)
                + (part >= 0 ? " part " + part + (lastPart ? " (last)" : "") : "")
                + (checkpoint == null ? "" : " checkpoint") + "]";
    }
}
