package io.sluice.model.gtid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class GtidSetBinaryTest {

    private static final HexFormat HEX = HexFormat.of();

    /** Hand-written from the {@code Gtid_set::encode} layout for {@code 3e11fa47-...:1-5:11-18}. */
    private static final byte[] GOLDEN = bytes(
            "0100000000000000",                 // u64 LE n_sids = 1
            "3e11fa4771ca11e19e33c80aa9429562", // SID: the 16 UUID bytes in text order
            "0200000000000000",                 // u64 LE n_intervals = 2
            "0100000000000000",                 // interval 1 start = 1
            "0600000000000000",                 // interval 1 end = 6 (exclusive: 5 + 1)
            "0b00000000000000",                 // interval 2 start = 11
            "1300000000000000");                // interval 2 end = 19 (exclusive: 18 + 1)

    private static byte[] bytes(String... hexParts) {
        return HEX.parseHex(String.join("", hexParts));
    }

    @Test
    void encodesGoldenVector() {
        GtidSet set = GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:11-18");
        assertThat(set.encodedLength()).isEqualTo(64);
        assertThat(HEX.formatHex(set.encode())).isEqualTo(HEX.formatHex(GOLDEN));
        assertThat(GtidSet.decode(GOLDEN)).isEqualTo(set);
    }

    @Test
    void encodesTwoSidsInMysqlOrder() {
        // f0... would sort first with Java 17's signed UUID.compareTo; MySQL puts 10... first
        GtidSet set = GtidSet.parse("f0000000-0000-0000-0000-0000000000ff:7,10000000-0000-0000-0000-000000000001:1-2");
        byte[] expected = bytes(
                "0200000000000000",                 // n_sids = 2
                "10000000000000000000000000000001", // SID 1
                "0100000000000000",                 // n_intervals = 1
                "0100000000000000",                 // start 1
                "0300000000000000",                 // end 3 (exclusive)
                "f00000000000000000000000000000ff", // SID 2
                "0100000000000000",                 // n_intervals = 1
                "0700000000000000",                 // start 7
                "0800000000000000");                // end 8 (exclusive)
        assertThat(HEX.formatHex(set.encode())).isEqualTo(HEX.formatHex(expected));
        assertThat(GtidSet.decode(expected)).isEqualTo(set);
    }

    @Test
    void encodesEmptySetAsZeroCount() {
        assertThat(GtidSet.EMPTY.encode()).containsExactly(new byte[8]);
        assertThat(GtidSet.decode(new byte[8])).isSameAs(GtidSet.EMPTY);
    }

    @Test
    void encodesLargestTransactionNumber() {
        GtidSet set = GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:9223372036854775806");
        byte[] enc = set.encode();
        // exclusive end = 2^63 - 1
        assertThat(Arrays.copyOfRange(enc, 40, 48)).containsExactly(bytes("ffffffffffffff7f"));
        assertThat(GtidSet.decode(enc)).isEqualTo(set);
    }

    @Test
    void encodeToWritesLittleEndianAndRestoresBufferOrder() {
        GtidSet set = GtidSet.decode(GOLDEN);
        ByteBuffer buf = ByteBuffer.allocate(70).order(ByteOrder.BIG_ENDIAN);
        buf.put((byte) 0x55);
        set.encodeTo(buf);
        assertThat(buf.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(buf.position()).isEqualTo(65);
        assertThat(Arrays.copyOfRange(buf.array(), 1, 65)).containsExactly(GOLDEN);
    }

    @Test
    void encodeToFailsWithoutWritingWhenBufferTooSmall() {
        GtidSet set = GtidSet.decode(GOLDEN);
        ByteBuffer buf = ByteBuffer.allocate(63);
        assertThatThrownBy(() -> set.encodeTo(buf)).isInstanceOf(BufferOverflowException.class);
        assertThat(buf.position()).isZero();
        assertThat(buf.array()).containsOnly(0);
    }

    @Test
    void decodesAtOffset() {
        byte[] framed = new byte[GOLDEN.length + 7];
        System.arraycopy(GOLDEN, 0, framed, 3, GOLDEN.length);
        assertThat(GtidSet.decode(framed, 3, GOLDEN.length)).isEqualTo(GtidSet.decode(GOLDEN));
        assertThatThrownBy(() -> GtidSet.decode(framed, 3, framed.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void decodeMergesUnsortedIntervalsAndRepeatedSids() {
        byte[] data = bytes(
                "0200000000000000",
                "3e11fa4771ca11e19e33c80aa9429562", "0200000000000000",
                "0b00000000000000", "1300000000000000", // 11-18
                "0400000000000000", "0700000000000000", // 4-6
                "3e11fa4771ca11e19e33c80aa9429562", "0100000000000000",
                "0100000000000000", "0400000000000000"); // 1-3
        assertThat(GtidSet.decode(data)).hasToString("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-6:11-18");
    }

    @Test
    void decodeAcceptsSidWithoutIntervals() {
        byte[] data = bytes("0100000000000000", "3e11fa4771ca11e19e33c80aa9429562", "0000000000000000");
        assertThat(GtidSet.decode(data)).isEqualTo(GtidSet.EMPTY);
    }

    @Test
    void rejectsTooShort() {
        assertThatThrownBy(() -> GtidSet.decode(new byte[7]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7 bytes");
    }

    @Test
    void rejectsTruncatedAndTrailingBytes() {
        assertThatThrownBy(() -> GtidSet.decode(GOLDEN, 0, 63))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 intervals");
        assertThatThrownBy(() -> GtidSet.decode(GOLDEN, 0, 30))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 SIDs declared");
        byte[] longer = Arrays.copyOf(GOLDEN, 65);
        assertThatThrownBy(() -> GtidSet.decode(longer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 trailing bytes");
    }

    @Test
    void rejectsHugeCountsBeforeAllocating() {
        byte[] sids = bytes("ffffffffffffff00", "3e11fa4771ca11e19e33c80aa9429562", "0000000000000000");
        assertThatThrownBy(() -> GtidSet.decode(sids))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("72057594037927935 SIDs declared but only 24 bytes follow");
        byte[] intervals = bytes("0100000000000000", "3e11fa4771ca11e19e33c80aa9429562", "ffffffffffffffff",
                "0100000000000000", "0200000000000000");
        assertThatThrownBy(() -> GtidSet.decode(intervals))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declares 18446744073709551615 intervals but only 16 bytes follow");
        byte[] intervals2 = bytes("0100000000000000", "3e11fa4771ca11e19e33c80aa9429562", "0000000100000000");
        assertThatThrownBy(() -> GtidSet.decode(intervals2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declares 16777216 intervals");
    }

    @Test
    void rejectsBadIntervals() {
        String head = "0100000000000000" + "3e11fa4771ca11e19e33c80aa9429562" + "0100000000000000";
        assertThatThrownBy(() -> GtidSet.decode(bytes(head, "0000000000000000", "0500000000000000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is [0, 5)");
        assertThatThrownBy(() -> GtidSet.decode(bytes(head, "0500000000000000", "0500000000000000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is [5, 5)");
        assertThatThrownBy(() -> GtidSet.decode(bytes(head, "0500000000000000", "0300000000000000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is [5, 3)");
        assertThatThrownBy(() -> GtidSet.decode(bytes(head, "ffffffffffffffff", "0300000000000000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is [-1, 3)");
        assertThatThrownBy(() -> GtidSet.decode(bytes(head, "0100000000000000", "0000000000000080")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need 1 <= start < end");
    }

    @Test
    void rejectsTaggedFormat() {
        // MySQL 8.3+ tagged format: first u64 = (1 << 56) | (n_sids << 8) | 1
        byte[] tagged = bytes(
                "0101000000000001",                 // format 1, n_sids = 1, format 1
                "3e11fa4771ca11e19e33c80aa9429562", // SID
                "06", "616263",                     // tag length 3 << 1, "abc"
                "0100000000000000",                 // n_intervals = 1
                "0100000000000000", "0600000000000000");
        assertThatThrownBy(() -> GtidSet.decode(tagged))
                .isInstanceOf(UnsupportedGtidFormatException.class)
                .hasMessageStartingWith("tagged GTID sets (MySQL 8.3+) are not supported");
    }

    @Test
    void rejectsUnknownFormatByte() {
        byte[] data = bytes("0000000000000002");
        assertThatThrownBy(() -> GtidSet.decode(data))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(UnsupportedGtidFormatException.class)
                .hasMessageContaining("unknown format byte 2");
    }
}
