package io.sluice.model.protocol;

import static io.sluice.model.binlog.V4Events.hex;
import static io.sluice.model.binlog.V4Events.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PacketReaderWriterTest {

    @Test
    void writerLaysOutLittleEndianFields() {
        byte[] payload = new PacketWriter()
                .u8(0x0a)
                .u16(0x0102)
                .u24(0x030405)
                .u32(0xF0E0D0C0L)
                .u64(0x1122334455667788L)
                .nulString("ab")
                .lenencString("xyz")
                .lenencString(null)
                .lenencBytes(new byte[] {7})
                .zeros(2)
                .string("end")
                .toByteArray();
        assertThat(toHex(payload)).isEqualTo(toHex(hex(
                "0a",               // u8
                "0201",             // u16 0x0102
                "050403",           // u24 0x030405
                "c0d0e0f0",         // u32 0xF0E0D0C0
                "8877665544332211", // u64
                "616200",           // "ab" NUL
                "0378797a",         // lenenc "xyz"
                "fb",               // NULL
                "0107",             // lenenc bytes {7}
                "0000",             // zeros
                "656e64")));        // "end", to the end of the packet
    }

    @Test
    void readerReadsWhatTheWriterWrote() {
        byte[] payload = new PacketWriter().u8(255).u16(65535).u24(0xFFFFFF).u32(0xFFFFFFFFL).u64(-2)
                .lenencInt(70000).nulString("héllo").lenencString("wörld").bytes(new byte[] {1, 2, 3})
                .string("rest").toByteArray();
        PacketReader r = new PacketReader(payload);
        assertThat(r.u8()).isEqualTo(255);
        assertThat(r.u16()).isEqualTo(65535);
        assertThat(r.u24()).isEqualTo(0xFFFFFF);
        assertThat(r.u32()).isEqualTo(0xFFFFFFFFL);
        assertThat(r.u64()).isEqualTo(-2);
        assertThat(r.lenencInt()).isEqualTo(70000);
        assertThat(r.nulString()).isEqualTo("héllo");
        assertThat(r.lenencString(100)).isEqualTo("wörld");
        assertThat(r.peek()).isEqualTo(1);
        assertThat(r.bytes(3)).containsExactly(1, 2, 3);
        assertThat(r.remaining()).isEqualTo(4);
        assertThat(r.restString()).isEqualTo("rest");
        assertThat(r.hasRemaining()).isFalse();
        assertThat(r.rest()).isEmpty();
    }

    @Test
    void readerOverASlice() {
        byte[] data = hex("ff 0100 ff");
        PacketReader r = new PacketReader(data, 1, 2);
        assertThat(r.position()).isEqualTo(1);
        assertThat(r.u16()).isEqualTo(1);
        assertThatThrownBy(r::u8).isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> new PacketReader(data, 3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PacketReader(data, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nulOrEofStringTakesTheRestWithoutNul() {
        PacketReader r = new PacketReader(hex("6162 00 6364"));
        assertThat(r.nulOrEofString()).isEqualTo("ab");
        assertThat(r.nulOrEofString()).isEqualTo("cd");
        assertThat(r.hasRemaining()).isFalse();
        assertThat(r.nulOrEofString()).isEmpty();
    }

    @Test
    void readsPastTheEndAreProtocolErrors() {
        List<Consumer<PacketReader>> reads = List.of(
                PacketReader::peek, PacketReader::u8, PacketReader::u16, PacketReader::u24, PacketReader::u32,
                PacketReader::u64, PacketReader::lenencInt, r -> r.bytes(1), r -> r.skip(1),
                PacketReader::nulString, r -> r.lenencBytes(100));
        for (Consumer<PacketReader> read : reads) {
            assertThatThrownBy(() -> read.accept(new PacketReader(new byte[0])))
                    .isInstanceOf(MysqlProtocolException.class);
        }
        assertThatThrownBy(() -> new PacketReader(hex("0102")).u24()).isInstanceOf(MysqlProtocolException.class)
                .hasMessageContaining("u24").hasMessageContaining("2 left");
        assertThatThrownBy(() -> new PacketReader(hex("616263")).nulString())
                .isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> new PacketReader(hex("05 6162")).lenencBytes(100))
                .isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> new PacketReader(hex("0102")).bytes(-1)).isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> new PacketReader(hex("0102")).skip(-1)).isInstanceOf(MysqlProtocolException.class);
    }

    @Test
    void lenencBytesOverTheLimitIsRefused() {
        byte[] payload = new PacketWriter().lenencBytes(new byte[300]).toByteArray();
        assertThat(new PacketReader(payload).lenencBytes(300)).hasSize(300);
        assertThatThrownBy(() -> new PacketReader(payload).lenencBytes(299))
                .isInstanceOf(MysqlProtocolException.class).hasMessageContaining("299");
    }

    @Test
    void lenencLengthBeyondSignedRangeIsRefusedNotReadAsNull() {
        // 0xFE + u64 2^64 - 1 and 2^63: lengths no packet can have; only 0xFB is NULL
        for (String length : new String[] {"feffffffffffffffff", "fe0000000000000080"}) {
            assertThatThrownBy(() -> new PacketReader(hex(length + "00")).lenencBytes(1024)).as(length)
                    .isInstanceOf(MysqlProtocolException.class);
            assertThatThrownBy(() -> new PacketReader(hex(length)).lenencString(1024)).as(length)
                    .isInstanceOf(MysqlProtocolException.class);
        }
    }

    /** Random bytes read by random calls: the reader may refuse them, but only with MysqlProtocolException. */
    @Property(tries = 2000)
    void randomBytesOnlyEverRaiseProtocolExceptions(
            @ForAll @Size(max = 64) byte[] data,
            @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 15) Integer> calls,
            @ForAll @IntRange(min = -5, max = 70) int n) {
        PacketReader r = new PacketReader(data);
        try {
            for (int call : calls) {
                switch (call) {
                    case 0 -> r.peek();
                    case 1 -> r.u8();
                    case 2 -> r.u16();
                    case 3 -> r.u24();
                    case 4 -> r.u32();
                    case 5 -> r.u64();
                    case 6 -> r.lenencInt();
                    case 7 -> r.bytes(n);
                    case 8 -> r.skip(n);
                    case 9 -> r.lenencBytes(Math.max(n, 0));
                    case 10 -> r.lenencString(1 << 20);
                    case 11 -> r.nulString();
                    case 12 -> r.nulOrEofString();
                    case 13 -> r.rest();
                    case 14 -> r.restString();
                    default -> r.hasRemaining();
                }
                assertThat(r.remaining()).isBetween(0, data.length);
            }
        } catch (MysqlProtocolException expected) {
            // refused: fine
        } catch (RuntimeException e) {
            fail("unexpected " + e, e);
        }
    }
}
