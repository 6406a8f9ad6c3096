package io.sluice.model.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Builders and readers for the generic MySQL response packets (OK, ERR, EOF) and the constants of the packet
 * layer. See the MySQL manual's "Client/Server Protocol" pages and {@code sql/protocol_classic.cc}.
 */
public final class Packets {
    /** The largest payload of one packet; a payload of this size or more continues in the next packet. */
    public static final int MAX_PACKET = 0xFFFFFF;
    /** Size of the packet header: u24 payload length and u8 sequence id. */
    public static final int HEADER = 4;

    public static final int OK = 0x00;
    public static final int EOF = 0xFE;
    public static final int ERR = 0xFF;
    public static final int LOCAL_INFILE = 0xFB;

    /** SERVER_STATUS_AUTOCOMMIT. */
    public static final int STATUS_AUTOCOMMIT = 0x0002;

    private Packets() {
    }

    /** An OK packet (protocol 4.1): header 0x00, affected rows, last insert id, status flags, warnings. */
    public static byte[] ok(long affectedRows, long lastInsertId, int status, int warnings) {
        return new PacketWriter(16).u8(OK).lenencInt(affectedRows).lenencInt(lastInsertId).u16(status).u16(warnings)
                .toByteArray();
    }

    /** The OK packet that ends a result set when CLIENT_DEPRECATE_EOF is on (header 0xFE). */
    public static byte[] okAsEof(int status, int warnings) {
        return new PacketWriter(16).u8(EOF).lenencInt(0).lenencInt(0).u16(status).u16(warnings).toByteArray();
    }

    /** A classic EOF packet: 0xFE, warnings, status flags. */
    public static byte[] eof(int warnings, int status) {
        return new PacketWriter(5).u8(EOF).u16(warnings).u16(status).toByteArray();
    }

    /** An ERR packet (protocol 4.1): 0xFF, code, '#', SQLSTATE, message. */
    public static byte[] err(int code, String sqlState, String message) {
        return new PacketWriter(16 + message.length()).u8(ERR).u16(code).u8('#')
                .bytes(sqlState.getBytes(StandardCharsets.US_ASCII)).string(message).toByteArray();
    }

    public static byte[] err(MysqlException e) {
        return err(e.code(), e.sqlState(), e.getMessage());
    }

    public static byte[] err(MysqlError error, Object... args) {
        return err(error.code(), error.sqlState(), error.format(args));
    }

    /** Whether a payload is an EOF packet (0xFE and shorter than 9 bytes, so not a length-encoded integer). */
    public static boolean isEof(byte[] payload) {
        return payload.length > 0 && (payload[0] & 0xff) == EOF && payload.length < 9;
    }

    public static boolean isErr(byte[] payload) {
        return payload.length > 0 && (payload[0] & 0xff) == ERR;
    }

    public static boolean isOk(byte[] payload) {
        return payload.length > 0 && (payload[0] & 0xff) == OK;
    }

    /** Reads an ERR payload into an exception (protocol 4.1 form, with or without the SQLSTATE marker). */
    public static MysqlException parseErr(byte[] payload) {
        PacketReader r = new PacketReader(payload);
        r.u8();
        int code = r.remaining() >= 2 ? r.u16() : 0;
        String state = "HY000";
        if (r.hasRemaining() && r.peek() == '#' && r.remaining() >= 6) {
            r.u8();
            state = new String(r.bytes(5), StandardCharsets.US_ASCII);
        }
        return new MysqlException(code, state, r.restString());
    }
}
