package io.sluice.facade;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.model.protocol.Auth;
import io.sluice.model.protocol.Capabilities;
import io.sluice.model.protocol.Handshake;
import io.sluice.model.protocol.HandshakeResponse;
import io.sluice.model.protocol.Packets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random bytes, before and after login, into the connection's real pipeline (framing and handler) in an
 * {@link EmbeddedChannel}: the handler never throws out of the pipeline, every inbound buffer is released, and
 * what goes out is whole packets. Runs under the paranoid leak detection the parent pom sets for tests.
 */
class PipelinePropertiesTest {
    private static final FacadeConfig CONFIG = new FacadeConfig("127.0.0.1", 0, 4242,
            "5f0c6c1e-3f43-11ef-9e2a-0242ac120002", "8.0.31-sluice", "binlog", Map.of(), 10, 1 << 20, 1 << 30);

    @Property(tries = 300)
    void randomChunksAfterLogin(@ForAll("chunks") List<byte[]> chunks) {
        run(chunks, true);
    }

    @Property(tries = 300)
    void randomChunksBeforeLogin(@ForAll("chunks") List<byte[]> chunks) {
        run(chunks, false);
    }

    private static void run(List<byte[]> chunks, boolean login) {
        ReplicaRegistry registry = new ReplicaRegistry();
        QueryResponder responder = new QueryResponder(CONFIG, () -> {
            throw new IllegalStateException("no topic here");
        }, () -> "CRC32");
        EmbeddedChannel ch = new EmbeddedChannel(new MysqlPacketDecoder(1 << 16),
                new FacadeServerHandler(CONFIG, user -> Optional.of("pw"), registry, responder, 1,
                        Duration.ofSeconds(10)));
        List<ByteBuf> sent = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drain(ch, out);
        if (login) {
            Handshake h = Handshake.parse(Arrays.copyOfRange(out.toByteArray(), Packets.HEADER, out.size()));
            byte[] response = new HandshakeResponse(Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION
                    | Capabilities.PLUGIN_AUTH | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA, 1 << 24, 45, "repl",
                    Auth.sha2Scramble("pw", h.nonce()), null, Auth.CACHING_SHA2, Map.of()).encode();
            write(ch, sent, MysqlPacketDecoderTest.frame(1, response));
        }
        for (byte[] chunk : chunks) {
            if (!ch.isActive()) {
                break;
            }
            write(ch, sent, chunk);
        }
        drain(ch, out);
        ch.finishAndReleaseAll();
        for (ByteBuf b : sent) {
            assertThat(b.refCnt()).as("inbound buffer released").isZero();
        }
        byte[] b = out.toByteArray();
        int i = 0;
        while (i < b.length) {
            assertThat(b.length - i).isGreaterThanOrEqualTo(Packets.HEADER);
            int length = (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16;
            i += Packets.HEADER + length;
        }
        assertThat(i).as("whole packets out").isEqualTo(b.length);
        assertThat(registry.size()).as("the connection left the registry").isZero();
    }

    private static void write(EmbeddedChannel ch, List<ByteBuf> sent, byte[] bytes) {
        if (bytes.length == 0) {
            return; // Unpooled.EMPTY_BUFFER is never released: nothing to check
        }
        ByteBuf buf = Unpooled.copiedBuffer(bytes);
        sent.add(buf);
        ch.writeInbound(buf);
        ch.runPendingTasks();
    }

    private static void drain(EmbeddedChannel ch, ByteArrayOutputStream out) {
        ch.runPendingTasks();
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            ByteBuf buf = (ByteBuf) o;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            out.writeBytes(bytes);
        }
    }

    @Provide
    Arbitrary<List<byte[]>> chunks() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(100);
        Arbitrary<byte[]> framed = Arbitraries.bytes().array(byte[].class).ofMaxSize(80).flatMap(body ->
                Arbitraries.of(0x01, 0x02, 0x03, 0x0e, 0x12, 0x15, 0x1e, 0x00, 0xff).flatMap(cmd ->
                        Arbitraries.integers().between(0, 3).map(seq -> {
                            byte[] p = new byte[body.length + 1];
                            p[0] = (byte) (int) cmd;
                            System.arraycopy(body, 0, p, 1, body.length);
                            return MysqlPacketDecoderTest.frame(seq, p);
                        })));
        Arbitrary<byte[]> tooLong = Arbitraries.just(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0x7f, 0});
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, random), net.jqwik.api.Tuple.of(6, framed), net.jqwik.api.Tuple.of(1, tooLong))
                .list().ofMaxSize(8);
    }
}
