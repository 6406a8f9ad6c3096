package io.sluice.model.protocol;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client's answer to the greeting, Protocol::HandshakeResponse41: capabilities, max packet size, character
 * set, user, authentication response, optional database, plugin name and connection attributes.
 * See MySQL's {@code sql/auth/sql_authentication.cc} (parse_client_handshake_packet).
 */
public record HandshakeResponse(int capabilities, long maxPacket, int charset, String user, byte[] authResponse,
                                String database, String authPlugin, Map<String, String> attributes) {
    /** Longest user name accepted (MySQL allows 32 characters). */
    public static final int MAX_USER = 256;
    /** Longest authentication response accepted. */
    public static final int MAX_AUTH = 1024;

    public HandshakeResponse {
        authResponse = authResponse.clone();
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    @Override
    public byte[] authResponse() {
        return authResponse.clone();
    }

    /** Whether the packet is only an SSLRequest (the 32-byte prefix with CLIENT_SSL). */
    public static boolean isSslRequest(byte[] payload) {
        return payload.length == 32 && (new PacketReader(payload).u32() & Capabilities.SSL) != 0;
    }

    public byte[] encode() {
        PacketWriter w = new PacketWriter(128)
                .u32(capabilities & 0xffffffffL)
                .u32(maxPacket)
                .u8(charset)
                .zeros(23)
                .nulString(user);
        if ((capabilities & Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
            w.lenencBytes(authResponse);
        } else {
            w.u8(authResponse.length).bytes(authResponse);
        }
        if ((capabilities & Capabilities.CONNECT_WITH_DB) != 0) {
            w.nulString(database == null ? "" : database);
        }
        if ((capabilities & Capabilities.PLUGIN_AUTH) != 0) {
            w.nulString(authPlugin);
        }
        if ((capabilities & Capabilities.CONNECT_ATTRS) != 0) {
            PacketWriter attrs = new PacketWriter();
            attributes.forEach((k, v) -> attrs.lenencString(k).lenencString(v));
            w.lenencBytes(attrs.toByteArray());
        }
        return w.toByteArray();
    }

    /** Reads a HandshakeResponse41; protocol-4.0 clients are refused. */
    public static HandshakeResponse parse(byte[] payload) {
        PacketReader r = new PacketReader(payload);
        int caps = (int) r.u32();
        if ((caps & Capabilities.PROTOCOL_41) == 0) {
            throw new MysqlProtocolException("client does not speak protocol 4.1");
        }
        long maxPacket = r.u32();
        int charset = r.u8();
        r.skip(23);
        String user = r.nulString();
        if (user.length() > MAX_USER) {
            throw new MysqlProtocolException("user name of " + user.length() + " characters");
        }
        byte[] auth;
        if ((caps & Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
            auth = r.lenencBytes(MAX_AUTH);
        } else if ((caps & Capabilities.SECURE_CONNECTION) != 0) {
            auth = r.bytes(r.u8());
        } else {
            auth = r.nulString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        String db = null;
        if ((caps & Capabilities.CONNECT_WITH_DB) != 0 && r.hasRemaining()) {
            db = r.nulOrEofString();
        }
        String plugin = "";
        if ((caps & Capabilities.PLUGIN_AUTH) != 0 && r.hasRemaining()) {
            plugin = r.nulOrEofString();
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        if ((caps & Capabilities.CONNECT_ATTRS) != 0 && r.hasRemaining()) {
            byte[] block = r.lenencBytes(64 * 1024);
            if (block == null) {
                throw new MysqlProtocolException("connection attributes of NULL length");
            }
            PacketReader a = new PacketReader(block);
            while (a.hasRemaining()) {
                String k = a.lenencString(1024);
                String v = a.lenencString(1024);
                attrs.put(k, v);
            }
        }
        return new HandshakeResponse(caps, maxPacket, charset, user, auth == null ? new byte[0] : auth, db, plugin,
                attrs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeResponse h && capabilities == h.capabilities && user.equals(h.user)
                && Arrays.equals(authResponse, h.authResponse);
    }

    @Override
    public int hashCode() {
        return user.hashCode() * 31 + Arrays.hashCode(authResponse);
    }

    /** Never shows the authentication response. */
    @Override
    public String toString() {
        return "HandshakeResponse[user=" + user + ", plugin=" + authPlugin + ", capabilities=0x"
                + Integer.toHexString(capabilities) + "]";
    }
}
