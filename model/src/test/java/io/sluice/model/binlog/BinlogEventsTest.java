package io.sluice.model.binlog;

import static io.sluice.model.binlog.V4Events.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BinlogEventsTest {

    private static final String NAME_HEX = "62696e6c6f672e303030303033"; // "binlog.000003", 13 bytes

    /** The fake ROTATE a MySQL 8.0 source sends first on a dump (Binlog_sender::fake_rotate_event), with CRC32. */
    private static final byte[] FAKE_ROTATE_CRC = hex(
            "00000000",         // timestamp 0
            "04",               // type 4 = ROTATE_EVENT
            "01000000",         // server_id 1
            "2c000000",         // event_size 44 = 19 + 8 + 13 + 4
            "00000000",         // log_pos 0
            "2000",             // flags LOG_EVENT_ARTIFICIAL_F
            "0400000000000000", // post-header: u64 position 4
            NAME_HEX,           // body: next file name, not NUL-terminated
            "c5b3c480");        // CRC32 0x80c4b3c5 (Python zlib)

    /** The same without a checksum (binlog_checksum=NONE, or a replica that did not announce checksum support). */
    private static final byte[] FAKE_ROTATE_NONE = hex(
            "00000000",         // timestamp 0
            "04",               // type 4 = ROTATE_EVENT
            "01000000",         // server_id 1
            "28000000",         // event_size 40 = 19 + 8 + 13
            "00000000",         // log_pos 0
            "2000",             // flags LOG_EVENT_ARTIFICIAL_F
            "0400000000000000", // u64 position 4
            NAME_HEX);          // "binlog.000003"

    /**
     * The GTID_LOG_EVENT of transaction 3e11fa47-71ca-11e1-9e33-c80aa9429562:23 at 197..276 of a MySQL 8.0.31
     * binlog (Gtid_event in {@code libbinlogevents/src/control_events.cpp}); CRC from Python zlib.
     */
    static final byte[] GTID_EVENT = hex(
            "a4d27063",                         // timestamp 1668338340
            "21",                               // type 33 = GTID_LOG_EVENT
            "01000000",                         // server_id 1
            "4f000000",                         // event_size 79
            "14010000",                         // log_pos 276
            "0000",                             // flags
            "00",                               // gtid flags: FLAG_MAY_HAVE_SBR clear (row-based)
            "3e11fa4771ca11e19e33c80aa9429562", // SID, the UUID's 16 bytes in text order
            "1700000000000000",                 // gno 23
            "02",                               // lt_type 2 = LOGICAL_TIMESTAMP_TYPECODE
            "0000000000000000",                 // last_committed 0
            "0100000000000000",                 // sequence_number 1
            "40d3204a58ed05",                   // immediate_commit_timestamp, 7 bytes, µs; top bit 0: same as original
            "fc3a01",                           // transaction_length 314, length-encoded (8.0.2+)
            "9f380100",                         // immediate_server_version 80031; top bit 0: same as original
            "0336b59c");                        // CRC32 0x9cb53603 (Python zlib)

    /** PREVIOUS_GTIDS_LOG_EVENT at 126..197 of the same file: the set 3e11fa47-...:1-22. */
    private static final byte[] PREVIOUS_GTIDS = hex(
            "a4d27063",                         // timestamp 1668338340
            "23",                               // type 35 = PREVIOUS_GTIDS_LOG_EVENT
            "01000000",                         // server_id 1
            "47000000",                         // event_size 71
            "c5000000",                         // log_pos 197
            "0000",                             // flags
            "0100000000000000",                 // u64 n_sids 1
            "3e11fa4771ca11e19e33c80aa9429562", // SID
            "0100000000000000",                 // u64 n_intervals 1
            "0100000000000000",                 // interval start 1
            "1700000000000000",                 // interval end 23 (exclusive)
            "78d86921");                        // CRC32 0x2169d878 (Python zlib)

    /**
     * A QUERY_EVENT for a DDL at 276..395, as MySQL 8.0 writes it (Query_event in
     * {@code libbinlogevents/src/statement_events.cpp}); CRC from Python zlib.
     */
    private static final byte[] CREATE_TABLE = hex(
            "a4d27063",                         // timestamp 1668338340
            "02",                               // type 2 = QUERY_EVENT
            "01000000",                         // server_id 1
            "77000000",                         // event_size 119
            "8b010000",                         // log_pos 395
            "0000",                             // flags
            "08000000",                         // thread_id 8
            "00000000",                         // exec_time 0
            "04",                               // db length 4
            "0000",                             // error_code 0
            "2a00",                             // status-vars length 42
            "00 00000000",                      // Q_FLAGS2_CODE: flags2 0
            "01 2000a04500000000",              // Q_SQL_MODE_CODE: sql_mode 1168113696 (8.0 default)
            "06 03 737464",                     // Q_CATALOG_NZ_CODE: "std"
            "04 ff00 ff00 ff00",                // Q_CHARSET_CODE: client, connection, server collation 255
            "0c 01 7465737400",                 // Q_UPDATED_DB_NAMES: 1 name, "test" NUL
            "11 0c00000000000000",              // Q_DDL_LOGGED_WITH_XID: xid 12
            "7465737400",                       // db "test" NUL
            "435245415445205441424c45207431202869"
                    + "6420494e54205052494d415259204b455929", // "CREATE TABLE t1 (id INT PRIMARY KEY)"
            "17de0ccd");                        // CRC32 0xcd0cde17 (Python zlib)

    @Test
    void fakeRotateWithCrcMatchesGoldenLayout() {
        byte[] event = BinlogEvents.fakeRotate(1, "binlog.000003", 4, true);
        assertThat(V4Events.toHex(event)).isEqualTo(V4Events.toHex(FAKE_ROTATE_CRC));
        assertThat(Checksums.verify(event, 0, event.length)).isTrue();
        assertThat(EventHeader.parse(event, 0, event.length).artificial()).isTrue();
    }

    @Test
    void fakeRotateWithoutCrcMatchesGoldenLayout() {
        byte[] event = BinlogEvents.fakeRotate(1, "binlog.000003", 4, false);
        assertThat(V4Events.toHex(event)).isEqualTo(V4Events.toHex(FAKE_ROTATE_NONE));
    }

    @Test
    void rotateReadsBackFileAndPosition() {
        assertThat(BinlogEvents.rotate(FAKE_ROTATE_CRC, true)).isEqualTo(new BinlogEvents.Rotate("binlog.000003", 4));
        assertThat(BinlogEvents.rotate(FAKE_ROTATE_NONE, false))
                .isEqualTo(new BinlogEvents.Rotate("binlog.000003", 4));
        long far = 0x1_0000_0004L; // beyond 32 bits: the position is a u64
        byte[] event = BinlogEvents.fakeRotate(7, "mysql-bin.123456", far, true);
        assertThat(BinlogEvents.rotate(event, true)).isEqualTo(new BinlogEvents.Rotate("mysql-bin.123456", far));
    }

    @Test
    void rotateRefusesABodyShorterThanThePosition() {
        byte[] event = V4Events.event(EventType.ROTATE, new byte[7], true);
        assertThatThrownBy(() -> BinlogEvents.rotate(event, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinlogEvents.rotate(new byte[20], true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headerAccessors() {
        assertThat(BinlogEvents.type(FAKE_ROTATE_CRC, 0)).isEqualTo(EventType.ROTATE);
        assertThat(BinlogEvents.length(FAKE_ROTATE_CRC, 0)).isEqualTo(44);
        assertThat(BinlogEvents.logPos(GTID_EVENT, 0)).isEqualTo(276);
        assertThat(BinlogEvents.flags(FAKE_ROTATE_CRC, 0)).isEqualTo(EventHeader.FLAG_ARTIFICIAL);
        byte[] two = V4Events.concat(FAKE_ROTATE_CRC, GTID_EVENT);
        assertThat(BinlogEvents.type(two, 44)).isEqualTo(EventType.GTID);
        assertThat(BinlogEvents.length(two, 44)).isEqualTo(79);
    }

    @Test
    void heartbeatV1CarriesFileInBodyAndPositionInLogPos() {
        byte[] event = BinlogEvents.heartbeatV1(1, "binlog.000003", 1234, false);
        assertThat(V4Events.toHex(event)).isEqualTo(V4Events.toHex(hex(
                "00000000", // timestamp 0
                "1b",       // type 27 = HEARTBEAT_LOG_EVENT
                "01000000", // server_id 1
                "20000000", // event_size 32 = 19 + 13
                "d2040000", // log_pos 1234: the position
                "0000",     // flags
                NAME_HEX))); // body: file name
        byte[] withCrc = BinlogEvents.heartbeatV1(1, "binlog.000003", 1234, true);
        assertThat(withCrc).hasSize(36);
        assertThat(Arrays.copyOfRange(withCrc, 32, 36)).isEqualTo(hex("d833801f")); // CRC32 (Python zlib)
        assertThat(Checksums.verify(withCrc, 0, withCrc.length)).isTrue();
    }

    @Test
    void heartbeatV1ClampsAPositionBeyond32Bits() {
        byte[] event = BinlogEvents.heartbeatV1(1, "binlog.000003", 0x1_2345_6789L, false);
        assertThat(BinlogEvents.logPos(event, 0)).isEqualTo(0xFFFFFFFFL);
    }

    @Test
    void heartbeatV2WithSmallPosition() {
        byte[] event = BinlogEvents.heartbeatV2(1, "binlog.000003", 200, false);
        assertThat(V4Events.toHex(event)).isEqualTo(V4Events.toHex(hex(
                "00000000", // timestamp 0
                "29",       // type 41 = HEARTBEAT_LOG_EVENT_V2
                "01000000", // server_id 1
                "26000000", // event_size 38 = 19 + 19
                "00000000", // log_pos 0
                "0000",     // flags
                "01",       // field OTW_HB_LOG_FILENAME_FIELD
                "0d",       // length 13
                NAME_HEX,   // "binlog.000003"
                "02",       // field OTW_HB_LOG_POSITION_FIELD
                "01",       // length of the length-encoded position: 1
                "c8",       // position 200 (< 251: one byte)
                "00")));    // OTW_HB_HEADER_END_MARK
    }

    @Test
    void heartbeatV2WithThreeBytePosition() {
        byte[] event = BinlogEvents.heartbeatV2(1, "binlog.000003", 1234, false);
        assertThat(V4Events.toHex(Arrays.copyOfRange(event, 19 + 15, event.length))).isEqualTo(V4Events.toHex(hex(
                "02",       // OTW_HB_LOG_POSITION_FIELD
                "03",       // length 3
                "fcd204",   // 0xFC + u16 1234
                "00")));    // end mark
    }

    @Test
    void heartbeatV2WithPositionBeyond24Bits() {
        byte[] event = BinlogEvents.heartbeatV2(1, "binlog.000003", 0x1_2345_6789L, true);
        assertThat(V4Events.toHex(Arrays.copyOfRange(event, 19, event.length - 4))).isEqualTo(V4Events.toHex(hex(
                "01",                 // OTW_HB_LOG_FILENAME_FIELD
                "0d",                 // length 13
                NAME_HEX,             // "binlog.000003"
                "02",                 // OTW_HB_LOG_POSITION_FIELD
                "09",                 // length 9
                "fe8967452301000000", // 0xFE + u64 4886718345
                "00")));              // end mark
        assertThat(BinlogEvents.length(event, 0)).isEqualTo(19 + 27 + 4);
        assertThat(Checksums.verify(event, 0, event.length)).isTrue();
    }

    @Test
    void goldenEventsHaveValidChecksums() {
        for (byte[] event : new byte[][] {GTID_EVENT, PREVIOUS_GTIDS, CREATE_TABLE}) {
            assertThat(BinlogEvents.length(event, 0)).isEqualTo(event.length);
            assertThat(Checksums.verify(event, 0, event.length)).isTrue();
        }
    }

    @Test
    void gtidReadsSidAndGno() {
        Gtid expected = Gtid.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
        assertThat(BinlogEvents.gtid(GTID_EVENT, 0)).isEqualTo(expected);
        byte[] buffer = V4Events.concat(FAKE_ROTATE_CRC, GTID_EVENT);
        assertThat(BinlogEvents.gtid(buffer, FAKE_ROTATE_CRC.length)).isEqualTo(expected);
    }

    @Test
    void gtidReadsSidWithTopBitsSetAndLargeGno() {
        Gtid gtid = new Gtid(UUID.fromString("f4a3c9d2-8e5b-11ee-b5c1-0242ac120003"), Gtid.MAX_GNO);
        byte[] event = V4Events.gtid(gtid.sid(), gtid.gno(), true);
        assertThat(BinlogEvents.gtid(event, 0)).isEqualTo(gtid);
    }

    @Test
    void gtidRefusesAShortEvent() {
        byte[] shortEvent = Arrays.copyOf(GTID_EVENT, 19 + 24);
        assertThatThrownBy(() -> BinlogEvents.gtid(shortEvent, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void queryTextSkipsStatusVarsAndDb() {
        assertThat(BinlogEvents.queryText(CREATE_TABLE, 0, CREATE_TABLE.length, true, 1000))
                .isEqualTo("CREATE TABLE t1 (id INT PRIMARY KEY)");
        assertThat(BinlogEvents.queryText(CREATE_TABLE, 0, CREATE_TABLE.length, true, 12)).isEqualTo("CREATE TABLE");
        byte[] noCrc = Arrays.copyOf(CREATE_TABLE, CREATE_TABLE.length - 4);
        assertThat(BinlogEvents.queryText(noCrc, 0, noCrc.length, false, 1000))
                .isEqualTo("CREATE TABLE t1 (id INT PRIMARY KEY)");
    }

    @Test
    void queryTextAtAnOffsetAndOfAPartialEvent() {
        byte[] buffer = V4Events.concat(GTID_EVENT, CREATE_TABLE);
        assertThat(BinlogEvents.queryText(buffer, 79, CREATE_TABLE.length, true, 6)).isEqualTo("CREATE");
        // only the first 19 + 13 + 42 + 5 + 6 bytes are at hand: no checksum to drop
        assertThat(BinlogEvents.queryText(CREATE_TABLE, 0, 85, false, 100)).isEqualTo("CREATE");
    }

    @Test
    void queryTextRefusesMalformedEvents() {
        byte[] shortPost = Arrays.copyOf(CREATE_TABLE, 19 + 12);
        assertThatThrownBy(() -> BinlogEvents.queryText(shortPost, 0, shortPost.length, false, 100))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] badStatus = CREATE_TABLE.clone();
        Bytes.put16(badStatus, 19 + 11, 0xFFFF); // status vars longer than the event
        assertThatThrownBy(() -> BinlogEvents.queryText(badStatus, 0, badStatus.length, true, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void previousGtidsDecodesTheSet() {
        GtidSet expected = GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-22");
        assertThat(BinlogEvents.previousGtids(PREVIOUS_GTIDS, true)).isEqualTo(expected);
        byte[] noCrc = Arrays.copyOf(PREVIOUS_GTIDS, PREVIOUS_GTIDS.length - 4);
        assertThat(BinlogEvents.previousGtids(noCrc, false)).isEqualTo(expected);
    }

    @Test
    void previousGtidsOfAFreshServerIsEmpty() {
        byte[] event = V4Events.event(EventType.PREVIOUS_GTIDS, hex("0000000000000000"), true); // n_sids 0
        assertThat(BinlogEvents.previousGtids(event, true)).isEqualTo(GtidSet.EMPTY);
    }

    @Test
    void hexDumpIsShortened() {
        assertThat(BinlogEvents.hex(hex("00ff10"), 0, 3)).isEqualTo("00ff10");
        assertThat(BinlogEvents.hex(new byte[100], 0, 100)).hasSize(129).endsWith("…");
    }
}
