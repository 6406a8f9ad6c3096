package io.sluice.facade;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.sluice.model.protocol.Packets;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The client-side framing: u24 length, u8 sequence id, payload; 0xFFFFFF means "continued in the next packet".
 * Runs under paranoid leak detection (set by the parent pom for surefire), so every buffer the decoder keeps or
 * drops is checked. Input is copied into fresh buffers: the decoder may compact a buffer it keeps
 * ({@code discardSomeReadBytes}), which would write into a wrapped test array shared between cases.
 */
class MysqlPacketDecoderTest {
    private static final int LIMIT = FacadeServer.MAX_COMMAND;

    /** A COM_QUERY, a COM_PING, an empty payload and a payload of 251 bytes (past one-byte lengths), seq 0..3. */
    private static final byte[] STREAM = concat(
            frame(0, bytes("\u0003SELECT @@GLOBAL.GTID_MODE")),
            frame(1, new byte[] {0x0e}),
            frame(2, new byte[0]),
            frame(3, filled(251, (byte) 'x')));

    private static final List<String> EXPECTED = List.of(
            "0:" + hex(bytes("\u0003SELECT @@GLOBAL.GTID_MODE")),
            "1:0e",
            "2:",
            "3:" + hex(filled(251, (byte) 'x')));

    @Test
    void wholeStream() {
        EmbeddedChannel ch = channel(LIMIT);
        ch.writeInbound(Unpooled.copiedBuffer(STREAM));
        assertThat(drain(ch)).containsExactlyElementsOf(EXPECTED);
        assertFalse(ch.finish());
    }

    @Test
    void oneByteAtATime() {
        EmbeddedChannel ch = channel(LIMIT);
        for (byte b : STREAM) {
            ch.writeInbound(Unpooled.copiedBuffer(new byte[] {b}));
        }
        assertThat(drain(ch)).containsExactlyElementsOf(EXPECTED);
        assertFalse(ch.finish());
    }

    @Test
    void splitAtEveryOffset() {
        for (int i = 0; i <= STREAM.length; i++) {
            EmbeddedChannel ch = channel(LIMIT);
            ch.writeInbound(Unpooled.copiedBuffer(STREAM, 0, i));
            ch.writeInbound(Unpooled.copiedBuffer(STREAM, i, STREAM.length - i));
            assertThat(drain(ch)).as("split at %d", i).containsExactlyElementsOf(EXPECTED);
            assertFalse(ch.finish());
        }
    }

    @Test
    void splitInThreeAtEveryPairOfOffsets() {
        byte[] small = Arrays.copyOf(STREAM, STREAM.length - (Packets.HEADER + 251));
        List<String> expected = EXPECTED.subList(0, 3);
        for (int i = 0; i <= small.length; i++) {
            for (int j = i; j <= small.length; j++) {
                EmbeddedChannel ch = channel(LIMIT);
                ch.writeInbound(Unpooled.copiedBuffer(small, 0, i));
                ch.writeInbound(Unpooled.copiedBuffer(small, i, j - i));
                ch.writeInbound(Unpooled.copiedBuffer(small, j, small.length - j));
                assertThat(drain(ch)).as("split at %d and %d", i, j).containsExactlyElementsOf(expected);
                assertFalse(ch.finish());
            }
        }
    }

    @Test
    void incompletePacketIsKeptUntilTheRestArrives() {
        EmbeddedChannel ch = channel(LIMIT);
        assertFalse(ch.writeInbound(Unpooled.copiedBuffer(STREAM, 0, 10)));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(Unpooled.copiedBuffer(STREAM, 10, STREAM.length - 10));
        assertThat(drain(ch)).containsExactlyElementsOf(EXPECTED);
        assertFalse(ch.finish());
    }

