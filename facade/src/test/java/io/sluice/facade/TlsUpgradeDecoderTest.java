package io.sluice.facade;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ResourceLeakDetector;
import io.sluice.model.protocol.Capabilities;
import io.sluice.model.protocol.HandshakeResponse;
import io.sluice.model.protocol.PacketWriter;
import io.sluice.testkit.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TlsUpgradeDecoder} through {@link EmbeddedChannel}: the SSLRequest passes on alone, byte for byte, and the
 * TLS ClientHello that follows it, in the same read or later, reaches the {@code SslHandler}, which answers with a
 * ServerHello; a plain login passes on untouched. Fed whole and one byte at a time.
 */
class TlsUpgradeDecoderTest {
    /** SSLRequest, golden: length 32, sequence 1; CLIENT_SSL among the capabilities; max packet 16 MiB; utf8mb4. */
    private static final byte[] SSL_REQUEST = MysqlPacketDecoderTest.frame(1, new PacketWriter()
            .u32(Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH
                    | Capabilities.SSL).u32(1 << 24).u8(45).zeros(23).toByteArray());
    private static FacadeTls tls;

    @BeforeAll
    static void certificates() throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        TestCertificates certs = TestCertificates.create(Files.createTempDirectory("tls-upgrade"));
        tls = FacadeTls.load(certs.serverCertPem(), certs.serverKeyPem(), null, false);
    }

    @Test
    void goldenSslRequestHeader() {
        assertThat(Arrays.copyOf(SSL_REQUEST, 8)).containsExactly(0x20, 0x00, 0x00, 0x01,
                0x00, 0x8a, 0x08, 0x00); // 32 bytes, seq 1; 0x0200 | 0x0800 | 0x8000 | 0x080000
    }

    @Test
    void sslRequestAndClientHelloInOneRead() throws Exception {
        upgrade(concat(SSL_REQUEST, clientHello()), false);
    }

    @Test
    void sslRequestAndClientHelloOneByteAtATime() throws Exception {
        upgrade(concat(SSL_REQUEST, clientHello()), true);
    }

    private static void upgrade(byte[] bytes, boolean oneByteAtATime) {
        List<byte[]> passed = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new TlsUpgradeDecoder(tls.context()), capture(passed));
        if (oneByteAtATime) {
            for (byte b : bytes) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        channel.runPendingTasks();
        assertThat(passed).hasSize(1);
        assertThat(passed.get(0)).containsExactly(SSL_REQUEST);
        assertThat(channel.pipeline().get(TlsUpgradeDecoder.TLS)).isInstanceOf(SslHandler.class);
        assertThat(channel.pipeline().get(TlsUpgradeDecoder.class)).isNull();
        ByteBuf serverHello = channel.readOutbound();
        assertThat(serverHello).as("the SslHandler answered the ClientHello").isNotNull();
        assertThat(serverHello.getByte(0)).as("a TLS handshake record").isEqualTo((byte) 0x16);
        serverHello.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void aPlainLoginPassesOnUntouchedAndTheDecoderStepsAside() {
        byte[] login = MysqlPacketDecoderTest.frame(1, new HandshakeResponse(Capabilities.PROTOCOL_41
                | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH, 1 << 24, 45, "repl", new byte[32], null,
                "caching_sha2_password", Map.of()).encode());
        for (boolean oneByteAtATime : new boolean[] {false, true}) {
            List<byte[]> passed = new ArrayList<>();
            EmbeddedChannel channel = new EmbeddedChannel(new TlsUpgradeDecoder(tls.context()), capture(passed));
            if (oneByteAtATime) {
                for (byte b : login) {
                    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
                }
            } else {
                channel.writeInbound(Unpooled.wrappedBuffer(login));
            }
            assertThat(concat(passed.toArray(byte[][]::new))).containsExactly(login);
            assertThat(channel.pipeline().get(TlsUpgradeDecoder.class)).isNull();
            assertThat(channel.pipeline().get(SslHandler.class)).isNull();
            assertThat(channel.finish()).isFalse();
        }
    }

    /** A handler that keeps the bytes that reach it. */
    private static ChannelInboundHandlerAdapter capture(List<byte[]> passed) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                passed.add(ByteBufUtil.getBytes(b));
                b.release();
            }
        };
    }

    /** A real ClientHello from the JDK's TLS, as a MySQL client sends it right after its SSLRequest. */
    private static byte[] clientHello() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", 3307);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        assertThat(hello[0]).isEqualTo((byte) 0x16);
        return hello;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
