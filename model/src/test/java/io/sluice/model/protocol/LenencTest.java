package io.sluice.model.protocol;

import static io.sluice.model.binlog.V4Events.hex;
import static io.sluice.model.binlog.V4Events.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Length-encoded integers ({@code net_store_length} / {@code net_field_length_ll} in MySQL's mysys). */
class LenencTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0,          00",
            "250,        fa",                 // largest one-byte value
            "251,        fcfb00",             // 0xFC + u16: 251 itself would read as the NULL marker
            "65535,      fcffff",             // largest u16
            "65536,      fd000001",           // 0xFD + u24
            "16777215,   fdffffff",           // 2^24 - 1, largest u24
            "16777216,   fe0000000100000000", // 2^24: 0xFE + u64
            "4294967296, fe0000000001000000", // 2^32
    })
    void boundariesRoundTrip(long value, String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Lenenc.writeInt(out, value);
        assertThat(toHex(out.toByteArray())).isEqualTo(encoded);
        assertThat(Lenenc.size(value)).isEqualTo(encoded.length() / 2);
        assertThat(toHex(new PacketWriter().lenencInt(value).toByteArray())).isEqualTo(encoded);

        PacketReader r = new PacketReader(hex(encoded));
        assertThat(r.lenencInt()).isEqualTo(value);
        assertThat(r.hasRemaining()).isFalse();
    }

    @Test
    void largestUnsignedValueUsesNineBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Lenenc.writeInt(out, Long.MAX_VALUE);
        assertThat(toHex(out.toByteArray())).isEqualTo("feffffffffffffff7f");
        assertThat(new PacketReader(out.toByteArray()).lenencInt()).isEqualTo(Long.MAX_VALUE);
        assertThat(Lenenc.size(-1)).isEqualTo(9); // u64 2^64 - 1
    }

    @Test
    void nullMarkerAndInvalidFirstByte() {
        assertThat(new PacketReader(hex("fb")).lenencInt()).isEqualTo(-1);
        assertThat(new PacketReader(hex("fb")).lenencBytes(10)).isNull();
        assertThat(new PacketReader(hex("fb")).lenencString(10)).isNull();
        assertThatThrownBy(() -> new PacketReader(hex("ff")).lenencInt()).isInstanceOf(MysqlProtocolException.class);
    }

    @Test
    void truncatedLenencIsAProtocolError() {
        for (String truncated : new String[] {"", "fc", "fcff", "fd0000", "fe00000000000000"}) {
            assertThatThrownBy(() -> new PacketReader(hex(truncated)).lenencInt()).as(truncated)
                    .isInstanceOf(MysqlProtocolException.class);
        }
    }
}
