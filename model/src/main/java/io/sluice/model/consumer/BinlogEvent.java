package io.sluice.model.consumer;

import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventInfo;
import io.sluice.model.binlog.EventType;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One binlog event of a source transaction, byte-exact as the source wrote it: its 19-byte common header, body and
 * (when the file's FORMAT_DESCRIPTION says so) the 4-byte CRC32. The bytes are shared with the other events of the
 * transaction and never change: {@link #buffer()} is a read-only view, {@link #bytes()} a copy.
 */
public final class BinlogEvent {
    private final EventHeader header;
    private final byte[] data;
    private final int offset;
    private final int length;

    BinlogEvent(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        this.header = EventHeader.parse(data, offset, length);
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    /** An event from a copy of {@code event}, which must hold exactly one whole event. */
    public static BinlogEvent of(byte[] event) {
        byte[] copy = event.clone();
        BinlogEvent e = new BinlogEvent(copy, 0, copy.length);
        if (e.header.eventLength() != copy.length) {
            throw new IllegalArgumentException("event header declares " + e.header.eventLength() + " bytes, "
                    + copy.length + " given");
        }
        return e;
    }

    /** The common header (timestamp, type, server_id, event_size, log_pos, flags). */
    public EventHeader header() {
        return header;
    }

    /** The event type code, see {@link EventType}. */
    public int type() {
        return header.type();
    }

    /** MySQL's name of the event type, as {@code SHOW BINLOG EVENTS} prints it (e.g. {@code Write_rows}). */
    public String typeName() {
        return EventInfo.typeName(header.type());
    }

    /** The size of the whole event, header to checksum. */
    public int length() {
        return length;
    }

    /** A read-only view of the whole event, header to checksum. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(data, offset, length).slice().asReadOnlyBuffer();
    }

    /** A copy of the whole event, header to checksum. */
    public byte[] bytes() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinlogEvent e
                && Arrays.equals(data, offset, offset + length, e.data, e.offset, e.offset + e.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + data[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return EventType.name(header.type()) + "[" + length + " bytes, end " + header.logPos() + "]";
    }
}
