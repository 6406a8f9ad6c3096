package io.sluice.model.binlog;

import static io.sluice.model.binlog.V4Events.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventHeaderTest {

    /**
     * The common header of an XID event ending at position 1234, hand-written from MySQL 8.0's Log_event_header
     * ({@code libbinlogevents/src/binlog_event.cpp}).
     */
    private static final byte[] GOLDEN = hex(
            "a4d27063", // timestamp: u32 LE 1668338340 (2022-11-13 11:19:00 UTC)
            "10",       // type: 16 = XID_EVENT
            "01000000", // server_id: 1
            "1f000000", // event_size: 31 = 19 header + 8 xid + 4 CRC32
            "d2040000", // log_pos: 1234, the end of this event in its file
            "0000");    // flags: none

    @Test
    void parsesGoldenHeader() {
        EventHeader h = EventHeader.parse(GOLDEN, 0, GOLDEN.length);
        assertThat(h).isEqualTo(new EventHeader(1668338340L, EventType.XID, 1, 31, 1234, 0));
        assertThat(h.artificial()).isFalse();
    }

    @Test
    void parsesAtAnOffset() {
        byte[] buffer = V4Events.concat(hex("deadbeef"), GOLDEN, hex("ff"));
        assertThat(EventHeader.parse(buffer, 4, 19)).isEqualTo(EventHeader.parse(GOLDEN, 0, 19));
    }

    @Test
    void readsFieldsAsUnsigned() {
        byte[] header = hex(
                "ffffffff", // timestamp: 2^32 - 1
                "ff",       // type: 255
                "feffffff", // server_id: 2^32 - 2
                "00000080", // event_size: 2^31
                "fdffffff", // log_pos: 2^32 - 3
                "ffff");    // flags: all set
        EventHeader h = EventHeader.parse(header, 0, header.length);
        assertThat(h).isEqualTo(new EventHeader(0xFFFFFFFFL, 255, 0xFFFFFFFEL, 0x80000000L, 0xFFFFFFFDL, 0xFFFF));
        assertThat(h.artificial()).isTrue();
    }

    @Test
    void artificialIsFlag0x20() {
        byte[] header = GOLDEN.clone();
        header[EventHeader.FLAGS_OFFSET] = 0x20; // LOG_EVENT_ARTIFICIAL_F
        assertThat(EventHeader.parse(header, 0, 19).artificial()).isTrue();
    }

    @Test
    void refusesFewerThan19Bytes() {
        assertThatThrownBy(() -> EventHeader.parse(GOLDEN, 0, 18))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("18");
        byte[] short18 = Arrays.copyOf(GOLDEN, 18);
        // the caller claims 19 bytes but the array ends before them
        assertThatThrownBy(() -> EventHeader.parse(short18, 0, 19)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventHeader.parse(GOLDEN, 1, 19)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventHeader.parse(GOLDEN, -1, 19)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventHeader.parse(new byte[0], 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesALengthShorterThanTheHeader() {
        for (int length : new int[] {0, 1, 18}) {
            byte[] header = GOLDEN.clone();
            Bytes.put32(header, EventHeader.LENGTH_OFFSET, length);
            assertThatThrownBy(() -> EventHeader.parse(header, 0, 19))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Integer.toString(length));
        }
        byte[] header = GOLDEN.clone();
        Bytes.put32(header, EventHeader.LENGTH_OFFSET, 19); // a header and nothing else is a valid event
        assertThat(EventHeader.parse(header, 0, 19).eventLength()).isEqualTo(19);
    }
}
