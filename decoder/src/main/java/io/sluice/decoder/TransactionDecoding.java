package io.sluice.decoder;

import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.rows.RowChange;
import io.sluice.model.rows.RowsDecoder;
import io.sluice.model.rows.RowsDecodingException;

import java.util.function.Consumer;

/**
 * Decodes one source transaction, fed as a byte stream (whole, or part after part of a split transaction): frames
 * its events, remembers its table maps, and hands each row change on with where it came from. Holds at most one
 * event in memory.
 */
final class TransactionDecoding {
    /** GTID event body: flags, sid, gno, logical clock type, last_committed, sequence_number. */
    private static final int GTID_TIMESTAMP_OFFSET = 1 + 16 + 8 + 1 + 8 + 8;

    private final WholeEvents framer = new WholeEvents(this::handle);
    private final RowsDecoder rows;
    /** The events inside a compressed transaction carry no checksum of their own (see TransactionPayload). */
    private final RowsDecoder payloadRows = new RowsDecoder(false);
    private final boolean checksum;
    private final ColumnNaming naming;
    private final String gtid;
    private final String file;
    private final Consumer<Envelope.Encoded> out;
    private long commitTimeUs = -1;
    private int row;

    TransactionDecoding(boolean checksum, ColumnNaming naming, String gtid, String file,
                        Consumer<Envelope.Encoded> out) {
        this.rows = new RowsDecoder(checksum);
        this.checksum = checksum;
        this.naming = naming;
        this.gtid = gtid;
        this.file = file;
        this.out = out;
    }

    void feed(byte[] bytes) {
        framer.feed(bytes, 0, bytes.length);
    }

    /** @throws DecoderException when the bytes fed end inside an event */
    void finish() {
        if (!framer.atBoundary()) {
            throw new DecoderException("transaction " + where() + " ends inside an event");
        }
    }

    int rows() {
        return row;
    }

    private void handle(byte[] bytes) {
        handle(bytes, checksum, rows);
    }

    private void handle(byte[] bytes, boolean checksum, RowsDecoder rows) {
        EventHeader header = EventHeader.parse(bytes, 0, bytes.length);
        int bodyEnd = bytes.length - (checksum ? 4 : 0);
        switch (header.type()) {
            case EventType.GTID, EventType.ANONYMOUS_GTID -> commitTimeUs = commitTime(bytes, bodyEnd, header);
            case EventType.QUERY -> {
                if (!isBegin(bytes, bodyEnd)) {
                    naming.schemaChanged();
                }
            }
            case EventType.TRANSACTION_PAYLOAD -> {
                try {
                    TransactionPayload.events(bytes, bodyEnd, inner -> handle(inner, false, payloadRows));
                } catch (DecoderException e) {
                    throw new DecoderException("cannot read the compressed transaction " + where() + " at " + file
                            + ":" + (header.logPos() - header.eventLength()) + ": " + e.getMessage(), e);
                }
            }
            default -> {
                long start = header.logPos() - header.eventLength();
                try {
                    for (RowChange change : rows.accept(bytes)) {
                        if (commitTimeUs < 0) {
                            commitTimeUs = header.timestamp() * 1_000_000L;
                        }
                        Envelope.Origin origin = new Envelope.Origin(gtid, file, start, row++, commitTimeUs);
                        out.accept(Envelope.encode(change, naming.names(change.table()), origin));
                    }
                } catch (RowsDecodingException e) {
                    throw new DecoderException("cannot decode the " + EventType.name(header.type()) + " event at "
                            + file + ":" + start + " of transaction " + where() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * The transaction's original commit time (MySQL 8.0.1+: {@code original_commit_timestamp} of the GTID event,
     * in microseconds; it equals {@code immediate_commit_timestamp} unless bit 55 of the latter says it follows);
     * before 8.0.1, the event's own timestamp in seconds.
     */
    private static long commitTime(byte[] bytes, int bodyEnd, EventHeader header) {
        int p = EventHeader.SIZE + GTID_TIMESTAMP_OFFSET;
        if (p + 7 > bodyEnd) {
            return header.timestamp() * 1_000_000L;
        }
        long immediate = Bytes.u48(bytes, p) | ((long) (bytes[p + 6] & 0xff) << 48);
        if ((immediate & (1L << 55)) != 0 && p + 14 <= bodyEnd) {
            return Bytes.u48(bytes, p + 7) | ((long) (bytes[p + 13] & 0xff) << 48);
        }
        return immediate & ((1L << 55) - 1);
    }

    /** Whether a QUERY event is the {@code BEGIN} of a transaction (anything else may change a schema). */
    private static boolean isBegin(byte[] bytes, int bodyEnd) {
        int p = EventHeader.SIZE;
        if (p + 13 > bodyEnd) {
            return false;
        }
        int dbLength = bytes[p + 8] & 0xff;
        int statusLength = Bytes.u16(bytes, p + 11);
        int query = p + 13 + statusLength + dbLength + 1;
        return bodyEnd - query == 5 && new String(bytes, query, 5, java.nio.charset.StandardCharsets.US_ASCII)
                .equals("BEGIN");
    }

    private String where() {
        return gtid != null ? gtid : "in " + file;
    }
}
