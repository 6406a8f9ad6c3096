package io.sluice.model.client;

import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlProtocolException;
import io.sluice.model.protocol.Packets;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's packet layer: strict sequence ids, and what a server said when it broke them. */
class PacketChannelTest {
    private static byte[] packet(int seq, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(payload.length);
        b.write(payload.length >> 8);
        b.write(payload.length >> 16);
        b.write(seq);
        b.writeBytes(payload);
        return b.toByteArray();
    }

    @Test
    void readsPacketsInSequence() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(packet(0, new byte[] {1, 2}));
        in.writeBytes(packet(1, new byte[] {3}));
        PacketChannel c = new PacketChannel(new ByteArrayInputStream(in.toByteArray()), new ByteArrayOutputStream());
        assertThat(c.read(100)).containsExactly(1, 2);
        assertThat(c.read(100)).containsExactly(3);
    }

    @Test
    void anErrorOutOfSequenceIsReportedWithWhatTheServerSaid() {
        // MySQL's answer to a client too slow in the handshake: its ERR with its own next sequence id
        byte[] err = Packets.err(MysqlError.ER_HANDSHAKE_ERROR);
        PacketChannel c = new PacketChannel(new ByteArrayInputStream(packet(1, err)), new ByteArrayOutputStream());
        c.resetSequence();
        assertThatThrownBy(() -> {
            c.write(new byte[] {9}); // sequence id 0
            c.write(new byte[] {9}); // 1: the server's reply must be 2
            c.read(100);
        }).isInstanceOf(MysqlProtocolException.class)
                .hasMessageContaining("the server sent an error out of sequence (sequence id 1, expected 2)")
                .hasMessageContaining("1043 Bad handshake");
    }

    @Test
    void anythingElseOutOfSequenceIsAProtocolError() {
        PacketChannel c = new PacketChannel(new ByteArrayInputStream(packet(5, new byte[] {0, 0, 0})),
                new ByteArrayOutputStream());
        assertThatThrownBy(() -> c.read(100)).isInstanceOf(MysqlProtocolException.class)
                .hasMessage("packets out of order: sequence id 5, expected 0");
    }
}
