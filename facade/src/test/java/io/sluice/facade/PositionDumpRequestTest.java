package io.sluice.facade;

import io.sluice.model.protocol.MysqlProtocolException;
import io.sluice.model.protocol.PacketWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing of COM_BINLOG_DUMP as MySQL 8.0's replica (rpl_replica.cc, request_dump) and mysqlbinlog send it. */
class PositionDumpRequestTest {

    @Test
    void readsAReplicasRequest() {
        byte[] payload = {
                0x12,                               // COM_BINLOG_DUMP
                (byte) 0x9d, 0x03, 0x00, 0x00,      // position 925, u32 little-endian
                0x00, 0x00,                         // flags
                0x16, 0x00, 0x00, 0x00,             // server_id 22
                'b', 'i', 'n', 'l', 'o', 'g', '.', '0', '0', '0', '0', '0', '2'}; // the rest: the file name
        PositionDumpRequest r = PositionDumpRequest.parse(payload);
        assertThat(r).isEqualTo(new PositionDumpRequest(925, 0, 22, "binlog.000002"));
        assertThat(r.nonBlocking()).isFalse();
    }

    @Test
    void readsLargePositionsAndServerIdsUnsigned() {
        byte[] payload = new PacketWriter(32).u8(0x12).u32(0xFFFF_FFF0L).u16(0).u32(0xFFFF_FFFFL)
                .bytes("mysql-bin.000001".getBytes(StandardCharsets.UTF_8)).toByteArray();
        PositionDumpRequest r = PositionDumpRequest.parse(payload);
        assertThat(r.position()).isEqualTo(0xFFFF_FFF0L);
        assertThat(r.serverId()).isEqualTo(0xFFFF_FFFFL);
        assertThat(r.file()).isEqualTo("mysql-bin.000001");
    }

    @Test
    void anEmptyNameIsTheFirstFileAndServerIdZeroIsNonBlocking() {
        byte[] payload = new PacketWriter(16).u8(0x12).u32(4).u16(0).u32(0).toByteArray();
        PositionDumpRequest r = PositionDumpRequest.parse(payload);
        assertThat(r.file()).isEmpty();
        assertThat(r.position()).isEqualTo(4);
        assertThat(r.nonBlocking()).isTrue();
    }

    @Test
    void flagOneIsNonBlocking() {
        byte[] payload = new PacketWriter(16).u8(0x12).u32(4).u16(1).u32(7).bytes(new byte[] {'f', '.', '1'})
                .toByteArray();
        assertThat(PositionDumpRequest.parse(payload).nonBlocking()).isTrue();
        assertThat(PositionDumpRequest.parse(payload).flags()).isEqualTo(1);
    }

    @Test
    void aTrailingNulIsNotPartOfTheName() {
        byte[] payload = new PacketWriter(16).u8(0x12).u32(4).u16(0).u32(7).bytes(new byte[] {'f', '.', '1', 0})
                .toByteArray();
        assertThat(PositionDumpRequest.parse(payload).file()).isEqualTo("f.1");
    }

    @Test
    void refusesShortPacketsAndOverlongNames() {
        assertThatThrownBy(() -> PositionDumpRequest.parse(new byte[] {0x12, 4, 0, 0, 0, 0, 0, 1, 0, 0}))
                .isInstanceOf(MysqlProtocolException.class);
        byte[] longName = new byte[PositionDumpRequest.MAX_FILE_NAME + 1];
        java.util.Arrays.fill(longName, (byte) 'a');
        byte[] payload = new PacketWriter(600).u8(0x12).u32(4).u16(0).u32(7).bytes(longName).toByteArray();
        assertThatThrownBy(() -> PositionDumpRequest.parse(payload)).isInstanceOf(MysqlProtocolException.class);
    }
}
