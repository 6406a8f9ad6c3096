package io.sluice.facade;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.gtid.UnsupportedGtidFormatException;
import io.sluice.model.protocol.Auth;
import io.sluice.model.protocol.Capabilities;
import io.sluice.model.protocol.Handshake;
import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.protocol.MysqlProtocolException;
import io.sluice.model.protocol.PacketReader;
import io.sluice.model.protocol.Packets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One client connection: greeting, login ({@link Login}: TLS, caching_sha2_password, mysql_native_password, a
 * plugin switch for other clients), then commands: COM_QUERY, COM_PING, COM_INIT_DB, COM_QUIT,
 * COM_REGISTER_SLAVE, COM_BINLOG_DUMP_GTID and COM_BINLOG_DUMP. See MySQL's {@code sql/auth/sql_authentication.cc},
 * {@code sql/sql_parse.cc} (dispatch_command) and {@code sql/rpl_source.cc}.
 */
final class FacadeServerHandler extends SimpleChannelInboundHandler<MysqlPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(FacadeServerHandler.class);
    static final int SERVER_CAPABILITIES = Capabilities.LONG_PASSWORD | Capabilities.FOUND_ROWS
            | Capabilities.LONG_FLAG | Capabilities.CONNECT_WITH_DB | Capabilities.NO_SCHEMA
            | Capabilities.IGNORE_SPACE | Capabilities.PROTOCOL_41 | Capabilities.INTERACTIVE
            | Capabilities.TRANSACTIONS | Capabilities.SECURE_CONNECTION | Capabilities.MULTI_RESULTS
            | Capabilities.PS_MULTI_RESULTS | Capabilities.PLUGIN_AUTH | Capabilities.CONNECT_ATTRS
            | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.DEPRECATE_EOF;
    private static final int UTF8MB4_GENERAL = 45;

    private static final int COM_QUIT = 0x01;
    private static final int COM_INIT_DB = 0x02;
    private static final int COM_QUERY = 0x03;
    private static final int COM_PING = 0x0e;
    private static final int COM_BINLOG_DUMP = 0x12;
    private static final int COM_REGISTER_SLAVE = 0x15;
    private static final int COM_BINLOG_DUMP_GTID = 0x1e;

    private enum State { AUTH, COMMAND, DUMPING }

    private final FacadeConfig config;
    private final Credentials credentials;
    private final ReplicaRegistry registry;
    private final QueryResponder responder;
    /** Where statements are answered: some read Kafka, which must not stall the event loop and its other clients. */
    private final Executor queries;
    /** Commands that arrived while a statement was being answered (a client that does not wait), in order. */
    private final ArrayDeque<MysqlPacket> waiting = new ArrayDeque<>();
    private boolean answering;
    private final long connectionId;
    private final Duration connectTimeout;
    private final byte[] nonce = Auth.nonce();
    private State state = State.AUTH;
    private Session session;
    private PacketOut out;
    private ReplicaRegistry.Entry entry;
    private Login login;
    private ScheduledFuture<?> loginDeadline;

    FacadeServerHandler(FacadeConfig config, Credentials credentials, ReplicaRegistry registry,
                        QueryResponder responder, long connectionId, Duration connectTimeout) {
        this(config, credentials, registry, responder, Runnable::run, connectionId, connectTimeout);
    }

    FacadeServerHandler(FacadeConfig config, Credentials credentials, ReplicaRegistry registry,
                        QueryResponder responder, Executor queries, long connectionId, Duration connectTimeout) {
        this.config = config;
        this.credentials = credentials;
        this.registry = registry;
        this.responder = responder;
        this.queries = queries;
        this.connectionId = connectionId;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        String host = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        session = new Session(connectionId, host);
        out = new PacketOut(ctx.channel(), registry.metrics());
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a
                && !registry.allowlist().allows(a.getAddress())) {
            registry.metrics().refused.inc();
            if (registry.refusals.shouldLog(host)) {
                LOG.warn("facade refused a connection from {}: not in facade.ipAllowlist {} (logged once a minute "
                        + "per address)", host, registry.allowlist());
            }
            out.writeAndFlush(Packets.err(MysqlError.ER_HOST_NOT_PRIVILEGED, host));
            ctx.close();
            return;
        }
        registry.metrics().accepted.mark();
        if (registry.size() >= config.maxReplicas()) {
            out.writeAndFlush(Packets.err(MysqlError.ER_CON_COUNT_ERROR));
            ctx.close();
            return;
        }
        entry = registry.add(connectionId, host, ctx.channel());
        login = new Login(credentials, registry, config.tls(), registry.sha2, session, entry, out, nonce);
        // CLIENT_SSL only when TLS is configured: a client that sees it may send an SSLRequest
        int capabilities = config.tls() == null ? SERVER_CAPABILITIES : SERVER_CAPABILITIES | Capabilities.SSL;
        Handshake greeting = new Handshake(config.serverVersion(), connectionId, nonce, capabilities,
                UTF8MB4_GENERAL, Packets.STATUS_AUTOCOMMIT, Auth.CACHING_SHA2);
        out.writeAndFlush(greeting.encode());
        loginDeadline = ctx.executor().schedule(() -> loginTimedOut(ctx), connectTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Closes a connection still in the handshake when the connect timeout is up (a stalled or partial packet). */
    private void loginTimedOut(ChannelHandlerContext ctx) {
        if (state == State.AUTH) {
            LOG.debug("connection {} from {}: no login within {}", connectionId, session.remoteHost, connectTimeout);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (loginDeadline != null) {
            loginDeadline.cancel(false);
        }
        if (entry != null) {
            BinlogDump dump = entry.dump;
            if (dump != null) {
                dump.stop(null);
            }
            registry.remove(connectionId);
        }
        BackendConnection backend = session == null ? null : session.backend;
        if (backend != null) {
            backend.abort();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        BinlogDump dump = entry == null ? null : entry.dump;
        if (dump != null && ctx.channel().isWritable()) {
            dump.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MysqlPacket packet) {
        if (answering) {
            waiting.add(packet);
            return;
        }
        try {
            switch (state) {
                case AUTH -> {
                    if (login.read(ctx, packet)) {
                        state = State.COMMAND;
                        loginDeadline.cancel(false);
                    }
                }
                case COMMAND -> command(ctx, packet);
                case DUMPING -> {
                    // a replica sends nothing during a dump (semi-sync acks are not offered); ignore
                }
            }
        } catch (MysqlProtocolException e) {
            LOG.debug("connection {} from {}: malformed packet: {}", connectionId, session.remoteHost, e.getMessage());
            out.sequence(packet.sequenceId() + 1);
            out.writeAndFlush(Packets.err(MysqlError.ER_MALFORMED_PACKET));
            ctx.close();
        }
    }

    /** A client that is not dumping and has been silent past facade.idleTimeoutSeconds goes, as wait_timeout does. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            LOG.info("connection {} from {}: TLS handshake failed: {}", connectionId, session.remoteHost,
                    tls.cause().toString());
            ctx.close();
            return;
        }
        if (event instanceof io.netty.handler.timeout.IdleStateEvent && state == State.COMMAND && !answering) {
            LOG.info("connection {}: {}@{} idle for {} s, disconnected", connectionId, session.user,
                    session.remoteHost, config.limits().idleTimeout().toSeconds());
            out.sequence(0);
            out.writeAndFlush(Packets.err(MysqlError.ER_CLIENT_INTERACTION_TIMEOUT));
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    private void command(ChannelHandlerContext ctx, MysqlPacket packet) {
        byte[] payload = packet.payload();
        out.sequence(packet.sequenceId() + 1);
        if (packet.sequenceId() != 0) {
            out.writeAndFlush(Packets.err(MysqlError.ER_NET_PACKETS_OUT_OF_ORDER));
            ctx.close();
            return;
        }
        if (payload.length == 0) {
            throw new MysqlProtocolException("empty command packet");
        }
        int command = payload[0] & 0xff;
        switch (command) {
            case COM_QUIT -> ctx.close();
            case COM_PING -> ok();
            case COM_INIT_DB -> query(ctx, "USE `" + new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8)
                    .replace("`", "``") + "`");
            case COM_QUERY -> query(ctx, new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8));
            case COM_REGISTER_SLAVE -> registerReplica(payload);
            case COM_BINLOG_DUMP_GTID -> dumpGtid(ctx, payload);
            case COM_BINLOG_DUMP -> dumpPosition(ctx, PositionDumpRequest.parse(payload));
            default -> error(MysqlError.ER_UNKNOWN_COM_ERROR.exception());
        }
    }

    private void ok() {
        out.writeAndFlush(Packets.ok(0, 0, Packets.STATUS_AUTOCOMMIT, 0));
    }

    private void error(MysqlException e) {
        out.writeAndFlush(Packets.err(e));
    }

    /**
     * Answers a statement on the query executor, with reads paused; the answer is written from the event loop,
     * then the commands that came meanwhile are handled.
     */
    private void query(ChannelHandlerContext ctx, String sql) {
        answering = true;
        ctx.channel().config().setAutoRead(false);
        try {
            queries.execute(() -> {
                Object result = answerOrError(sql);
                if (result instanceof QueryResponder.Answer a && a.forward() != null) {
                    result = forward(ctx, a.forward());
                }
                Object answer = result;
                ctx.executor().execute(() -> answered(ctx, answer));
            });
        } catch (RejectedExecutionException e) {
            ctx.close(); // the server is closing
        }
    }

    private Object answerOrError(String sql) {
        try {
            return responder.answer(session, sql);
        } catch (MysqlException e) {
            return e;
        } catch (RuntimeException e) {
            LOG.warn("connection {}: query failed: {}", connectionId, e.toString());
            return MysqlError.ER_UNKNOWN_ERROR.exception("Sluice could not answer: " + e.getMessage());
        }
    }

    /** What {@link #forward} returns once the backend's response has been relayed. */
    private static final Object RELAYED = new Object();

    /**
     * Relays a statement's response from the metadata backend, on the query thread: {@code out} is this thread's
     * while reads are paused, and the relay waits whenever the client's buffer is full.
     */
    private Object forward(ChannelHandlerContext ctx, String sql) {
        BackendConnection backend;
        try {
            backend = responder.backend(session);
        } catch (MysqlException e) {
            return e;
        }
        boolean[] sent = {false};
        try {
            backend.relay(sql, payload -> {
                sent[0] = true;
                out.write(payload);
                if (!ctx.channel().isWritable()) {
                    out.flush();
                    awaitWritable(ctx);
                }
            });
            out.flush();
            return RELAYED;
        } catch (IOException e) {
            LOG.info("connection {}: metadata backend {}: {}", connectionId, backend.endpoint(), e.toString());
            if (sent[0]) {
                out.flush();
                ctx.close(); // part of a response went out: the client cannot be told anything more
                return RELAYED;
            }
            return MysqlError.ER_UNKNOWN_ERROR.exception("Sluice's metadata backend " + backend.endpoint()
                    + " failed: " + e.getMessage());
        }
    }

    private static void awaitWritable(ChannelHandlerContext ctx) throws IOException {
        while (!ctx.channel().isWritable()) {
            if (!ctx.channel().isActive()) {
                throw new IOException("the client closed the connection");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private void answered(ChannelHandlerContext ctx, Object result) {
        answering = false;
        if (result instanceof MysqlException e) {
            error(e);
        } else if (result == RELAYED) {
            // written by the query thread
        } else {
            write((QueryResponder.Answer) result);
        }
        while (!answering && !waiting.isEmpty() && ctx.channel().isActive()) {
            channelRead0(ctx, waiting.poll());
        }
        if (!answering) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void write(QueryResponder.Answer answer) {
        if (answer.resultSet() == null) {
            ok();
            return;
        }
        boolean deprecateEof = (session.capabilities & Capabilities.DEPRECATE_EOF) != 0;
        for (byte[] p : answer.resultSet().encode(deprecateEof, Packets.STATUS_AUTOCOMMIT)) {
            out.write(p);
        }
        out.flush();
    }

    /** COM_REGISTER_SLAVE: u32 server_id, host, user, password (u8-length strings), u16 port, u32 rank, u32 id. */
    private void registerReplica(byte[] payload) {
        PacketReader r = new PacketReader(payload);
        r.u8();
        long serverId = r.u32();
        String host = new String(r.bytes(r.u8()), StandardCharsets.UTF_8);
        r.skip(r.u8());
        r.skip(r.u8());
        int port = r.u16();
        entry.serverId = serverId;
        entry.reportHost = host;
        entry.reportPort = port;
        entry.uuid = session.replicaUuid();
        ok();
    }

    /**
     * COM_BINLOG_DUMP_GTID: u16 flags, u32 server_id, u32 name length, name, u64 position, u32 data size, GTID
     * set (binary form).
     */
    private void dumpGtid(ChannelHandlerContext ctx, byte[] payload) {
        PacketReader r = new PacketReader(payload);
        r.u8();
        int flags = r.u16();
        long serverId = r.u32();
        int nameLength = (int) r.u32();
        if (nameLength > 512) {
            throw new MysqlProtocolException("binlog name of " + nameLength + " bytes");
        }
        r.skip(nameLength);
        r.u64();
        GtidSet set;
        try {
            long size = r.u32();
            if (size > r.remaining()) {
                throw new MysqlProtocolException("GTID set of " + size + " bytes, " + r.remaining() + " sent");
            }
            byte[] data = r.bytes((int) size);
            set = GtidSet.decode(data, 0, data.length);
        } catch (UnsupportedGtidFormatException e) {
            error(new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG,
                    "Sluice does not support tagged GTID sets (MySQL 8.3+) yet: " + e.getMessage()));
            ctx.close();
            return;
        } catch (IllegalArgumentException e) {
            throw new MysqlProtocolException("malformed GTID set in COM_BINLOG_DUMP_GTID: " + e.getMessage(), e);
        }
        entry.serverId = serverId;
        entry.requested = set.toString();
        entry.dumpCommand = "Binlog Dump GTID";
        if (entry.uuid == null) {
            entry.uuid = session.replicaUuid();
        }
        startDump(ctx, new GtidDumpStart(set), flags, serverId);
    }

    /** COM_BINLOG_DUMP: by file and position (see {@link PositionDumpRequest}). */
    private void dumpPosition(ChannelHandlerContext ctx, PositionDumpRequest request) {
        entry.serverId = request.serverId();
        entry.requested = "'" + request.file() + "':" + request.position();
        entry.dumpCommand = "Binlog Dump";
        if (entry.uuid == null) {
            entry.uuid = session.replicaUuid();
        }
        startDump(ctx, new PositionDumpStart(request.file(), request.position()), request.flags(),
                request.serverId());
    }

    private void startDump(ChannelHandlerContext ctx, BinlogDump.DumpStart start, int flags, long serverId) {
        state = State.DUMPING;
        BinlogDump dump = new BinlogDump(config, ctx.channel(), out, entry, session, start, flags, serverId,
                registry.sharedTail(), registry.metrics());
        registry.startDump(entry, dump);
        dump.start();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException
                || cause instanceof DecoderException && cause.getCause() instanceof TooLongFrameException) {
            out.writeAndFlush(Packets.err(MysqlError.ER_NET_PACKET_TOO_LARGE));
        } else {
            LOG.debug("connection {}: {}", connectionId, cause.toString());
        }
        ctx.close();
    }
}
