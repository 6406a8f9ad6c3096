package io.sluice.model.binlog;

import java.util.zip.CRC32;

/**
 * Binlog event checksums (binlog_checksum = CRC32 or NONE). The CRC32 is zlib's, over the whole event but its last
 * four bytes, stored little-endian in those four bytes. See MySQL's {@code libbinlogevents} (Log_event_footer).
 */
public final class Checksums {
    /** binlog_checksum=NONE. */
    public static final int ALG_OFF = 0;
    /** binlog_checksum=CRC32. */
    public static final int ALG_CRC32 = 1;
    /** Size of the checksum value. */
    public static final int CRC_LEN = 4;

    private Checksums() {
    }

    /** The CRC32 of {@code length} bytes of {@code data} from {@code offset}. */
    public static long crc32(byte[] data, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, offset, length);
        return crc.getValue();
    }

    /** Whether the CRC32 in the last four bytes of the event at {@code offset} matches its content. */
    public static boolean verify(byte[] event, int offset, int length) {
        if (length < EventHeader.SIZE + CRC_LEN) {
            return false;
        }
        return crc32(event, offset, length - CRC_LEN) == Bytes.u32(event, offset + length - CRC_LEN);
    }

    /** Recomputes the CRC32 in the last four bytes of an event after its content was changed. */
    public static void rewrite(byte[] event, int offset, int length) {
        Bytes.put32(event, offset + length - CRC_LEN, crc32(event, offset, length - CRC_LEN));
    }

    /** The SQL name of a checksum algorithm: {@code CRC32} or {@code NONE}. */
    public static String name(int alg) {
        return alg == ALG_CRC32 ? "CRC32" : "NONE";
    }
}
