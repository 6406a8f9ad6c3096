package io.sluice.facade;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MySQL-protocol server replicas and CDC tools connect to. Each connection gets its own handler; each dump
 * its own thread and Kafka consumer (see {@link BinlogDump}).
 */
public final class FacadeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FacadeServer.class);
    /** Largest command packet accepted from a client (a COM_QUERY, a GTID set). */
    static final int MAX_COMMAND = 16 * 1024 * 1024;
    /**
     * How long a client has to log in, like MySQL's {@code connect_timeout} (default 10 s): a client that stalls
     * in the handshake would otherwise hold a connection slot for ever.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final FacadeConfig config;
    private final Credentials credentials;
    private final Duration connectTimeout;
    private final ReplicaRegistry registry = new ReplicaRegistry();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;
    private TopicView view;
    private SharedTail sharedTail;
    /**
     * Answers statements off the event loops: some read Kafka (SHOW BINARY LOGS, gtid_purged, gtid_executed) and
     * would stall every connection of their loop for as long as Kafka is slow. A connection has at most one
     * statement in flight, so the pool never holds more threads than there are connections.
     */
    private ExecutorService queries;
    private volatile Supplier<List<GroupMember>> groupMembers = List::of;

    public FacadeServer(FacadeConfig config, Credentials credentials) {
        this(config, credentials, CONNECT_TIMEOUT);
    }

    /** A server that counts what it does in {@code metrics} (see {@link FacadeMetrics}). */
    public FacadeServer(FacadeConfig config, Credentials credentials, FacadeMetrics metrics) {
        this(config, credentials, CONNECT_TIMEOUT);
        registry.metrics(metrics);
    }

    FacadeServer(FacadeConfig config, Credentials credentials, Duration connectTimeout) {
        this.config = config;
        this.credentials = credentials;
        this.connectTimeout = connectTimeout;
    }

    /** Binds the port; returns once the server accepts connections. */
    public synchronized void start() throws InterruptedException {
        if (serverChannel != null) {
            return;
        }
        registry.throttle(new LoginThrottle(config.limits().failedLoginThreshold()));
        view = new TopicView(config.consumerConfig(), config.topic());
        TopicView v = view;
        registry.topicEnd(v::followedEnd);
        if (config.sharedWindowBytes() > 0) {
            sharedTail = new SharedTail(config.consumerConfig(), config.topic(), config.sharedWindowBytes());
            registry.sharedTail(sharedTail);
        }
        QueryResponder responder = new QueryResponder(config, view::tail, view::checksum, () -> groupMembers.get(),
                view::purged, new AdminStatements(config, view::files, registry,
                        new BinlogEventsStatement(config.consumerConfig(), config.topic(), () -> {
                            List<io.sluice.kafka.binlog.BinlogFileIndex.BinlogFile> files = view.files();
                            return files.isEmpty() ? null : files.get(0).name();
                        })));
        AtomicInteger queryThreads = new AtomicInteger();
        queries = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "facade-query-" + queryThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.sendBufferBytes() / 2, config.sendBufferBytes()))
                .childHandler(new FacadeServerInitializer(config, credentials, registry, responder,
                        queries, connectTimeout));
        serverChannel = b.bind(new InetSocketAddress(config.bindHost(), config.port())).sync().channel();
        LOG.info("facade listening on {} as MySQL {} (server_id {}, server_uuid {})", serverChannel.localAddress(),
                config.serverVersion(), config.serverId(), config.serverUuid());
    }

    /**
     * The addresses that may connect ({@code facade.ipAllowlist}); others get MySQL's ERR 1130 as their greeting and
     * are disconnected. Takes effect for connections made after the call.
     */
    public void allowlist(io.sluice.model.net.IpAllowlist list) {
        registry.allowlist(list);
    }

    /** Where {@code performance_schema.replication_group_members} comes from (the cluster's membership view). */
    public void groupMembers(Supplier<List<GroupMember>> members) {
        this.groupMembers = members;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public boolean isRunning() {
        return serverChannel != null && serverChannel.isActive();
    }

    /** The dumps reading through the shared window of the topic now (the others have readers of their own). */
    public int sharedReaders() {
        SharedTail tail = sharedTail;
        return tail == null ? 0 : tail.cursors();
    }

    public ReplicaRegistry registry() {
        return registry;
    }

    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            workers = null;
            boss = null;
        }
        if (queries != null) {
            queries.shutdownNow();
            queries = null;
        }
        if (view != null) {
            view.close();
            view = null;
        }
        if (sharedTail != null) {
            registry.sharedTail(null);
            sharedTail.close();
            sharedTail = null;
        }
    }
}
