package io.sluice.facade;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline of one connection: when the facade offers TLS, {@link TlsUpgradeDecoder} (which becomes the
 * {@code SslHandler} on an SSLRequest), then the idle timer, packet framing and the connection's handler.
 */
final class FacadeServerInitializer extends ChannelInitializer<SocketChannel> {
    private final FacadeConfig config;
    private final Credentials credentials;
    private final ReplicaRegistry registry;
    private final QueryResponder responder;
    private final Executor queries;
    private final Duration connectTimeout;
    private final AtomicLong connectionIds = new AtomicLong();

    FacadeServerInitializer(FacadeConfig config, Credentials credentials, ReplicaRegistry registry,
                            QueryResponder responder, Executor queries, Duration connectTimeout) {
        this.config = config;
        this.credentials = credentials;
        this.registry = registry;
        this.responder = responder;
        this.queries = queries;
        this.connectTimeout = connectTimeout;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (config.tls() != null) {
            ch.pipeline().addLast("tls-upgrade", new TlsUpgradeDecoder(config.tls().context()));
        }
        ch.pipeline()
                .addLast("idle", new io.netty.handler.timeout.IdleStateHandler(
                        config.limits().idleTimeout().toSeconds(), 0, 0, java.util.concurrent.TimeUnit.SECONDS))
                .addLast("frames", new MysqlPacketDecoder(FacadeServer.MAX_COMMAND))
                .addLast("handler", new FacadeServerHandler(config, credentials, registry, responder, queries,
                        connectionIds.incrementAndGet(), connectTimeout));
    }
}
