package io.sluice.model.binlog;

import static io.sluice.model.binlog.V4Events.hex;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChecksumsTest {

    /**
     * An XID event with binlog_checksum=CRC32, laid out as MySQL 8.0 writes it. The CRC was computed outside Java
     * with Python's {@code zlib.crc32} over the first 27 bytes.
     */
    private static final byte[] XID_EVENT = hex(
            "a4d27063",         // timestamp 1668338340
            "10",               // type 16 = XID_EVENT
            "01000000",         // server_id 1
            "1f000000",         // event_size 31
            "d2040000",         // log_pos 1234
            "0000",             // flags
            "2a00000000000000", // body: u64 xid 42
            "8e317c80");        // CRC32 0x807c318e, little-endian

    @Test
    void computesCrc32OfGoldenEvent() {
        assertThat(Checksums.crc32(XID_EVENT, 0, 27)).isEqualTo(0x807c318eL);
        assertThat(Checksums.verify(XID_EVENT, 0, XID_EVENT.length)).isTrue();
    }

    @Test
    void verifiesAnEventInsideABuffer() {
        byte[] buffer = V4Events.concat(hex("0102030405"), XID_EVENT, hex("0607"));
        assertThat(Checksums.verify(buffer, 5, XID_EVENT.length)).isTrue();
        assertThat(Checksums.verify(buffer, 4, XID_EVENT.length)).isFalse();
    }

    @Test
    void aFlippedByteAnywhereFailsVerification() {
        for (int i = 0; i < XID_EVENT.length; i++) {
            byte[] event = XID_EVENT.clone();
            event[i] ^= 0x01;
            assertThat(Checksums.verify(event, 0, event.length)).as("byte %d flipped", i).isFalse();
        }
    }

    @Test
    void rewriteFixesAChangedEvent() {
        byte[] event = XID_EVENT.clone();
        event[19] = 43; // xid 42 -> 43
        assertThat(Checksums.verify(event, 0, event.length)).isFalse();
        Checksums.rewrite(event, 0, event.length);
        assertThat(Checksums.verify(event, 0, event.length)).isTrue();
        assertThat(Bytes.u32(event, 27)).isEqualTo(Checksums.crc32(event, 0, 27));

        byte[] same = XID_EVENT.clone();
        Checksums.rewrite(same, 0, same.length);
        assertThat(same).isEqualTo(XID_EVENT);
    }

    @Test
    void rewriteAtAnOffsetTouchesOnlyThatEvent() {
        byte[] buffer = V4Events.concat(hex("aa"), XID_EVENT, hex("bb"));
        buffer[1 + 19] = 7;
        Checksums.rewrite(buffer, 1, XID_EVENT.length);
        assertThat(Checksums.verify(buffer, 1, XID_EVENT.length)).isTrue();
        assertThat(buffer[0]).isEqualTo((byte) 0xaa);
        assertThat(buffer[buffer.length - 1]).isEqualTo((byte) 0xbb);
    }

    @Test
    void anEventTooShortForHeaderAndChecksumNeverVerifies() {
        assertThat(Checksums.verify(new byte[22], 0, 22)).isFalse();
        // 19 zero bytes + the CRC32 of those 19 bytes: well-formed, so it verifies
        byte[] minimal = V4Events.concat(new byte[19], new byte[4]);
        Checksums.rewrite(minimal, 0, minimal.length);
        assertThat(Checksums.verify(minimal, 0, minimal.length)).isTrue();
    }

    @Test
    void namesAlgorithms() {
        assertThat(Checksums.name(Checksums.ALG_CRC32)).isEqualTo("CRC32");
        assertThat(Checksums.name(Checksums.ALG_OFF)).isEqualTo("NONE");
    }
}
