package io.sluice.model.binlog;

/**
 * The 19-byte common header of a binlog event (binlog version 4), little-endian:
 * u32 timestamp, u8 type, u32 server_id, u32 event_size (header + body + checksum), u32 log_pos (end position of
 * the event in its file), u16 flags. See MySQL's {@code libbinlogevents/src/binlog_event.cpp} (Log_event_header).
 */
public record EventHeader(long timestamp, int type, long serverId, long eventLength, long logPos, int flags) {
    /** Size of the v4 common header. */
    public static final int SIZE = 19;
    /** Offset of the event_size field. */
    public static final int LENGTH_OFFSET = 9;
    /** Offset of the log_pos field. */
    public static final int LOG_POS_OFFSET = 13;
    /** Offset of the flags field. */
    public static final int FLAGS_OFFSET = 17;
    /** LOG_EVENT_BINLOG_IN_USE_F: set in a FORMAT_DESCRIPTION while its file is open. */
    public static final int FLAG_BINLOG_IN_USE = 0x0001;
    /** LOG_EVENT_ARTIFICIAL_F: the event was made up by the sender (fake ROTATE), it is not in any file. */
    public static final int FLAG_ARTIFICIAL = 0x0020;

    /**
     * Reads a header at {@code offset}.
     *
     * @throws IllegalArgumentException when fewer than 19 bytes are there or the length is shorter than a header
     */
    public static EventHeader parse(byte[] data, int offset, int available) {
        if (available < SIZE || offset < 0 || offset + SIZE > data.length) {
            throw new IllegalArgumentException("binlog event header needs " + SIZE + " bytes, got " + available);
        }
        EventHeader header = new EventHeader(
                Bytes.u32(data, offset),
                data[offset + 4] & 0xff,
                Bytes.u32(data, offset + 5),
                Bytes.u32(data, offset + LENGTH_OFFSET),
                Bytes.u32(data, offset + LOG_POS_OFFSET),
                Bytes.u16(data, offset + FLAGS_OFFSET));
        if (header.eventLength < SIZE) {
            throw new IllegalArgumentException("binlog event length " + header.eventLength + " is shorter than its header");
        }
        return header;
    }

    /** Whether the sender made this event up (it occupies no place in a file). */
    public boolean artificial() {
        return (flags & FLAG_ARTIFICIAL) != 0;
    }
}
