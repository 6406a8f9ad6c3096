package io.sluice.facade;

import io.sluice.model.client.MysqlClient;
import io.sluice.model.protocol.Capabilities;
import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.protocol.PacketReader;
import io.sluice.model.protocol.Packets;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * One facade session's connection to the {@link MetadataBackend}, opened on the session's first forwarded
 * statement and closed with the session, so that what a client does across statements (a snapshot transaction, a
 * read lock, the default database) holds on one backend session as it would on a real source. Session settings
 * the client made before (SET TRANSACTION, SET of system variables, USE) are replayed when it opens.
 *
 * <p>Responses are relayed packet by packet as the backend sends them: only the framing is rebuilt, so column
 * definitions and rows reach the client byte for byte. The backend connection asks for CLIENT_DEPRECATE_EOF only
 * when the client has it, so both sides frame result sets alike.
 */
final class BackendConnection implements AutoCloseable {
    /** SERVER_MORE_RESULTS_EXISTS: another result set follows. */
    private static final int MORE_RESULTS = 0x0008;
    /** The largest packet relayed: a row of a snapshot read is held whole on its way through. */
    static final int MAX_PACKET = 256 * 1024 * 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A snapshot read of a large table may take long to produce its first row. */
    static final Duration READ_TIMEOUT = Duration.ofMinutes(30);

    /** Where relayed packets go, in order; it may block while the client is slow. */
    interface Sink {
        void packet(byte[] payload) throws IOException;
    }

    private final MetadataBackend backend;
    private final MysqlClient client;
    private boolean locked;
    private boolean inTransaction;

    private BackendConnection(MetadataBackend backend, MysqlClient client) {
        this.backend = backend;
        this.client = client;
    }

    /**
     * Logs in to the backend and replays the session's settings.
     *
     * @param clientCapabilities the facade client's capabilities (for CLIENT_DEPRECATE_EOF)
     * @throws MysqlException 1105 naming the backend when it cannot be reached, refuses the login, or TLS to it
     *                        cannot be had as {@code facade.metadataBackend.tls} demands (the client's own login
     *                        is not at fault, so the backend's 1045 or the client-side 2026 are not passed on as such)
     */
    static BackendConnection open(MetadataBackend backend, int clientCapabilities, Iterable<String> setup) {
        MysqlClient client;
        try {
            client = MysqlClient.connect(backend.host(), backend.port(), backend.user(), backend.password(),
                    CONNECT_TIMEOUT, READ_TIMEOUT, clientCapabilities & Capabilities.DEPRECATE_EOF, backend.tls());
        } catch (MysqlException e) {
            throw unavailable(backend, "it answered " + e.code() + " (" + e.getMessage() + ")");
        } catch (IOException | RuntimeException e) {
            throw unavailable(backend, e.getMessage());
        }
        BackendConnection connection = new BackendConnection(backend, client);
        try {
            for (String statement : setup) {
                client.execute(statement);
            }
        } catch (MysqlException e) {
            connection.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw unavailable(backend, e.getMessage());
        }
        return connection;
    }

    private static MysqlException unavailable(MetadataBackend backend, String why) {
        return new MysqlException(MysqlError.ER_UNKNOWN_ERROR,
                "Sluice's metadata backend " + backend.endpoint() + " is not available: " + why);
    }

    String endpoint() {
        return backend.endpoint();
    }

    /** Whether the session holds a read lock or a transaction on the backend: its binlog position is pinned. */
    boolean inSnapshot() {
        return locked || inTransaction;
    }

    /** A statement whose result Sluice reads itself (the backend's gtid_executed). */
    String queryValue(String sql) {
        try {
            return client.queryValue(sql);
        } catch (IOException e) {
            client.abort();
            throw unavailable(backend, e.getMessage());
        }
    }

    /** A statement whose result does not go to the client (session settings). */
    void execute(String sql) {
        try {
            client.execute(sql);
        } catch (IOException e) {
            client.abort();
            throw unavailable(backend, e.getMessage());
        }
    }

    /**
     * Sends {@code sql} and relays the whole response (every result set, ERR included) to {@code sink}.
     *
     * @throws IOException when the backend or the client goes away; the backend connection is then closed (and when
     *                     part of the response already reached the sink, the client's connection must close too)
     */
    void relay(String sql, Sink sink) throws IOException {
        boolean deprecateEof = (client.capabilities() & Capabilities.DEPRECATE_EOF) != 0;
        try {
            client.sendQuery(sql);
            boolean more = true;
            while (more) {
                byte[] first = client.read(MAX_PACKET);
                sink.packet(first);
                int kind = first.length == 0 ? -1 : first[0] & 0xff;
                if (kind == Packets.ERR) {
                    return;
                }
                if (kind == Packets.OK) {
                    more = (okStatus(first) & MORE_RESULTS) != 0;
                    continue;
                }
                if (kind == Packets.LOCAL_INFILE || kind < 0) {
                    throw new IOException("unexpected response 0x" + Integer.toHexString(kind) + " from the backend");
                }
                long columns = new PacketReader(first).lenencInt();
                for (long i = 0; i < columns; i++) {
                    sink.packet(client.read(MAX_PACKET));
                }
                if (!deprecateEof) {
                    sink.packet(client.read(MAX_PACKET));
                }
                while (true) {
                    byte[] row = client.read(MAX_PACKET);
                    sink.packet(row);
                    if (Packets.isErr(row)) {
                        return;
                    }
                    if (client.isEndOfRows(row)) {
                        int status = deprecateEof ? okStatus(row) : eofStatus(row);
                        more = (status & MORE_RESULTS) != 0;
                        break;
                    }
                }
            }
            track(sql);
        } catch (IOException | RuntimeException e) {
            client.abort();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** Follows the locks and transactions a forwarded statement took or ended. */
    private void track(String sql) {
        if (Passthrough.takesLock(sql)) {
            locked = true;
        } else if (Passthrough.releasesLock(sql)) {
            locked = false;
        } else if (Passthrough.startsTransaction(sql)) {
            inTransaction = true;
        } else if (Passthrough.endsTransaction(sql)) {
            inTransaction = false;
        }
    }

    /** Status flags of an OK packet (header 0x00, or 0xFE when it ends rows): after two length-encoded integers. */
    private static int okStatus(byte[] ok) {
        PacketReader r = new PacketReader(ok);
        r.u8();
        r.lenencInt();
        r.lenencInt();
        return r.remaining() >= 2 ? r.u16() : 0;
    }

    /** Status flags of a classic EOF packet: 0xFE, warnings, status. */
    private static int eofStatus(byte[] eof) {
        return eof.length >= 5 ? (eof[3] & 0xff) | (eof[4] & 0xff) << 8 : 0;
    }

    boolean isClosed() {
        return client.isClosed();
    }

    /** Closes from any thread: a relay in progress fails. */
    void abort() {
        client.abort();
    }

    @Override
    public void close() {
        client.close();
    }
}
