package io.sluice.facade;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.model.protocol.Packets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.sluice.facade.MysqlPacketDecoderTest.digest;
import static io.sluice.facade.MysqlPacketDecoderTest.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The server-side framing, checked against MySQL's rule ({@code sql-common/net_serv.cc}, my_net_write): a payload
 * is cut into packets of 0xFFFFFF bytes; a packet of exactly 0xFFFFFF bytes means "continued", so a payload that is
 * a multiple of 0xFFFFFF (0 excepted) ends with an empty packet; sequence ids run on consecutively.
 */
class PacketOutTest {
    private static final int MAX = Packets.MAX_PACKET;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, MAX - 1, MAX, MAX + 1, 2 * MAX})
    void wholePayloadIsFramedByTheMysqlRule(int size) {
        byte[] payload = pattern(size);
        EmbeddedChannel ch = new EmbeddedChannel();
        PacketOut out = new PacketOut(ch);
        out.sequence(3);
        out.writeAndFlush(payload);

        List<Frame> frames = parse(outbound(ch));
        assertThat(frames).hasSize(size / MAX + 1);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).sequence).as("sequence of packet %d", i).isEqualTo(3 + i);
            int expectedLength = i < frames.size() - 1 ? MAX : size % MAX;
            assertThat(frames.get(i).payload.length).as("length of packet %d", i).isEqualTo(expectedLength);
        }
        assertThat(digest(join(frames))).isEqualTo(digest(payload));
        assertThat(out.sequence()).isEqualTo(3 + frames.size());
        assertFalse(ch.finish());
    }

    @Test
    void multipleOf0xFFFFFFEndsWithAnEmptyPacket() {
        EmbeddedChannel ch = new EmbeddedChannel();
        PacketOut out = new PacketOut(ch);
        out.writeAndFlush(new byte[MAX]);
        List<Frame> frames = parse(outbound(ch));
        assertThat(frames).extracting(f -> f.payload.length).containsExactly(MAX, 0);
        assertThat(frames).extracting(f -> f.sequence).containsExactly(0, 1);
        assertFalse(ch.finish());
    }

    @Test
    void smallPayloadsOneAfterAnother() {
        EmbeddedChannel ch = new EmbeddedChannel();
        PacketOut out = new PacketOut(ch);
        out.sequence(1);
        out.write(new byte[] {1, 2});
        out.write(new byte[0]);
        out.writeAndFlush(new byte[] {3});
        byte[] bytes = outbound(ch);
        assertThat(bytes).containsExactly(
                2, 0, 0, 1, 1, 2,
                0, 0, 0, 2,
                1, 0, 0, 3, 3);
        assertFalse(ch.finish());
    }

    @Test
    void sequenceIdsWrapAt256() {
        EmbeddedChannel ch = new EmbeddedChannel();
        PacketOut out = new PacketOut(ch);
        out.sequence(255);
        out.writeAndFlush(new byte[] {9});
        out.writeAndFlush(new byte[] {9});
        List<Frame> frames = parse(outbound(ch));
        assertThat(frames).extracting(f -> f.sequence).containsExactly(255, 0);
        assertFalse(ch.finish());
    }

    @Test
    void nothingIsSentBeforeFlush() {
        EmbeddedChannel ch = new EmbeddedChannel();
        PacketOut out = new PacketOut(ch);
        out.write(new byte[] {1});
        assertThat((Object) ch.readOutbound()).isNull();
        out.flush();
        assertThat(outbound(ch)).containsExactly(1, 0, 0, 0, 1);
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, MAX - 1, MAX, MAX + 1, 2 * MAX})
    void streamingInArbitrarySlicesGivesTheSameBytes(int size) {
        byte[] payload = pattern(size);
        EmbeddedChannel whole = new EmbeddedChannel();
        PacketOut wholeOut = new PacketOut(whole);
        wholeOut.sequence(7);
        wholeOut.writeAndFlush(payload);
        String expected = digest(outbound(whole));
        assertFalse(whole.finish());

        Random random = new Random(size);
        for (int round = 0; round < 3; round++) {
            EmbeddedChannel ch = new EmbeddedChannel();
            PacketOut out = new PacketOut(ch);
            out.sequence(7);
            out.beginPayload(size);
            for (int[] slice : slices(size, round, random)) {
                out.payloadBytes(payload, slice[0], slice[1]);
            }
            out.flush();
            assertThat(digest(outbound(ch))).as("round %d", round).isEqualTo(expected);
            assertThat(out.sequence()).isEqualTo(wholeOut.sequence());
            assertFalse(ch.finish());
        }
    }

    @Test
    void streamedPayloadThenNextPayloadContinueTheSequence() {
        EmbeddedChannel ch = new EmbeddedChannel();
        PacketOut out = new PacketOut(ch);
        byte[] event = pattern(MAX);
        out.beginPayload(MAX);
        out.payloadBytes(event, 0, 1000);
        out.payloadBytes(event, 1000, MAX - 1000);
        out.write(new byte[] {0x42});
        out.flush();
        List<Frame> frames = parse(outbound(ch));
        assertThat(frames).extracting(f -> f.payload.length).containsExactly(MAX, 0, 1);
        assertThat(frames).extracting(f -> f.sequence).containsExactly(0, 1, 2);
        assertFalse(ch.finish());
    }

    /** Slices of [0, size): round 0 cuts right at and around the packet boundaries, others at random. */
    private static List<int[]> slices(int size, int round, Random random) {
        List<int[]> out = new ArrayList<>();
        if (size == 0) {
            out.add(new int[] {0, 0});
            return out;
        }
        List<Integer> cuts = new ArrayList<>();
        if (round == 0) {
            for (long b = MAX; b < size; b += MAX) {
                cuts.add((int) b - 1);
                cuts.add((int) b);
                cuts.add((int) b + 1);
            }
            cuts.add(1);
            cuts.add(size - 1);
        } else {
            for (int i = 0; i < 20; i++) {
                cuts.add(random.nextInt(size + 1));
            }
        }
        int[] sorted = cuts.stream().filter(c -> c >= 0 && c <= size).mapToInt(Integer::intValue).sorted()
                .distinct().toArray();
        int start = 0;
        for (int c : sorted) {
            out.add(new int[] {start, c - start});
            start = c;
        }
        out.add(new int[] {start, size - start});
        if (round == 2) {
            out.add(1, new int[] {0, 0}); // an empty slice between two others does no harm
        }
        return out;
    }

    private record Frame(int sequence, byte[] payload) {
    }

    /** Reads every outbound ByteBuf into one array and releases them. */
    private static byte[] outbound(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                out.writeBytes(bytes);
            } finally {
                b.release();
            }
        }
        return out.toByteArray();
    }

    /** Splits a byte stream into packets and checks it holds whole payloads only (MySQL's reading side). */
    private static List<Frame> parse(byte[] stream) {
        List<Frame> frames = new ArrayList<>();
        int p = 0;
        boolean continued = false;
        while (p < stream.length) {
            assertThat(stream.length - p).as("room for a header at %d", p).isGreaterThanOrEqualTo(Packets.HEADER);
            int length = (stream[p] & 0xff) | (stream[p + 1] & 0xff) << 8 | (stream[p + 2] & 0xff) << 16;
            int sequence = stream[p + 3] & 0xff;
            p += Packets.HEADER;
            assertThat(stream.length - p).as("room for a payload of %d at %d", length, p)
                    .isGreaterThanOrEqualTo(length);
            frames.add(new Frame(sequence, Arrays.copyOfRange(stream, p, p + length)));
            p += length;
            continued = length == MAX;
        }
        assertThat(continued).as("the last packet is shorter than 0xFFFFFF").isFalse();
        return frames;
    }

    private static byte[] join(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(f -> out.writeBytes(f.payload));
        return out.toByteArray();
    }
}
