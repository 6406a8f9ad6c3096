package io.sluice.facade;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.sluice.model.protocol.Packets;

/**
 * Writes MySQL packets to a channel with consecutive sequence ids, splitting payloads of 16 MiB − 1 or more and
 * adding the empty trailer when a payload is an exact multiple of it. {@link #beginPayload} and
 * {@link #payloadBytes} stream one payload whose length is known ahead (a binlog event) without holding it.
 * Used by one thread at a time.
 */
final class PacketOut {
    private final Channel channel;
    private int sequence;
    private long payloadLeft;
    private int packetLeft;
    private int packetSize;

    PacketOut(Channel channel) {
        this.channel = channel;
    }

    void sequence(int next) {
        sequence = next & 0xff;
    }

    int sequence() {
        return sequence;
    }

    /** Writes one whole payload (not flushed). */
    ChannelFuture write(byte[] payload) {
        beginPayload(payload.length);
        return payloadBytes(payload, 0, payload.length);
    }

    ChannelFuture writeAndFlush(byte[] payload) {
        ChannelFuture f = write(payload);
        channel.flush();
        return f;
    }

    void flush() {
        channel.flush();
    }

    /** Starts a payload of {@code length} bytes; its bytes follow through {@link #payloadBytes}. */
    void beginPayload(long length) {
        payloadLeft = length;
        packetHeader();
    }

    private void packetHeader() {
        int n = (int) Math.min(payloadLeft, Packets.MAX_PACKET);
        ByteBuf h = Unpooled.buffer(Packets.HEADER);
        h.writeMediumLE(n);
        h.writeByte(sequence);
        sequence = (sequence + 1) & 0xff;
        packetLeft = n;
        packetSize = n;
        channel.write(h);
    }

    /** The next bytes of the current payload; the array must not change afterwards (it is written as is). */
    ChannelFuture payloadBytes(byte[] data, int offset, int length) {
        ChannelFuture last = channel.newSucceededFuture();
        int p = offset;
        int left = length;
        while (left > 0) {
            if (packetLeft == 0) {
                packetHeader();
            }
            int n = Math.min(left, packetLeft);
            last = channel.write(Unpooled.wrappedBuffer(data, p, n));
            p += n;
            left -= n;
            packetLeft -= n;
            payloadLeft -= n;
        }
        if (payloadLeft == 0 && packetLeft == 0 && packetSize == Packets.MAX_PACKET) {
            packetHeader();
        }
        return last;
    }
}
