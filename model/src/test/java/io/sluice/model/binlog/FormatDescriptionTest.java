package io.sluice.model.binlog;

import static io.sluice.model.binlog.V4Events.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FormatDescriptionTest {

    private static final String PAD_44 = "00".repeat(44);

    /**
     * The FORMAT_DESCRIPTION_EVENT at position 4 of a binlog file of MySQL 8.0.31 with binlog_checksum=CRC32, still
     * open, first file after server start (so "created" is set). Hand-written from
     * {@code Format_description_event} in {@code libbinlogevents/src/control_events.cpp} (8.0.31: 41 event types);
     * the CRC was computed outside Java with Python's {@code zlib.crc32}.
     */
    static final byte[] GOLDEN = hex(
            // common header
            "a4d27063",             // timestamp 1668338340
            "0f",                   // type 15 = FORMAT_DESCRIPTION_EVENT
            "01000000",             // server_id 1
            "7a000000",             // event_size 122
            "7e000000",             // log_pos 126 = 4 + 122
            "0100",                 // flags LOG_EVENT_BINLOG_IN_USE_F (file not closed yet)
            // body
            "0400",                 // binlog_version 4
            "382e302e3331" + PAD_44, // server_version char[50]: "8.0.31", NUL-padded
            "a4d27063",             // create_timestamp 1668338340 (first file after start)
            "13",                   // common header length 19
            // post-header length per event type, types 1..41
            "00",                   //  1 START_EVENT_V3 (unused since 8.0)
            "0d",                   //  2 QUERY_EVENT: 13
            "00",                   //  3 STOP_EVENT
            "08",                   //  4 ROTATE_EVENT: u64 position
            "00",                   //  5 INTVAR_EVENT
            "000000",               //  6-8 LOAD, SLAVE, CREATE_FILE (removed)
            "04",                   //  9 APPEND_BLOCK_EVENT
            "00",                   // 10 EXEC_LOAD (removed)
            "04",                   // 11 DELETE_FILE_EVENT
            "00",                   // 12 NEW_LOAD (removed)
            "00",                   // 13 RAND_EVENT
            "00",                   // 14 USER_VAR_EVENT
            "62",                   // 15 FORMAT_DESCRIPTION_EVENT: 98 = 2 + 50 + 4 + 1 + 41
            "00",                   // 16 XID_EVENT
            "04",                   // 17 BEGIN_LOAD_QUERY_EVENT
            "1a",                   // 18 EXECUTE_LOAD_QUERY_EVENT: 26
            "08",                   // 19 TABLE_MAP_EVENT
            "000000",               // 20-22 PRE_GA rows events
            "080808",               // 23-25 rows events v1
            "02",                   // 26 INCIDENT_EVENT
            "00",                   // 27 HEARTBEAT_LOG_EVENT
            "00",                   // 28 IGNORABLE_LOG_EVENT
            "00",                   // 29 ROWS_QUERY_LOG_EVENT
            "0a0a0a",               // 30-32 WRITE/UPDATE/DELETE_ROWS_EVENT (v2): 10
            "2a",                   // 33 GTID_LOG_EVENT: 42
            "2a",                   // 34 ANONYMOUS_GTID_LOG_EVENT: 42
            "00",                   // 35 PREVIOUS_GTIDS_LOG_EVENT
            "12",                   // 36 TRANSACTION_CONTEXT_EVENT: 18
            "34",                   // 37 VIEW_CHANGE_EVENT: 52
            "00",                   // 38 XA_PREPARE_LOG_EVENT
            "0a",                   // 39 PARTIAL_UPDATE_ROWS_EVENT
            "28",                   // 40 TRANSACTION_PAYLOAD_EVENT (MySQL writes the type code, 40, here)
            "00",                   // 41 HEARTBEAT_LOG_EVENT_V2 (8.0.26+)
            "01",                   // checksum algorithm: 1 = CRC32
            "6c5586af");            // CRC32 0xaf86556c

    @Test
    void goldenVectorIsConsistent() {
        assertThat(GOLDEN).hasSize(122);
        assertThat(Checksums.verify(GOLDEN, 0, GOLDEN.length)).isTrue();
    }

    @Test
    void parsesMysql8031FormatDescription() {
        FormatDescription fd = FormatDescription.parse(GOLDEN);
        assertThat(fd.binlogVersion()).isEqualTo(4);
        assertThat(fd.serverVersion()).isEqualTo("8.0.31");
        assertThat(fd.createTimestamp()).isEqualTo(1668338340L);
        assertThat(fd.checksumAlg()).isEqualTo(Checksums.ALG_CRC32);
        assertThat(fd.hasCrc32()).isTrue();
        assertThat(fd.bytes()).isEqualTo(GOLDEN);
        assertThat(fd).hasToString("FormatDescription[server 8.0.31, checksum CRC32]");
    }

    @Test
    void forReplayZeroingCreatedClearsInUseAndKeepsAValidCrc() {
        byte[] replay = FormatDescription.parse(GOLDEN).forReplay(true, false);
        byte[] expected = GOLDEN.clone();
        Bytes.put16(expected, 17, 0x0000);                  // flags: LOG_EVENT_BINLOG_IN_USE_F cleared
        Bytes.put32(expected, 19 + 2 + 50, 0);               // create_timestamp 0
        System.arraycopy(hex("a71bc0c4"), 0, expected, 118, 4); // CRC32 0xc4c01ba7 (Python zlib)
        assertThat(replay).isEqualTo(expected);
        assertThat(Checksums.verify(replay, 0, replay.length)).isTrue();
        assertThat(BinlogEvents.logPos(replay, 0)).isEqualTo(126);
        FormatDescription again = FormatDescription.parse(replay);
        assertThat(again.createTimestamp()).isZero();
        assertThat(again.serverVersion()).isEqualTo("8.0.31");
    }

    @Test
    void forReplayZeroingLogPosKeepsCreated() {
        byte[] replay = FormatDescription.parse(GOLDEN).forReplay(false, true);
        byte[] expected = GOLDEN.clone();
        Bytes.put32(expected, 13, 0);                        // log_pos 0: the replica must not advance on it
        Bytes.put16(expected, 17, 0x0000);                   // flags: LOG_EVENT_BINLOG_IN_USE_F cleared
        System.arraycopy(hex("6744caec"), 0, expected, 118, 4); // CRC32 0xeccaa467 (Python zlib)
        assertThat(replay).isEqualTo(expected);
        assertThat(FormatDescription.parse(replay).createTimestamp()).isEqualTo(1668338340L);
    }

    @Test
    void forReplayLeavesTheParsedEventAlone() {
        FormatDescription fd = FormatDescription.parse(GOLDEN);
        fd.forReplay(true, true);
        assertThat(fd.bytes()).isEqualTo(GOLDEN);
    }

    @Test
    void checksumNoneIsReadFromTheByteBeforeTheLastFour() {
        // With binlog_checksum=NONE MySQL still leaves room for the 4 checksum bytes in the FDE itself.
        byte[] none = GOLDEN.clone();
        none[117] = 0; // checksum algorithm: 0 = OFF
        FormatDescription fd = FormatDescription.parse(none);
        assertThat(fd.checksumAlg()).isEqualTo(Checksums.ALG_OFF);
        assertThat(fd.hasCrc32()).isFalse();
        byte[] replay = fd.forReplay(true, true);
        assertThat(Arrays.copyOfRange(replay, 118, 122)).isEqualTo(Arrays.copyOfRange(none, 118, 122));
    }

    @Test
    void copiesItsBytes() {
        byte[] event = GOLDEN.clone();
        FormatDescription fd = FormatDescription.parse(event);
        event[30] = 'X';
        fd.bytes()[31] = 'Y';
        assertThat(fd.bytes()).isEqualTo(GOLDEN);
        assertThat(fd).isEqualTo(FormatDescription.parse(GOLDEN)).hasSameHashCodeAs(FormatDescription.parse(GOLDEN));
    }

    @Test
    void refusesOtherEventsAndMalformedOnes() {
        byte[] rotate = GOLDEN.clone();
        rotate[4] = EventType.ROTATE;
        assertThatThrownBy(() -> FormatDescription.parse(rotate))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ROTATE");

        byte[] truncated = Arrays.copyOf(GOLDEN, 100); // event_size still says 122
        assertThatThrownBy(() -> FormatDescription.parse(truncated)).isInstanceOf(IllegalArgumentException.class);

        byte[] tiny = V4Events.event(EventType.FORMAT_DESCRIPTION, new byte[10], true);
        assertThatThrownBy(() -> FormatDescription.parse(tiny)).isInstanceOf(IllegalArgumentException.class);

        assertThatThrownBy(() -> FormatDescription.parse(new byte[5])).isInstanceOf(IllegalArgumentException.class);
    }
}
