package io.sluice.model.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The server's greeting, Protocol::HandshakeV10: protocol 10, server version, connection id, the 20-byte nonce in
 * two parts, capability flags, character set, status flags and the default authentication plugin.
 * See MySQL's {@code sql/auth/sql_authentication.cc} (send_server_handshake_packet).
 */
public record Handshake(String serverVersion, long connectionId, byte[] nonce, int capabilities, int charset,
                        int status, String authPlugin) {
    public Handshake {
        nonce = nonce.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** The greeting payload. */
    public byte[] encode() {
        byte[] part2 = Arrays.copyOfRange(nonce, 8, Math.max(nonce.length, 20));
        PacketWriter w = new PacketWriter(128)
                .u8(10)
                .nulString(serverVersion)
                .u32(connectionId)
                .bytes(Arrays.copyOf(nonce, 8))
                .u8(0)
                .u16(capabilities & 0xffff)
                .u8(charset)
                .u16(status)
                .u16(capabilities >>> 16)
                .u8((capabilities & Capabilities.PLUGIN_AUTH) != 0 ? nonce.length + 1 : 0)
                .zeros(10);
        if ((capabilities & Capabilities.SECURE_CONNECTION) != 0) {
            w.bytes(part2).u8(0);
        }
        if ((capabilities & Capabilities.PLUGIN_AUTH) != 0) {
            w.nulString(authPlugin);
        }
        return w.toByteArray();
    }

    /** Reads a greeting; an ERR payload (e.g. "Host is blocked") is thrown as a {@link MysqlException}. */
    public static Handshake parse(byte[] payload) {
        if (Packets.isErr(payload)) {
            throw Packets.parseErr(payload);
        }
        PacketReader r = new PacketReader(payload);
        int protocol = r.u8();
        if (protocol != 10) {
            throw new MysqlProtocolException("unsupported handshake protocol version " + protocol);
        }
        String version = r.nulString();
        long connectionId = r.u32();
        byte[] part1 = r.bytes(8);
        r.u8();
        int caps = r.u16();
        int charset = 0;
        int status = 0;
        int authLength = 0;
        if (r.hasRemaining()) {
            charset = r.u8();
            status = r.u16();
            caps |= r.u16() << 16;
            authLength = r.u8();
            r.skip(10);
        }
        byte[] nonce = part1;
        if ((caps & Capabilities.SECURE_CONNECTION) != 0) {
            int n = Math.max(13, authLength - 8);
            byte[] part2 = r.bytes(Math.min(n, r.remaining()));
            int len2 = part2.length > 0 && part2[part2.length - 1] == 0 ? part2.length - 1 : part2.length;
            nonce = new byte[8 + len2];
            System.arraycopy(part1, 0, nonce, 0, 8);
            System.arraycopy(part2, 0, nonce, 8, len2);
        }
        String plugin = "mysql_native_password";
        if ((caps & Capabilities.PLUGIN_AUTH) != 0 && r.hasRemaining()) {
            plugin = r.nulOrEofString();
        }
        return new Handshake(version, connectionId, nonce, caps, charset, status, plugin);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handshake h && serverVersion.equals(h.serverVersion) && connectionId == h.connectionId
                && Arrays.equals(nonce, h.nonce) && capabilities == h.capabilities && charset == h.charset
                && status == h.status && authPlugin.equals(h.authPlugin);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(connectionId) * 31 + Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "Handshake[" + serverVersion + ", connection " + connectionId + ", " + authPlugin + "]";
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
