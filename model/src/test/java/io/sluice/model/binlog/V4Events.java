package io.sluice.model.binlog;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Builds binlog v4 events for tests, independently of the code under test: the 19-byte common header (u32
 * timestamp, u8 type, u32 server_id, u32 event_size, u32 log_pos, u16 flags, little-endian), the body, and when
 * asked the zlib CRC32 of everything before it, little-endian.
 */
public final class V4Events {
    private static final HexFormat HEX = HexFormat.of();

    private V4Events() {
    }

    /** Bytes from hex pieces; spaces are ignored, so a vector can be laid out one field per line. */
    public static byte[] hex(String... pieces) {
        return HEX.parseHex(String.join("", pieces).replace(" ", ""));
    }

    public static String toHex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** An event from server 1 with timestamp 0, log_pos 0 and no flags. */
    public static byte[] event(int type, byte[] body, boolean crc) {
        return event(0, type, 1, 0, 0, body, crc);
    }

    public static byte[] event(long timestamp, int type, long serverId, long logPos, int flags, byte[] body,
                               boolean crc) {
        int length = 19 + body.length + (crc ? 4 : 0);
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) timestamp).put((byte) type).putInt((int) serverId).putInt(length).putInt((int) logPos)
                .putShort((short) flags).put(body);
        if (crc) {
            CRC32 c = new CRC32();
            c.update(b.array(), 0, length - 4);
            b.putInt((int) c.getValue());
        }
        return b.array();
    }

    /**
     * A QUERY event (type 2): post-header u32 thread_id 8, u32 exec_time 0, u8 db length, u16 error_code 0,
     * u16 status-vars length; status vars Q_FLAGS2_CODE (0) = 0 and Q_CATALOG_NZ_CODE (6) = "std"; db, NUL,
     * statement.
     */
    public static byte[] query(String db, String statement, boolean crc) {
        byte[] dbBytes = db.getBytes(StandardCharsets.UTF_8);
        byte[] status = hex("00 00000000", "06 03 737464");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteBuffer post = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        post.putInt(8).putInt(0).put((byte) dbBytes.length).putShort((short) 0).putShort((short) status.length);
        body.writeBytes(post.array());
        body.writeBytes(status);
        body.writeBytes(dbBytes);
        body.write(0);
        body.writeBytes(statement.getBytes(StandardCharsets.UTF_8));
        return event(EventType.QUERY, body.toByteArray(), crc);
    }

    public static byte[] query(String statement, boolean crc) {
        return query("test", statement, crc);
    }

    /**
     * A GTID event (type 33) with the 42-byte post-header of MySQL 8.0: u8 flags, 16-byte SID, u64 gno, u8
     * lt_type 2, u64 last_committed, u64 sequence_number; the body after it is left out (readers skip it).
     */
    public static byte[] gtid(UUID sid, long gno, boolean crc) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put((byte) 0).putLong(sid.getMostSignificantBits()).putLong(sid.getLeastSignificantBits());
        b.order(ByteOrder.LITTLE_ENDIAN).putLong(gno).put((byte) 2).putLong(0).putLong(1);
        return event(EventType.GTID, b.array(), crc);
    }

    /** Events back to back. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
