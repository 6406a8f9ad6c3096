package io.sluice.ingest.client;

import io.sluice.model.client.MysqlClient;
import io.sluice.model.client.PacketChannel;
import io.sluice.model.client.tls.ClientTls;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.protocol.MysqlProtocolException;
import io.sluice.model.protocol.PacketWriter;
import io.sluice.model.protocol.Packets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A blocking client of a MySQL source, enough to act as its replica: the connection and queries of
 * {@link MysqlClient}, then COM_REGISTER_SLAVE, COM_BINLOG_DUMP_GTID or COM_BINLOG_DUMP and the event stream.
 * Follows MySQL's {@code sql/rpl_replica.cc}. One thread uses it at a time.
 *
 * <p>Blocking reads on a dedicated thread are deliberate: while the Kafka write is slow the syncer simply stops
 * reading, and TCP pushes back on the source (backpressure without buffers).
 */
public final class SourceClient implements AutoCloseable {
    private static final int COM_REGISTER_SLAVE = 0x15;
    private static final int COM_BINLOG_DUMP = 0x12;
    private static final int COM_BINLOG_DUMP_GTID = 0x1e;
    private static final int MAX_RESPONSE = 64 * 1024 * 1024;

    private final MysqlClient client;

    private SourceClient(MysqlClient client) {
        this.client = client;
    }

    /**
     * Connects and authenticates.
     *
     * @param readTimeout how long a read may block before the connection is taken for dead
     * @throws MysqlException for an ERR from the server (e.g. 1045 access denied)
     */
    public static SourceClient connect(String host, int port, String user, String password, Duration connectTimeout,
                                       Duration readTimeout) throws IOException {
        return new SourceClient(MysqlClient.connect(host, port, user, password, connectTimeout, readTimeout));
    }

    /**
     * Connects with TLS as {@code tls} says, and authenticates.
     *
     * @throws MysqlException 1045 and the like from the server; 2026 (CR_SSL_CONNECTION_ERROR) naming host:port and
     *                        the mode when TLS cannot be had as the mode demands
     */
    public static SourceClient connect(String host, int port, String user, String password, ClientTls tls,
                                       Duration connectTimeout, Duration readTimeout) throws IOException {
        return new SourceClient(MysqlClient.connect(host, port, user, password, connectTimeout, readTimeout, 0, tls));
    }

    /** The TLS protocol of the connection (e.g. {@code TLSv1.3}), or {@code null} when it is not encrypted. */
    public String tlsProtocol() {
        return client.tlsProtocol();
    }

    /** host:port, for messages. */
    public String endpoint() {
        return client.endpoint();
    }

    /** The server version from the greeting, e.g. {@code 8.0.31}. */
    public String serverVersion() {
        return client.serverVersion();
    }

    /** A text-protocol query; its rows, each column as a string or {@code null}. */
    public List<List<String>> query(String sql) throws IOException {
        return client.query(sql).rows();
    }

    /**
     * A text-protocol query whose rows are read by column name (e.g. {@code SHOW REPLICA STATUS}, whose columns
     * differ between versions).
     *
     * @return one map per row, column name to value (or {@code null}), in column order
     */
    public List<Map<String, String>> queryNamed(String sql) throws IOException {
        return client.query(sql).named();
    }

    /** The first column of the first row, or {@code null}. */
    public String queryValue(String sql) throws IOException {
        return client.queryValue(sql);
    }

    /** A statement that returns no rows. */
    public void execute(String sql) throws IOException {
        client.execute(sql);
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
        client.send(w.toByteArray());
        byte[] reply = client.read(MAX_RESPONSE);
        if (Packets.isErr(reply)) {
            throw Packets.parseErr(reply);
        }
    }

    /** COM_BINLOG_DUMP_GTID from {@code executed}; then read the stream with {@link #nextEvent}. */
    public void dumpGtid(long serverId, GtidSet executed) throws IOException {
        dumpGtid(serverId, executed, 0);
    }

    /**
     * COM_BINLOG_DUMP_GTID with flags: 0x0001 (BINLOG_DUMP_NON_BLOCK) asks for EOF at the end of the binlog instead
     * of waiting for more.
     */
    public void dumpGtid(long serverId, GtidSet executed, int flags) throws IOException {
        byte[] set = executed.encode();
        PacketWriter w = new PacketWriter(32 + set.length)
                .u8(COM_BINLOG_DUMP_GTID)
                .u16(flags)
                .u32(serverId)
                .u32(0)
                .u64(4)
                .u32(set.length)
                .bytes(set);
        client.send(w.toByteArray());
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
        client.send(w.toByteArray());
    }

    /**
     * Waits for the next packet of the dump stream.
     *
     * @return the stream positioned after the 0x00 status byte, at the event's first byte; {@code null} at the
     *         end of a non-blocking dump
     * @throws MysqlException for an ERR packet (e.g. 1236)
     */
    public EventPacket nextEvent() throws IOException {
        PacketChannel.Payload p = client.openPayload();
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
                + "stream of " + client.endpoint());
    }

    /** Whether more stream bytes are already buffered (the source is sending faster than we consume). */
    public boolean hasBufferedData() throws IOException {
        return client.hasBufferedData();
    }

    @Override
    public void close() {
        client.close();
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
