package io.sluice.model.binlog;

import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.Lenenc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Readers for the bodies of the control events Sluice acts on, and builders for the events a source makes up for
 * its replicas (fake ROTATE, heartbeats). Follows MySQL's {@code libbinlogevents/src/control_events.cpp},
 * {@code statement_events.cpp} and {@code sql/rpl_binlog_sender.cc}.
 *
 * <p>Every reader takes the whole event (header to checksum) and whether it ends with a CRC32.
 */
public final class BinlogEvents {
    /** Position of the first event of a binlog file, after the 4-byte magic. */
    public static final long BINLOG_START = 4;
    private static final int QUERY_POST_HEADER = 13;

    private BinlogEvents() {
    }

    /** The type byte of the event at {@code offset}. */
    public static int type(byte[] event, int offset) {
        return event[offset + 4] & 0xff;
    }

    /** The declared length of the event at {@code offset}. */
    public static long length(byte[] event, int offset) {
        return Bytes.u32(event, offset + EventHeader.LENGTH_OFFSET);
    }

    /** The log_pos (end position) of the event at {@code offset}. */
    public static long logPos(byte[] event, int offset) {
        return Bytes.u32(event, offset + EventHeader.LOG_POS_OFFSET);
    }

    /** The flags of the event at {@code offset}. */
    public static int flags(byte[] event, int offset) {
        return Bytes.u16(event, offset + EventHeader.FLAGS_OFFSET);
    }

    private static int bodyEnd(byte[] event, boolean crc) {
        int end = event.length - (crc ? Checksums.CRC_LEN : 0);
        if (end < EventHeader.SIZE) {
            throw new IllegalArgumentException("event of " + event.length + " bytes is shorter than its header");
        }
        return end;
    }

    /** A ROTATE event: the next file and the position to read it from. */
    public record Rotate(String file, long position) {
    }

    /** Reads a ROTATE event (type 4): u64 position, then the file name up to the end of the body. */
    public static Rotate rotate(byte[] event, boolean crc) {
        int end = bodyEnd(event, crc);
        if (end < EventHeader.SIZE + 8) {
            throw new IllegalArgumentException("ROTATE event of " + event.length + " bytes is malformed");
        }
        String file = new String(event, EventHeader.SIZE + 8, end - EventHeader.SIZE - 8, StandardCharsets.UTF_8);
        return new Rotate(file, Bytes.u64(event, EventHeader.SIZE));
    }