    @Test
    void payloadOfExactly0xFFFFFFIsJoinedWithItsEmptyTrailer() {
        byte[] payload = pattern(Packets.MAX_PACKET);
        byte[] stream = concat(frame(5, payload), frame(6, new byte[0]), frame(0, new byte[] {0x0e}));
        List<String> expected = List.of("5:" + digest(payload), "0:" + digest(new byte[] {0x0e}));

        EmbeddedChannel whole = channel(LIMIT);
        whole.writeInbound(Unpooled.copiedBuffer(stream));
        assertThat(drainDigests(whole)).containsExactlyElementsOf(expected);
        assertFalse(whole.finish());

        // split inside both headers and around the boundary between the packets
        int second = Packets.HEADER + Packets.MAX_PACKET;
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i <= Packets.HEADER; i++) {
            offsets.add(i);
            offsets.add(second - 2 + i);
            offsets.add(second + 2 + i);
        }
        for (int i : offsets) {
            EmbeddedChannel ch = channel(LIMIT);
            ch.writeInbound(Unpooled.copiedBuffer(stream, 0, i));
            ch.writeInbound(Unpooled.copiedBuffer(stream, i, stream.length - i));
            assertThat(drainDigests(ch)).as("split at %d", i).containsExactlyElementsOf(expected);
            assertFalse(ch.finish());
        }
    }

    @Test
    void payloadsLongerThanOnePacketAreJoined() {
        byte[] payload = pattern(Packets.MAX_PACKET + 100);
        byte[] stream = concat(frame(0, Arrays.copyOf(payload, Packets.MAX_PACKET)),
                frame(1, Arrays.copyOfRange(payload, Packets.MAX_PACKET, payload.length)));
        EmbeddedChannel ch = channel(2 * Packets.MAX_PACKET);
        ch.writeInbound(Unpooled.copiedBuffer(stream));
        assertThat(drainDigests(ch)).containsExactly("0:" + digest(payload));
        assertFalse(ch.finish());
    }

    @Test
    void lengthBeyondTheLimitIsRefusedFromTheHeaderAlone() {
        EmbeddedChannel ch = channel(100);
        ByteBuf header = Unpooled.buffer(Packets.HEADER).writeMediumLE(101).writeByte(0);
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(header));
        assertThat(header.refCnt()).as("the decoder released the header").isZero();
        assertThat((Object) ch.readInbound()).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void lengthAtTheLimitIsAccepted() {
        EmbeddedChannel ch = channel(100);
        ch.writeInbound(Unpooled.copiedBuffer(frame(0, filled(100, (byte) 1))));
        assertThat(drain(ch)).containsExactly("0:" + hex(filled(100, (byte) 1)));
        assertFalse(ch.finish());
    }

    @Test
    void oversizedPacketIsNotBufferedWhileItsBodyArrives() {
        EmbeddedChannel ch = channel(100);
        byte[] stream = frame(0, filled(1000, (byte) 7));
        // the header and the first bytes of the body: refused at once, not after 1000 bytes were collected
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(Unpooled.copiedBuffer(stream, 0, 20)));
        assertThat((Object) ch.readInbound()).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void continuationBeyondTheLimitIsRefused() {
        int limit = Packets.MAX_PACKET + 10;
        EmbeddedChannel ch = channel(limit);
        ch.writeInbound(Unpooled.copiedBuffer(frame(0, new byte[Packets.MAX_PACKET])));
        assertThat((Object) ch.readInbound()).as("first part of a continued payload").isNull();
        ByteBuf header = Unpooled.buffer(Packets.HEADER).writeMediumLE(11).writeByte(1);
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(header));
        assertThat((Object) ch.readInbound()).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void continuationUpToTheLimitIsAccepted() {
        int limit = Packets.MAX_PACKET + 10;
        EmbeddedChannel ch = channel(limit);
        byte[] payload = pattern(limit);
        ch.writeInbound(Unpooled.copiedBuffer(concat(frame(0, Arrays.copyOf(payload, Packets.MAX_PACKET)),
                frame(1, Arrays.copyOfRange(payload, Packets.MAX_PACKET, limit)))));
        assertThat(drainDigests(ch)).containsExactly("0:" + digest(payload));
        assertFalse(ch.finish());
    }

    // --- helpers

    private static EmbeddedChannel channel(int limit) {
        return new EmbeddedChannel(new MysqlPacketDecoder(limit));
    }

    private static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (MysqlPacket p = ch.readInbound(); p != null; p = ch.readInbound()) {
            out.add(p.sequenceId() + ":" + hex(p.payload()));
        }
        return out;
    }

    /** Like {@link #drain} but with a digest of each payload, so a failure does not print 16 MiB. */
    private static List<String> drainDigests(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (MysqlPacket p = ch.readInbound(); p != null; p = ch.readInbound()) {
            out.add(p.sequenceId() + ":" + digest(p.payload()));
        }
        return out;
    }

    static byte[] frame(int sequence, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + Packets.HEADER);
        out.write(payload.length);
        out.write(payload.length >>> 8);
        out.write(payload.length >>> 16);
        out.write(sequence);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] filled(int n, byte b) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }

    /** Bytes that differ from one offset to the next, so a shifted or dropped byte changes the digest. */
    static byte[] pattern(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (i * 31 + (i >>> 8));
        }
        return out;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String digest(byte[] b) {
        return b.length + "/" + hex(io.sluice.model.protocol.Auth.sha256(b));
    }
}
