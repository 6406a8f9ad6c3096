package io.sluice.facade;

import io.sluice.model.protocol.MysqlProtocolException;
import io.sluice.model.protocol.PacketReader;

import java.nio.charset.StandardCharsets;

/**
 * COM_BINLOG_DUMP (0x12): u32 position, u16 flags, u32 server_id, then the file name, the rest of the packet (no
 * length, no NUL; empty for "the first file"). Positions past 4 GiB cannot be asked for this way (MySQL's own
 * limit; COM_BINLOG_DUMP_GTID carries a u64). See MySQL's {@code sql/rpl_source.cc} (com_binlog_dump) and
 * {@code sql/rpl_replica.cc} (request_dump).
 *
 * @param position the position to start at; 4 (or 0) is the start of the file
 * @param flags    0x0001 BINLOG_DUMP_NON_BLOCK: send EOF at the end instead of waiting
 * @param serverId the replica's server_id; 0 also asks for a non-blocking dump
 * @param file     the file name; empty means the first file the source has
 */
record PositionDumpRequest(long position, int flags, long serverId, String file) {
    /** MySQL's FN_REFLEN: a longer name cannot be a binlog file name. */
    static final int MAX_FILE_NAME = 512;

    PositionDumpRequest {
        if (file.length() > MAX_FILE_NAME) {
            throw new MysqlProtocolException("binlog name of " + file.length() + " characters");
        }
    }

    /** Parses the payload of a COM_BINLOG_DUMP packet, command byte included. */
    static PositionDumpRequest parse(byte[] payload) {
        if (payload.length < 11) {
            throw new MysqlProtocolException("COM_BINLOG_DUMP of " + payload.length + " bytes");
        }
        PacketReader r = new PacketReader(payload);
        r.u8();
        long position = r.u32();
        int flags = r.u16();
        long serverId = r.u32();
        int rest = r.remaining();
        if (rest > MAX_FILE_NAME) {
            throw new MysqlProtocolException("binlog name of " + rest + " bytes");
        }
        // some clients (older libmysqlclient) end the name with a NUL: it is not part of the name
        byte[] name = r.bytes(rest);
        int n = name.length;
        while (n > 0 && name[n - 1] == 0) {
            n--;
        }
        return new PositionDumpRequest(position, flags, serverId, new String(name, 0, n, StandardCharsets.UTF_8));
    }

    boolean nonBlocking() {
        return (flags & BinlogDump.FLAG_NON_BLOCK) != 0 || serverId == 0;
    }
}