    /**
     * Reads the GTID of a GTID_LOG_EVENT (type 33): u8 flags, 16 bytes of server UUID, u64 gno, then fields this
     * reader does not need.
     */
    public static Gtid gtid(byte[] event, int offset) {
        if (event.length - offset < EventHeader.SIZE + 25) {
            throw new IllegalArgumentException("GTID event of " + (event.length - offset) + " bytes is malformed");
        }
        int p = offset + EventHeader.SIZE + 1;
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = msb << 8 | (event[p + i] & 0xff);
            lsb = lsb << 8 | (event[p + 8 + i] & 0xff);
        }
        long gno = Bytes.u64(event, p + 16);
        return new Gtid(new UUID(msb, lsb), gno);
    }

    /** Reads the GTID set of a PREVIOUS_GTIDS_LOG_EVENT (type 35), in the binary form of {@link GtidSet#decode}. */
    public static GtidSet previousGtids(byte[] event, boolean crc) {
        int end = bodyEnd(event, crc);
        return GtidSet.decode(event, EventHeader.SIZE, end - EventHeader.SIZE);
    }

    /** GTID event post-header: flags, sid, gno, logical clock type code, last_committed, sequence_number. */
    private static final int GTID_POST_HEADER = 1 + 16 + 8 + 1 + 8 + 8;
    /** Logical clock type code in a GTID event of MySQL 5.7+ ({@code LOGICAL_TIMESTAMP_TYPECODE}). */
    private static final int LOGICAL_TIMESTAMP_TYPECODE = 2;
    private static final int COMMIT_TIMESTAMP_LENGTH = 7;
    private static final long ORIGINAL_FOLLOWS = 1L << 55;

    /**
     * The transaction's {@code original_commit_timestamp} in microseconds since the epoch, from a GTID or
     * ANONYMOUS_GTID event of MySQL 8.0.1+, or -1 when the event has none (older servers). After MySQL's
     * {@code libbinlogevents/src/control_events.cpp} ({@code Gtid_event::Gtid_event}): the commit timestamps follow
     * the post-header when the logical clock is there; bit 55 of the immediate one says the original one follows,
     * else they are equal.
     */
    public static long originalCommitTimestamp(byte[] event, boolean crc) {
        int body = EventHeader.SIZE;
        int end = event.length - (crc ? Checksums.CRC_LEN : 0);
        if (end < body + GTID_POST_HEADER + COMMIT_TIMESTAMP_LENGTH
                || (event[body + 25] & 0xff) != LOGICAL_TIMESTAMP_TYPECODE) {
            return -1;
        }
        int p = body + GTID_POST_HEADER;
        long immediate = Bytes.u48(event, p) | (long) (event[p + 6] & 0xff) << 48;
        if ((immediate & ORIGINAL_FOLLOWS) == 0) {
            return immediate;
        }
        p += COMMIT_TIMESTAMP_LENGTH;
        if (end < p + COMMIT_TIMESTAMP_LENGTH) {
            return -1;
        }
        return Bytes.u48(event, p) | (long) (event[p + 6] & 0xff) << 48;
    }

    /**
     * The statement of a QUERY_EVENT (type 2), or at most {@code max} bytes of it. Post-header: u32 thread id,
     * u32 exec time, u8 db length, u16 error code, u16 status-vars length; then status vars, db, NUL, statement.
     */
    public static String queryText(byte[] event, int offset, int available, boolean crc, int max) {
        int end = offset + available - (crc ? Checksums.CRC_LEN : 0);
        int post = offset + EventHeader.SIZE;
        if (end < post + QUERY_POST_HEADER) {
            throw new IllegalArgumentException("QUERY event of " + available + " bytes is malformed");
        }
        int dbLength = event[post + 8] & 0xff;
        int statusLength = Bytes.u16(event, post + 11);
        int start = post + QUERY_POST_HEADER + statusLength + dbLength + 1;
        if (start > end) {
            throw new IllegalArgumentException("QUERY event of " + available + " bytes is malformed");
        }
        return new String(event, start, Math.min(end - start, max), StandardCharsets.UTF_8);
    }

    private static byte[] event(int type, long serverId, long logPos, int flags, byte[] body, boolean crc) {
        int length = EventHeader.SIZE + body.length + (crc ? Checksums.CRC_LEN : 0);
        byte[] event = new byte[length];
        Bytes.put32(event, 0, 0);
        event[4] = (byte) type;
        Bytes.put32(event, 5, serverId);
        Bytes.put32(event, EventHeader.LENGTH_OFFSET, length);
        Bytes.put32(event, EventHeader.LOG_POS_OFFSET, logPos);
        Bytes.put16(event, EventHeader.FLAGS_OFFSET, flags);
        System.arraycopy(body, 0, event, EventHeader.SIZE, body.length);
        if (crc) {
            Checksums.rewrite(event, 0, length);
        }
        return event;
    }

    /**
     * The fake ROTATE a source sends first on every dump (Binlog_sender::fake_rotate_event): timestamp 0, log_pos
     * 0, flag LOG_EVENT_ARTIFICIAL_F, body u64 position and the file name; CRC32 only when the checksum agreed with
     * the client is CRC32.
     */
    public static byte[] fakeRotate(long serverId, String file, long position, boolean crc) {
        byte[] name = file.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[8 + name.length];
        Bytes.put64(body, 0, position);
        System.arraycopy(name, 0, body, 8, name.length);
        return event(EventType.ROTATE, serverId, 0, EventHeader.FLAG_ARTIFICIAL, body, crc);
    }

    /** A HEARTBEAT_LOG_EVENT (type 27): body is the file name, log_pos the position (32 bits). */
    public static byte[] heartbeatV1(long serverId, String file, long position, boolean crc) {
        return event(EventType.HEARTBEAT, serverId, Math.min(position, 0xFFFFFFFFL), 0,
                file.getBytes(StandardCharsets.UTF_8), crc);
    }

    /**
     * A HEARTBEAT_LOG_EVENT_V2 (type 41, MySQL 8.0.26+): a TLV body of length-encoded integers, field 1 the file
     * name, field 2 the position (itself length-encoded), 0 the end mark.
     */
    public static byte[] heartbeatV2(long serverId, String file, long position, boolean crc) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] name = file.getBytes(StandardCharsets.UTF_8);
        Lenenc.writeInt(body, 1);
        Lenenc.writeInt(body, name.length);
        body.writeBytes(name);
        ByteArrayOutputStream pos = new ByteArrayOutputStream();
        Lenenc.writeInt(pos, position);
        Lenenc.writeInt(body, 2);
        Lenenc.writeInt(body, pos.size());
        body.writeBytes(pos.toByteArray());
        Lenenc.writeInt(body, 0);
        return event(EventType.HEARTBEAT_V2, serverId, 0, 0, body.toByteArray(), crc);
    }

    /** Whether a QUERY statement starts a transaction: {@code BEGIN} or {@code XA START}. */
    static boolean isBegin(String statement) {
        return startsWithWords(statement, "BEGIN") || startsWithWords(statement, "XA", "START");
    }

    /** Whether a QUERY statement ends a transaction: {@code COMMIT}, or {@code ROLLBACK} but not to a savepoint. */
    static boolean isEnd(String statement) {
        return startsWithWords(statement, "COMMIT")
                || startsWithWords(statement, "ROLLBACK") && !startsWithWords(statement, "ROLLBACK", "TO");
    }

    /** Whether {@code s} starts with these words, case-insensitive, separated by white space. */
    private static boolean startsWithWords(String s, String... words) {
        String t = s;
        for (String word : words) {
            t = t.stripLeading();
            if (!t.regionMatches(true, 0, word, 0, word.length())) {
                return false;
            }
            if (t.length() > word.length()) {
                char next = t.charAt(word.length());
                if (Character.isLetterOrDigit(next) || next == '_') {
                    return false;
                }
            }
            t = t.substring(word.length());
        }
        return true;
    }

    /** A short hex dump of at most 64 bytes, for error messages (never at INFO). */
    public static String hex(byte[] data, int offset, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(length, 64); i++) {
            sb.append(String.format("%02x", data[offset + i]));
        }
        return length > 64 ? sb + "…" : sb.toString();
    }
}
