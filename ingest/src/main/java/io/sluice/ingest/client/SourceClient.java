package io.sluice.ingest.client;

import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.Auth;
import io.sluice.model.protocol.Capabilities;
import io.sluice.model.protocol.Handshake;
import io.sluice.model.protocol.HandshakeResponse;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.protocol.MysqlProtocolException;
import io.sluice.model.protocol.PacketReader;
import io.sluice.model.protocol.PacketWriter;
import io.sluice.model.protocol.Packets;

import javax.crypto.Cipher;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A blocking client of a MySQL source, enough to act as its replica: handshake and authentication
 * (caching_sha2_password fast and full path with the server's RSA key, mysql_native_password, plugin switches),
 * text queries, COM_REGISTER_SLAVE and COM_BINLOG_DUMP_GTID, then the event stream. Follows MySQL's
 * {@code sql-common/client.cc} and {@code sql/rpl_replica.cc}. One thread uses it at a time.
 *
 * <p>Blocking reads on a dedicated thread are deliberate: while the Kafka write is slow the syncer simply stops
 * reading, and TCP pushes back on the source (backpressure without buffers).
 */
public final class SourceClient implements AutoCloseable {
    private static final int COM_QUIT = 0x01;
    private static final int COM_QUERY = 0x03;
    private static final int COM_REGISTER_SLAVE = 0x15;
    private static final int COM_BINLOG_DUMP = 0x12;
    private static final int COM_BINLOG_DUMP_GTID = 0x1e;
    private static final int MAX_RESPONSE = 64 * 1024 * 1024;
    private static final int CLIENT_CAPABILITIES = Capabilities.LONG_PASSWORD | Capabilities.LONG_FLAG
            | Capabilities.PROTOCOL_41 | Capabilities.TRANSACTIONS | Capabilities.SECURE_CONNECTION
            | Capabilities.PLUGIN_AUTH | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CONNECT_ATTRS;

    private final Socket socket;
    private final PacketChannel channel;
    private final String endpoint;
    private Handshake greeting;

    private SourceClient(Socket socket, String endpoint) throws IOException {
        this.socket = socket;
        this.endpoint = endpoint;
        this.channel = new PacketChannel(new BufferedInputStream(socket.getInputStream(), 256 * 1024),
                new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
    }

    /**
     * Connects and authenticates.
     *
     * @param readTimeout how long a read may block before the connection is taken for dead
     * @throws MysqlException for an ERR from the server (e.g. 1045 access denied)
     */
    public static SourceClient connect(String host, int port, String user, String password, Duration connectTimeout,
                                       Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.setReceiveBufferSize(1024 * 1024);
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            SourceClient client = new SourceClient(socket, host + ":" + port);
            client.authenticate(user, password);
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** host:port, for messages. */
    public String endpoint() {
        return endpoint;
    }

    /** The server version from the greeting, e.g. {@code 8.0.31}. */
    public String serverVersion() {
        return greeting.serverVersion();
    }

    private void authenticate(String user, String password) throws IOException {
        greeting = Handshake.parse(channel.read(MAX_RESPONSE));
        String plugin = greeting.authPlugin();
        byte[] nonce = greeting.nonce();
        byte[] response = scramble(plugin, password, nonce);
        HandshakeResponse hello = new HandshakeResponse(CLIENT_CAPABILITIES, MAX_RESPONSE, 255, user, response, null,
                plugin, Map.of("_client_name", "sluice", "program_name", "sluice"));
        channel.write(hello.encode());
        while (true) {
            byte[] reply = channel.read(MAX_RESPONSE);
            int kind = reply.length == 0 ? -1 : reply[0] & 0xff;
            if (kind == Packets.OK) {
                return;
            }
            if (kind == Packets.ERR) {
                throw Packets.parseErr(reply);
            }
            if (kind == Packets.EOF) {
                // AuthSwitchRequest: plugin name, NUL, new nonce (NUL-terminated)
                PacketReader r = new PacketReader(reply);
                r.u8();
                plugin = r.nulString();
                byte[] data = r.rest();
                nonce = data.length > 0 && data[data.length - 1] == 0
                        ? java.util.Arrays.copyOf(data, data.length - 1) : data;
                channel.write(scramble(plugin, password, nonce));
                continue;
            }
            if (kind == 0x01 && Auth.CACHING_SHA2.equals(plugin) && reply.length >= 2) {
                int status = reply[1] & 0xff;
                if (status == Auth.FAST_AUTH_SUCCESS) {
                    continue;
                }
                if (status == Auth.PERFORM_FULL_AUTH) {
                    fullAuthentication(password, nonce);
                    continue;
                }
            }
            throw new MysqlProtocolException("unexpected authentication packet 0x" + Integer.toHexString(kind)
                    + " from " + endpoint + " (plugin " + plugin + ")");
        }
    }

    private static byte[] scramble(String plugin, String password, byte[] nonce) {
        return switch (plugin) {
            case Auth.NATIVE -> Auth.nativeScramble(password, nonce);
            case Auth.CACHING_SHA2 -> Auth.sha2Scramble(password, nonce);
            default -> throw new MysqlProtocolException("authentication plugin " + plugin + " is not supported; "
                    + "use caching_sha2_password or mysql_native_password for the replication account");
        };
    }

    /** caching_sha2_password without TLS: ask for the server's RSA key and send the password encrypted with it. */
    private void fullAuthentication(String password, byte[] nonce) throws IOException {
        channel.write(new byte[] {Auth.REQUEST_PUBLIC_KEY});
        byte[] keyPacket = channel.read(MAX_RESPONSE);
        if (Packets.isErr(keyPacket)) {
            throw Packets.parseErr(keyPacket);
        }
        String pem = new String(keyPacket, 1, keyPacket.length - 1, StandardCharsets.US_ASCII);
        try {
            String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            PublicKey key = KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            cipher.init(Cipher.ENCRYPT_MODE, key);
            channel.write(cipher.doFinal(Auth.xorPasswordWithNonce(password == null ? "" : password, nonce)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new MysqlProtocolException("cannot use the RSA public key of " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** A text-protocol query; its rows, each column as a string or {@code null}. */
    public List<List<String>> query(String sql) throws IOException {
        return result(sql).rows();
    }

    /**
     * A text-protocol query whose rows are read by column name (e.g. {@code SHOW REPLICA STATUS}, whose columns
     * differ between versions).
     *
     * @return one map per row, column name to value (or {@code null}), in column order
     */
    public List<Map<String, String>> queryNamed(String sql) throws IOException {
        Result result = result(sql);
        List<Map<String, String>> named = new ArrayList<>(result.rows().size());
        for (List<String> row : result.rows()) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < row.size(); i++) {
                values.put(result.columns().get(i), row.get(i));
            }
            named.add(values);
        }
        return named;
    }

    private record Result(List<String> columns, List<List<String>> rows) {
    }

    private Result result(String sql) throws IOException {
        channel.resetSequence();
        channel.write(new PacketWriter(sql.length() + 1).u8(COM_QUERY).string(sql).toByteArray());
        byte[] first = channel.read(MAX_RESPONSE);
        if (Packets.isErr(first)) {
            throw Packets.parseErr(first);
        }
        List<List<String>> rows = new ArrayList<>();
        if (Packets.isOk(first)) {
            return new Result(List.of(), rows);
        }
        long columns = new PacketReader(first).lenencInt();
        List<String> names = new ArrayList<>((int) columns);
        for (long i = 0; i < columns; i++) {
            // ColumnDefinition41: catalog, schema, table, org_table, name, … (protocol_classic.cc)
            PacketReader definition = new PacketReader(channel.read(MAX_RESPONSE));
            for (int skip = 0; skip < 4; skip++) {
                definition.lenencString(MAX_RESPONSE);
            }
            names.add(definition.lenencString(MAX_RESPONSE));
        }
        byte[] eof = channel.read(MAX_RESPONSE);
        if (!Packets.isEof(eof)) {
            throw new MysqlProtocolException("expected EOF after column definitions from " + endpoint);
        }
        while (true) {
            byte[] row = channel.read(MAX_RESPONSE);
            if (Packets.isEof(row)) {
                return new Result(names, rows);
            }
            if (Packets.isErr(row)) {
                throw Packets.parseErr(row);
            }
            PacketReader r = new PacketReader(row);
            List<String> values = new ArrayList<>((int) columns);
            for (long i = 0; i < columns; i++) {
                values.add(r.lenencString(MAX_RESPONSE));
            }
            rows.add(values);
        }
    }

    /** The first column of the first row, or {@code null}. */
    public String queryValue(String sql) throws IOException {
        List<List<String>> rows = query(sql);
        return rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
    }

    /** A statement that returns no rows. */
    public void execute(String sql) throws IOException {
        query(sql);
    }

    /** COM_REGISTER_SLAVE: how the replica shows in the source's SHOW REPLICAS. */
    public void registerReplica(long serverId, String reportHost, int reportPort) throws IOException {
        byte[] host = reportHost.getBytes(StandardCharsets.UTF_8);
        PacketWriter w = new PacketWriter(32 + host.length)
                .u8(COM_REGISTER_SLAVE).u32(serverId)
                .u8(host.length).bytes(host)
                .u8(0)
                .u8(0)
                .u16(reportPort).u32(0).u32(0);
        channel.resetSequence();
        channel.write(w.toByteArray());
        byte[] reply = channel.read(MAX_RESPONSE);
        if (Packets.isErr(reply)) {
            throw Packets.parseErr(reply);
        }
    }

    /** COM_BINLOG_DUMP_GTID from {@code executed}; then read the stream with {@link #nextEvent}. */
    public void dumpGtid(long serverId, GtidSet executed) throws IOException {
        byte[] set = executed.encode();
        PacketWriter w = new PacketWriter(32 + set.length)
                .u8(COM_BINLOG_DUMP_GTID)
                .u16(0)
                .u32(serverId)
                .u32(0)
                .u64(4)
                .u32(set.length)
                .bytes(set);
        channel.resetSequence();
        channel.write(w.toByteArray());
    }

    /**
     * COM_BINLOG_DUMP from (file, position): u32 position, u16 flags, u32 server_id, the file name as the rest of
     * the packet; then read the stream with {@link #nextEvent}. Flag 0x0001 (or server_id 0) asks for EOF at the end.
     */
    public void dumpPosition(long serverId, String file, long position, int flags) throws IOException {
        byte[] name = file.getBytes(StandardCharsets.UTF_8);
        PacketWriter w = new PacketWriter(11 + name.length)
                .u8(COM_BINLOG_DUMP)
                .u32(position)
                .u16(flags)
                .u32(serverId)
                .bytes(name);
        channel.resetSequence();
        channel.write(w.toByteArray());
    }

    /**
     * Waits for the next packet of the dump stream.
     *
     * @return the stream positioned after the 0x00 status byte, at the event's first byte; {@code null} at the
     *         end of a non-blocking dump
     * @throws MysqlException for an ERR packet (e.g. 1236)
     */
    public EventPacket nextEvent() throws IOException {
        PacketChannel.Payload p = channel.openPayload();
        int status = p.read();
        if (status == Packets.OK) {
            return new EventPacket(p);
        }
        byte[] rest = p.readChunk(MAX_RESPONSE);
        if (status == Packets.ERR) {
            byte[] err = new byte[rest.length + 1];
            err[0] = (byte) Packets.ERR;
            System.arraycopy(rest, 0, err, 1, rest.length);
            throw Packets.parseErr(err);
        }
        if (status == Packets.EOF && rest.length < 8) {
            return null;
        }
        throw new MysqlProtocolException("unexpected packet 0x" + Integer.toHexString(status) + " in the binlog "
                + "stream of " + endpoint);
    }

    /** Whether more stream bytes are already buffered (the source is sending faster than we consume). */
    public boolean hasBufferedData() throws IOException {
        return channel.available() > 0;
    }

    @Override
    public void close() {
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                channel.resetSequence();
                channel.write(new byte[] {COM_QUIT});
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /** One event of the dump stream, to be read to its end before the next {@link #nextEvent}. */
    public static final class EventPacket {
        private final PacketChannel.Payload payload;

        EventPacket(PacketChannel.Payload payload) {
            this.payload = payload;
        }

        /** Reads exactly {@code len} bytes of the event. */
        public void readFully(byte[] b, int off, int len) throws IOException {
            payload.readExactly(b, off, len);
        }

        /** Reads up to {@code len} bytes; -1 at the end. */
        public int read(byte[] b, int off, int len) throws IOException {
            return payload.read(b, off, len);
        }

        /** Whether the whole packet has been read. */
        public boolean finished() {
            return payload.finished();
        }

        /** Discards the rest of the packet. */
        public void drain() throws IOException {
            payload.drain();
        }
    }
}
