package io.sluice.decoder;

import com.github.luben.zstd.Zstd;
import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TRANSACTION_PAYLOAD events built by hand, as MySQL 8.0.20+ writes them: the header fields, then the payload. */
class TransactionPayloadTest {
    /** An event of {@code type} with a body of {@code bodyLength} bytes of {@code fill}, no checksum. */
    private static byte[] event(int type, int bodyLength, byte fill) {
        byte[] e = new byte[EventHeader.SIZE + bodyLength];
        e[4] = (byte) type;
        Bytes.put32(e, EventHeader.LENGTH_OFFSET, e.length);
        for (int i = EventHeader.SIZE; i < e.length; i++) {
            e[i] = fill;
        }
        return e;
    }

    /** A TRANSACTION_PAYLOAD event: fields (type, length, value as packed integers), the end mark, the payload. */
    private static byte[] payloadEvent(int compression, byte[] payload, long announcedSize) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[EventHeader.SIZE]);
        // payload size as a 3-byte packed integer (0xfd + 3 bytes) to exercise the packed form
        b.write(TransactionPayload.FIELD_PAYLOAD_SIZE);
        b.write(4);
        b.write(0xfd);
        b.write((int) announcedSize);
        b.write((int) (announcedSize >>> 8));
        b.write((int) (announcedSize >>> 16));
        b.write(TransactionPayload.FIELD_COMPRESSION);
        b.write(1);
        b.write(compression == TransactionPayload.NONE ? 0xfc : compression);
        if (compression == TransactionPayload.NONE) {
            // 255 does not fit a 1-byte packed integer: 0xfc + 2 bytes, and the length says 3
            byte[] bytes = b.toByteArray();
            bytes[bytes.length - 2] = 3;
            b.reset();
            b.writeBytes(bytes);
            b.write(255);
            b.write(0);
        }
        b.write(TransactionPayload.FIELD_UNCOMPRESSED_SIZE);
        b.write(1);
        b.write(0);
        b.write(TransactionPayload.FIELD_END);
        b.writeBytes(payload);
        byte[] e = b.toByteArray();
        e[4] = (byte) EventType.TRANSACTION_PAYLOAD;
        Bytes.put32(e, EventHeader.LENGTH_OFFSET, e.length);
        return e;
    }

    private static byte[] inner() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(event(EventType.QUERY, 30, (byte) 'q'));
        b.writeBytes(event(EventType.TABLE_MAP, 20, (byte) 't'));
        b.writeBytes(event(EventType.WRITE_ROWS, 200_000, (byte) 'w'));
        b.writeBytes(event(EventType.XID, 8, (byte) 'x'));
        return b.toByteArray();
    }

    private static List<byte[]> events(byte[] payloadEvent) {
        List<byte[]> out = new ArrayList<>();
        TransactionPayload.events(payloadEvent, payloadEvent.length, out::add);
        return out;
    }

    @Test
    void zstdAndUncompressedPayloadsGiveTheirEventsWhole() {
        byte[] inner = inner();
        byte[] compressed = Zstd.compress(inner);
        for (byte[] e : List.of(payloadEvent(TransactionPayload.ZSTD, compressed, compressed.length),
                payloadEvent(TransactionPayload.NONE, inner, inner.length))) {
            List<byte[]> events = events(e);
            assertThat(events).extracting(x -> (int) x[4]).containsExactly(EventType.QUERY, EventType.TABLE_MAP,
                    EventType.WRITE_ROWS, EventType.XID);
            assertThat(events.get(2)).hasSize(EventHeader.SIZE + 200_000);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            events.forEach(joined::writeBytes);
            assertThat(joined.toByteArray()).isEqualTo(inner);
        }
    }

    @Test
    void malformedPayloadsAreRefusedWithTheReason() {
        byte[] inner = inner();
        assertThatThrownBy(() -> events(payloadEvent(7, inner, inner.length))).isInstanceOf(DecoderException.class)
                .hasMessageContaining("compression type 7");
        assertThatThrownBy(() -> events(payloadEvent(TransactionPayload.NONE, inner, inner.length + 1)))
                .isInstanceOf(DecoderException.class).hasMessageContaining("announces " + (inner.length + 1));
        byte[] cut = java.util.Arrays.copyOf(inner, inner.length - 3);
        assertThatThrownBy(() -> events(payloadEvent(TransactionPayload.NONE, cut, cut.length)))
                .isInstanceOf(DecoderException.class).hasMessageContaining("ends inside an event");
        byte[] garbage = new byte[100];
        assertThatThrownBy(() -> events(payloadEvent(TransactionPayload.ZSTD, garbage, garbage.length)))
                .isInstanceOf(DecoderException.class).hasMessageContaining("cannot decompress");
        byte[] headerOnly = java.util.Arrays.copyOf(payloadEvent(TransactionPayload.ZSTD, new byte[0], 0),
                EventHeader.SIZE + 2);
        assertThatThrownBy(() -> events(headerOnly)).isInstanceOf(DecoderException.class);
    }
}
