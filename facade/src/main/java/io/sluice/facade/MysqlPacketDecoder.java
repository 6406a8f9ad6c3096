package io.sluice.facade;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.sluice.model.protocol.Packets;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Frames the client's byte stream into {@link MysqlPacket}s: u24 length, u8 sequence id, payload; a packet of
 * 16 MiB − 1 continues in the next one. Payloads beyond {@code maxPayload} are refused with
 * {@link TooLongFrameException} before they are buffered. Holds no business logic and never logs.
 */
final class MysqlPacketDecoder extends ByteToMessageDecoder {
    private final int maxPayload;
    private ByteArrayOutputStream continuation;
    private int firstSequence;

    MysqlPacketDecoder(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= Packets.HEADER) {
            int length = in.getUnsignedMediumLE(in.readerIndex());
            int sequence = in.getUnsignedByte(in.readerIndex() + 3);
            int already = continuation == null ? 0 : continuation.size();
            if ((long) already + length > maxPayload) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("packet of more than " + maxPayload + " bytes");
            }
            if (in.readableBytes() < Packets.HEADER + length) {
                return;
            }
            in.skipBytes(Packets.HEADER);
            byte[] payload = new byte[length];
            in.readBytes(payload);
            if (length == Packets.MAX_PACKET) {
                if (continuation == null) {
                    continuation = new ByteArrayOutputStream();
                    firstSequence = sequence;
                }
                continuation.writeBytes(payload);
                continue;
            }
            if (continuation != null) {
                continuation.writeBytes(payload);
                out.add(new MysqlPacket(firstSequence, continuation.toByteArray()));
                continuation = null;
            } else {
                out.add(new MysqlPacket(sequence, payload));
            }
        }
    }
}
