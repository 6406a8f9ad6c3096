package io.sluice.facade;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.sluice.model.protocol.Packets;

/**
 * Writes MySQL packets to a channel with consecutive sequence ids, splitting payloads of 16 MiB − 1 or more and
 * adding the empty trailer when a payload is an exact multiple of it. {@link #beginPayload} and
 * {@link #payloadBytes} stream one payload whose length is known ahead (a binlog event) without holding it.
 *
 * <p>Packets are copied, headers and payloads alike, into buffers of {@link #BATCH_BYTES} from the channel's
 * (pooled, direct) allocator, and each full buffer goes to the channel; {@link #flush} sends the last one. A heap
 * array must be copied into direct memory before a socket takes it anyway, so this is the one copy, done by the
 * dump's thread instead of the event loop, and without the per-event buffer objects a composite of wrapped arrays
 * needs (profiled: those were a third of a dump thread's time). Used by one thread at a time.
 */
final class PacketOut {
    /** A batch is handed to the channel once it holds this much. */
    static final int BATCH_BYTES = 256 * 1024;

    private final Channel channel;
    private ByteBuf batch;
    private int sequence;
    private long payloadLeft;
    private int packetLeft;
    private int packetSize;

    private final FacadeMetrics metrics;

    PacketOut(Channel channel) {
        this(channel, null);
    }

    /** @param metrics where ERR packets are counted, or {@code null} */
    PacketOut(Channel channel, FacadeMetrics metrics) {
        this.channel = channel;
        this.metrics = metrics;
    }

    void sequence(int next) {
        sequence = next & 0xff;
    }

    int sequence() {
        return sequence;
    }

    /** Adds one whole payload to the batch. */
    void write(byte[] payload) {
        if (metrics != null) {
            metrics.errorPacket(payload);
        }
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
            ByteBuf b = batch;
            batch = null;
            if (b.isReadable()) {
                channel.write(b);
            } else {
                b.release();
            }
        }
    }

    /** The batch, with at least {@code n} (at most {@link #BATCH_BYTES}) bytes of room. */
    private ByteBuf room(int n) {
        if (batch != null && batch.writableBytes() < n) {
            send();
        }
        if (batch == null) {
            batch = channel.alloc().directBuffer(BATCH_BYTES, BATCH_BYTES);
        }
        return batch;
    }

    /** Starts a payload of {@code length} bytes; its bytes follow through {@link #payloadBytes}. */
    void beginPayload(long length) {
        payloadLeft = length;
        packetHeader();
    }

    private void packetHeader() {
        int n = (int) Math.min(payloadLeft, Packets.MAX_PACKET);
        ByteBuf b = room(Packets.HEADER);
        b.writeMediumLE(n);
        b.writeByte(sequence);
        sequence = (sequence + 1) & 0xff;
        packetLeft = n;
        packetSize = n;
    }

    /** The next bytes of the current payload (copied: the array may change afterwards). */
    void payloadBytes(byte[] data, int offset, int length) {
        int p = offset;
        int left = length;
        while (left > 0) {
            if (packetLeft == 0) {
                packetHeader();
            }
            ByteBuf b = room(1);
            int n = Math.min(Math.min(left, packetLeft), b.writableBytes());
            b.writeBytes(data, p, n);
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
