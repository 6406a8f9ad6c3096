package io.sluice.facade;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.sluice.model.protocol.Packets;

/**
 * Writes MySQL packets to a channel with consecutive sequence ids, splitting payloads of 16 MiB − 1 or more and
 * adding the empty trailer when a payload is an exact multiple of it. {@link #beginPayload} and
 * {@link #payloadBytes} stream one payload whose length is known ahead (a binlog event) without holding it.
 *
 * <p>Packets are gathered, without copying, into one composite buffer that goes to the channel on
 * {@link #flush} or when it grows past {@link #BATCH_BYTES}: a dump thread hands the event loop one task per
 * batch instead of one per packet. Used by one thread at a time.
 */
final class PacketOut {
    /** A batch is handed to the channel once it holds this much. */
    static final int BATCH_BYTES = 256 * 1024;
    private static final int MAX_COMPONENTS = 1024;

    private final Channel channel;
    private CompositeByteBuf batch;
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

    /** Adds one whole payload to the batch. */
    void write(byte[] payload) {
        beginPayload(payload.length);
        payloadBytes(payload, 0, payload.length);
    }

    /** Adds one whole payload and sends everything batched. */
    void writeAndFlush(byte[] payload) {
        write(payload);
        flush();
    }

    /** Sends what is batched and flushes the channel. */
    void flush() {
        send();
        channel.flush();
    }

    /** Bytes batched and not yet handed to the channel. */
    int batched() {
        return batch == null ? 0 : batch.readableBytes();
    }

    private void send() {
        if (batch != null) {
            CompositeByteBuf b = batch;
            batch = null;
            channel.write(b);
        }
    }

    private void add(ByteBuf buf) {
        if (batch == null) {
            batch = Unpooled.compositeBuffer(MAX_COMPONENTS);
        }
        batch.addComponent(true, buf);
        if (batch.readableBytes() >= BATCH_BYTES || batch.numComponents() >= MAX_COMPONENTS) {
            send();
        }
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
        add(h);
    }

    /** The next bytes of the current payload; the array must not change afterwards (it is sent as is). */
    void payloadBytes(byte[] data, int offset, int length) {
        int p = offset;
        int left = length;
        while (left > 0) {
            if (packetLeft == 0) {
                packetHeader();
            }
            int n = Math.min(left, packetLeft);
            add(Unpooled.wrappedBuffer(data, p, n));
            p += n;
            left -= n;
            packetLeft -= n;
            payloadLeft -= n;
        }
        if (payloadLeft == 0 && packetLeft == 0 && packetSize == Packets.MAX_PACKET) {
            packetHeader();
        }
    }
}
