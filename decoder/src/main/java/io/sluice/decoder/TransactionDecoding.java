package io.sluice.decoder;

import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.rows.RowChange;
import io.sluice.model.rows.RowsDecoder;
import io.sluice.model.rows.RowsDecodingException;
import io.sluice.model.rows.TableMap;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes one source transaction, fed as a byte stream (whole, or part after part of a split transaction): frames
 * its events, remembers its table maps, and hands each row change on with where it came from. Holds at most one
 * event in memory.
 */
final class TransactionDecoding {
    private final WholeEvents framer = new WholeEvents(this::handle);
    private final RowsDecoder rows;
    /** The events inside a compressed transaction carry no checksum of their own (see TransactionPayload). */
    private final RowsDecoder payloadRows = new RowsDecoder(false);
    private final boolean checksum;
    private final ColumnNaming naming;
    private final String gtid;
    private final String file;
    private final Consumer<Envelope.Encoded> out;
    /** The names of each table map of the transaction, worked out once, not once per row. */
    private final Map<TableMap, ColumnNaming.Names> names = new IdentityHashMap<>();
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

    private void handle(byte[] bytes) {
        handle(bytes, checksum, rows);
    }

    private void handle(byte[] bytes, boolean checksum, RowsDecoder rows) {
        EventHeader header = EventHeader.parse(bytes, 0, bytes.length);
        int bodyEnd = bytes.length - (checksum ? 4 : 0);
        switch (header.type()) {
            case EventType.GTID, EventType.ANONYMOUS_GTID -> commitTimeUs =
                    BinlogEvents.originalCommitTimestamp(bytes, checksum);
            case EventType.QUERY -> {
                if (!"BEGIN".equals(BinlogEvents.queryText(bytes, 0, bytes.length, checksum, 6))) {
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
                        ColumnNaming.Names columns = names.computeIfAbsent(change.table(), naming::names);
                        out.accept(Envelope.encode(change, columns, origin));
                    }
                } catch (RowsDecodingException e) {
                    throw new DecoderException("cannot decode the " + EventType.name(header.type()) + " event at "
                            + file + ":" + start + " of transaction " + where() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private String where() {
        return gtid != null ? gtid : "in " + file;
    }
}
