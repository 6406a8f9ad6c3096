package io.sluice.facade;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.sluice.model.protocol.Capabilities;
import io.sluice.model.protocol.Packets;

import java.util.List;

/**
 * First in the pipeline of a facade that offers TLS, until the client's first packet has come: when it is an
 * SSLRequest (a 32-byte payload whose capabilities have CLIENT_SSL, Protocol::SSLRequest in MySQL's
 * {@code sql/auth/sql_authentication.cc}), passes exactly those bytes on and puts an {@code SslHandler} in its
 * own place, which then reads everything after them, the TLS ClientHello first, even when it came in the same
 * read; otherwise it steps aside and the login goes on in plain text. Never logs.
 */
final class TlsUpgradeDecoder extends ByteToMessageDecoder {
    /** The pipeline name of the {@code SslHandler} this decoder puts in its place. */
    static final String TLS = "tls";
    /** An SSLRequest's payload: capabilities, max packet, character set, 23 bytes of filler. */
    static final int SSL_REQUEST = 32;
    private final SslContext context;

    TlsUpgradeDecoder(SslContext context) {
        this.context = context;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < Packets.HEADER + 4) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getUnsignedMediumLE(start);
        int capabilities = in.getIntLE(start + Packets.HEADER);
        if (length != SSL_REQUEST || (capabilities & Capabilities.SSL) == 0) {
            ctx.pipeline().remove(this); // the bytes buffered here go on to the packet decoder
            return;
        }
        if (in.readableBytes() < Packets.HEADER + SSL_REQUEST) {
            return;
        }
        // the request goes on now, ahead of the TLS records that follow it; what is left of the buffer reaches the
        // SslHandler when this decoder is replaced, and so does everything read afterwards
        ctx.fireChannelRead(in.readRetainedSlice(Packets.HEADER + SSL_REQUEST));
        ctx.pipeline().replace(this, TLS, context.newHandler(ctx.alloc()));
    }
}
