package io.sluice.model.client;

import io.sluice.model.client.tls.ClientTls;
import io.sluice.model.client.tls.SslMode;
import io.sluice.model.client.tls.TlsUpgrade;
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
import javax.net.ssl.SSLSocket;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A blocking client connection to a MySQL server: TLS as {@code mysql --ssl-mode} sets it ({@link ClientTls}),
 * handshake and authentication (caching_sha2_password fast and full path — the password over TLS, otherwise
 * encrypted with the server's RSA key —, mysql_native_password, plugin switches), text queries, and raw commands for
 * callers that speak more of the protocol (the syncer's binlog dump, the facade's metadata pass-through). Follows
 * MySQL's {@code sql-common/client.cc}. One thread uses it at a time.
 */
public final class MysqlClient implements AutoCloseable {
    public static final int COM_QUIT = 0x01;
    public static final int COM_QUERY = 0x03;
    private static final int MAX_RESPONSE = 64 * 1024 * 1024;
    /** What the client asks for; callers may add CLIENT_DEPRECATE_EOF, which {@link #query} then follows. */
    public static final int BASE_CAPABILITIES = Capabilities.LONG_PASSWORD | Capabilities.LONG_FLAG
            | Capabilities.PROTOCOL_41 | Capabilities.TRANSACTIONS | Capabilities.SECURE_CONNECTION
            | Capabilities.PLUGIN_AUTH | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CONNECT_ATTRS;

    /** The TCP connection; closing it ends a TLS session over it too, at once, from any thread. */
    private final Socket raw;
    private final String host;
    private final int port;
    private final String endpoint;
    private PacketChannel channel;
    private SSLSocket tls;
    private int capabilities;
    private Handshake greeting;

    private MysqlClient(Socket raw, String host, int port) throws IOException {
        this.raw = raw;
        this.host = host;
        this.port = port;
        this.endpoint = host + ":" + port;
        this.channel = channelOver(raw);
    }

    private static PacketChannel channelOver(Socket socket) throws IOException {
        return new PacketChannel(new BufferedInputStream(socket.getInputStream(), 256 * 1024),
                new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
    }

    /**
     * Connects and authenticates with {@link #BASE_CAPABILITIES}, with TLS when the server offers it
     * ({@link ClientTls#PREFERRED}, MySQL's client default).
     *
     * @param readTimeout how long a read may block before the connection is taken for dead
     * @throws MysqlException for an ERR from the server (e.g. 1045 access denied)
     */
    public static MysqlClient connect(String host, int port, String user, String password, Duration connectTimeout,
                                      Duration readTimeout) throws IOException {
        return connect(host, port, user, password, connectTimeout, readTimeout, 0);
    }

    /**
     * Connects and authenticates, with TLS when the server offers it ({@link ClientTls#PREFERRED}).
     *
     * @param extraCapabilities capability flags asked for beyond {@link #BASE_CAPABILITIES}; those the server does
     *                          not offer are dropped
     */
    public static MysqlClient connect(String host, int port, String user, String password, Duration connectTimeout,
                                      Duration readTimeout, int extraCapabilities) throws IOException {
        return connect(host, port, user, password, connectTimeout, readTimeout, extraCapabilities, ClientTls.PREFERRED);
    }

    /**
     * Connects, sets up TLS as {@code tls} says, and authenticates.
     *
     * @param extraCapabilities capability flags asked for beyond {@link #BASE_CAPABILITIES}; those the server does
     *                          not offer are dropped
     * @throws MysqlException 2026 (CR_SSL_CONNECTION_ERROR) naming host:port and the mode when TLS cannot be had as
     *                        the mode demands (the server offers none, its certificate is refused, the settings
     *                        cannot be read): no reconnect cures it
     */
    public static MysqlClient connect(String host, int port, String user, String password, Duration connectTimeout,
                                      Duration readTimeout, int extraCapabilities, ClientTls tls) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.setReceiveBufferSize(1024 * 1024);
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            MysqlClient client = new MysqlClient(socket, host, port);
            client.authenticate(user, password, BASE_CAPABILITIES | extraCapabilities,
                    tls == null ? ClientTls.PREFERRED : tls);
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

    /** The capability flags in effect: those asked for that the server offers. */
    public int capabilities() {
        return capabilities;
    }

    /** The TLS protocol of the connection (e.g. {@code TLSv1.3}), or {@code null} when it is not encrypted. */
    public String tlsProtocol() {
        return tls == null ? null : tls.getSession().getProtocol();
    }

    private void authenticate(String user, String password, int wanted, ClientTls tlsSettings) throws IOException {
        greeting = Handshake.parse(channel.read(MAX_RESPONSE));
        capabilities = wanted & greeting.capabilities();
        if (tlsSettings.mode() != SslMode.DISABLED) {
            if ((greeting.capabilities() & Capabilities.SSL) != 0) {
                startTls(tlsSettings);
            } else if (tlsSettings.mode().requiresTls()) {
                throw TlsUpgrade.notOffered(host, port, tlsSettings.mode());
            }
        }
        String plugin = greeting.authPlugin();
        byte[] nonce = greeting.nonce();
        byte[] response = scramble(plugin, password, nonce);
        HandshakeResponse hello = new HandshakeResponse(capabilities, MAX_RESPONSE, 255, user, response, null,
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
                nonce = data.length > 0 && data[data.length - 1] == 0 ? Arrays.copyOf(data, data.length - 1) : data;
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

    /**
     * SSLRequest (Protocol::SSLRequest: the first 32 bytes of a HandshakeResponse41 with CLIENT_SSL), then the TLS
     * handshake; the HandshakeResponse follows encrypted, its sequence id going on from the SSLRequest's.
     */
    private void startTls(ClientTls tlsSettings) throws IOException {
        capabilities |= Capabilities.SSL;
        channel.write(new PacketWriter(32).u32(capabilities & 0xffffffffL).u32(MAX_RESPONSE).u8(255).zeros(23)
                .toByteArray());
        tls = TlsUpgrade.upgrade(raw, host, port, tlsSettings);
        channel = channel.continueOn(new BufferedInputStream(tls.getInputStream(), 256 * 1024),
                new BufferedOutputStream(tls.getOutputStream(), 64 * 1024));
    }

    private static byte[] scramble(String plugin, String password, byte[] nonce) {
        return switch (plugin) {
            case Auth.NATIVE -> Auth.nativeScramble(password, nonce);
            case Auth.CACHING_SHA2 -> Auth.sha2Scramble(password, nonce);
            default -> throw new MysqlProtocolException("authentication plugin " + plugin + " is not supported; "
                    + "use caching_sha2_password or mysql_native_password for the account");
        };
    }

    /**
     * caching_sha2_password's full authentication: over TLS the password itself, NUL-terminated; without TLS, ask for
     * the server's RSA key and send the password encrypted with it.
     */
    private void fullAuthentication(String password, byte[] nonce) throws IOException {
        if (tls != null) {
            byte[] text = (password == null ? "" : password).getBytes(StandardCharsets.UTF_8);
            byte[] packet = Arrays.copyOf(text, text.length + 1);
            try {
                channel.write(packet);
            } finally {
                Arrays.fill(text, (byte) 0);
                Arrays.fill(packet, (byte) 0);
            }
            return;
        }
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

    /** A text-protocol query's column names and rows (each value a string or {@code null}). */
    public record Result(List<String> columns, List<List<String>> rows) {
        /** The rows read by column name, in column order. */
        public List<Map<String, String>> named() {
            List<Map<String, String>> named = new ArrayList<>(rows.size());
            for (List<String> row : rows) {
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < row.size(); i++) {
                    values.put(columns.get(i), row.get(i));
                }
                named.add(values);
            }
            return named;
        }
    }

    /** A text-protocol query; a statement without rows gives an empty result. */
    public Result query(String sql) throws IOException {
        sendQuery(sql);
        byte[] first = read();
        if (Packets.isErr(first)) {
            throw Packets.parseErr(first);
        }
        List<List<String>> rows = new ArrayList<>();
        if (Packets.isOk(first)) {
            return new Result(List.of(), rows);
        }
        long columns = new PacketReader(first).lenencInt();
        List<String> names = new ArrayList<>((int) Math.min(columns, 4096));
        for (long i = 0; i < columns; i++) {
            names.add(columnName(read()));
        }
        boolean deprecateEof = (capabilities & Capabilities.DEPRECATE_EOF) != 0;
        if (!deprecateEof && !Packets.isEof(read())) {
            throw new MysqlProtocolException("expected EOF after column definitions from " + endpoint);
        }
        while (true) {
            byte[] row = read();
            if (isEndOfRows(row)) {
                return new Result(names, rows);
            }
            if (Packets.isErr(row)) {
                throw Packets.parseErr(row);
            }
            PacketReader r = new PacketReader(row);
            List<String> values = new ArrayList<>(names.size());
            for (long i = 0; i < columns; i++) {
                values.add(r.lenencString(MAX_RESPONSE));
            }
            rows.add(values);
        }
    }

    /** ColumnDefinition41: catalog, schema, table, org_table, name, … (protocol_classic.cc). */
    private static String columnName(byte[] definition) {
        PacketReader r = new PacketReader(definition);
        for (int skip = 0; skip < 4; skip++) {
            r.lenencString(MAX_RESPONSE);
        }
        return r.lenencString(MAX_RESPONSE);
    }

    /**
     * Whether a packet read where a row may come ends the rows: the EOF packet, or with CLIENT_DEPRECATE_EOF the OK
     * packet with header 0xFE (a row starting with 0xFE is at least 9 bytes long, and an OK packet is shorter than
     * 16 MiB).
     */
    public boolean isEndOfRows(byte[] packet) {
        if ((capabilities & Capabilities.DEPRECATE_EOF) == 0) {
            return Packets.isEof(packet);
        }
        return packet.length > 0 && (packet[0] & 0xff) == Packets.EOF && packet.length < Packets.MAX_PACKET;
    }

    /** The first column of the first row, or {@code null}. */
    public String queryValue(String sql) throws IOException {
        List<List<String>> rows = query(sql).rows();
        return rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
    }

    /** A statement that returns no rows. */
    public void execute(String sql) throws IOException {
        query(sql);
    }

    /** Sends COM_QUERY; the response is then read packet by packet with {@link #read}. */
    public void sendQuery(String sql) throws IOException {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        send(new PacketWriter(text.length + 1).u8(COM_QUERY).bytes(text).toByteArray());
    }

    /** Sends a command packet (sequence id 0). */
    public void send(byte[] command) throws IOException {
        channel.resetSequence();
        channel.write(command);
    }

    /** Reads one whole logical packet of a response (at most 64 MiB). */
    public byte[] read() throws IOException {
        return channel.read(MAX_RESPONSE);
    }

    /** Reads one whole logical packet of a response, refusing one longer than {@code max} bytes. */
    public byte[] read(int max) throws IOException {
        return channel.read(max);
    }

    /** Starts reading a logical packet piece by piece (a binlog event); read it to its end before the next. */
    public PacketChannel.Payload openPayload() throws IOException {
        return channel.openPayload();
    }

    /** Whether bytes from the server are already buffered (it is sending faster than they are consumed). */
    public boolean hasBufferedData() throws IOException {
        return channel.available() > 0;
    }

    /** Whether the connection has been closed. */
    public boolean isClosed() {
        return raw.isClosed();
    }

    /** Sends COM_QUIT when it can and closes the socket. */
    @Override
    public void close() {
        try {
            if (!raw.isClosed() && !raw.isOutputShutdown()) {
                send(new byte[] {COM_QUIT});
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away anyway
        }
        abort();
    }

    /**
     * Closes the socket at once, from any thread; a read blocked on it fails. With TLS, the TCP connection is closed
     * under the TLS session (no close_notify): closing the TLS socket could wait for the blocked reader.
     */
    public void abort() {
        try {
            raw.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
