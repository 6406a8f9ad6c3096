package io.sluice.model.binlog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A FORMAT_DESCRIPTION_EVENT (type 15), the first event of every binlog file. Body: u16 binlog_version,
 * char[50] server_version, u32 create_timestamp, u8 common_header_length, then one post-header length per event
 * type, then (MySQL 5.6.1+) one byte of checksum algorithm and four bytes of checksum (or room for it).
 * See MySQL's {@code libbinlogevents/src/control_events.cpp} (Format_description_event).
 *
 * @param bytes the whole event, header to checksum, as the source sent it
 */
public record FormatDescription(byte[] bytes, int binlogVersion, String serverVersion, long createTimestamp,
                                int checksumAlg) {
    private static final int VERSION_OFFSET = EventHeader.SIZE;
    private static final int SERVER_VERSION_OFFSET = VERSION_OFFSET + 2;
    private static final int CREATED_OFFSET = SERVER_VERSION_OFFSET + 50;
    private static final int MIN_LENGTH = CREATED_OFFSET + 4 + 1 + 5;

    public FormatDescription {
        bytes = bytes.clone();
    }

    /** Parses the event; the array is copied. */
    public static FormatDescription parse(byte[] event) {
        EventHeader header = EventHeader.parse(event, 0, event.length);
        if (header.type() != EventType.FORMAT_DESCRIPTION) {
            throw new IllegalArgumentException("not a FORMAT_DESCRIPTION event: " + EventType.name(header.type()));
        }
        if (event.length < MIN_LENGTH || header.eventLength() != event.length) {
            throw new IllegalArgumentException("FORMAT_DESCRIPTION event of " + event.length + " bytes is malformed");
        }
        int end = SERVER_VERSION_OFFSET;
        while (end < SERVER_VERSION_OFFSET + 50 && event[end] != 0) {
            end++;
        }
        String version = new String(event, SERVER_VERSION_OFFSET, end - SERVER_VERSION_OFFSET, StandardCharsets.US_ASCII);
        // The checksum algorithm byte sits right before the 4 bytes of checksum (or their room), as MySQL reads it.
        int alg = event[event.length - Checksums.CRC_LEN - 1] & 0xff;
        return new FormatDescription(event, Bytes.u16(event, VERSION_OFFSET), version,
                Bytes.u32(event, CREATED_OFFSET), alg);
    }

    /** A copy of the event bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether events described by this FORMAT_DESCRIPTION end with a CRC32. */
    public boolean hasCrc32() {
        return checksumAlg == Checksums.ALG_CRC32;
    }

    /**
     * The event as a source sends it to a replica that starts reading somewhere after the start of the file: the
     * "in use" flag cleared, the created timestamp zeroed (the replica must not take it for a server restart)
     * and, when {@code zeroLogPos}, log_pos zeroed (as for a dump by position); the CRC recomputed.
     * See MySQL's {@code sql/rpl_binlog_sender.cc} (Binlog_sender::send_format_description_event).
     */
    public byte[] forReplay(boolean zeroCreated, boolean zeroLogPos) {
        byte[] copy = bytes.clone();
        int flags = Bytes.u16(copy, EventHeader.FLAGS_OFFSET) & ~EventHeader.FLAG_BINLOG_IN_USE;
        Bytes.put16(copy, EventHeader.FLAGS_OFFSET, flags);
        if (zeroCreated) {
            Bytes.put32(copy, CREATED_OFFSET, 0);
        }
        if (zeroLogPos) {
            Bytes.put32(copy, EventHeader.LOG_POS_OFFSET, 0);
        }
        if (hasCrc32()) {
            Checksums.rewrite(copy, 0, copy.length);
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FormatDescription other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "FormatDescription[server " + serverVersion + ", checksum " + Checksums.name(checksumAlg) + "]";
    }
}
