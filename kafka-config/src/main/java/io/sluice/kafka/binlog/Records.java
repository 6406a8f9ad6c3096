package io.sluice.kafka.binlog;

import io.sluice.model.binlog.EventHeader;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Conversions between {@link RecordMeta} and Kafka record headers. */
public final class Records {
    private Records() {
    }

    /** The metadata of a record of the binlog topic. */
    public static RecordMeta meta(ConsumerRecord<byte[], byte[]> record) {
        return RecordMeta.decode(key -> {
            Header h = record.headers().lastHeader(key);
            return h == null ? null : h.value();
        });
    }

    /**
     * A value deserializer for readers that follow the topic's position and GTIDs but never send its events: control
     * records come whole, transaction records only as their first event's header (the 19 bytes that tell where the
     * transaction starts). The Kafka consumer then copies a few bytes per transaction instead of all of them.
     */
    public static Deserializer<byte[]> positionsOnly() {
        return new PositionsOnly();
    }

    private static final class PositionsOnly implements Deserializer<byte[]> {
        private static final byte[] TRANSACTION = RecordKind.TRANSACTION.wire().getBytes(StandardCharsets.UTF_8);

        @Override
        public byte[] deserialize(String topic, byte[] data) {
            return data;
        }

        @Override
        public byte[] deserialize(String topic, Headers headers, byte[] data) {
            return data == null || !isTransaction(headers) || data.length <= EventHeader.SIZE
                    ? data : Arrays.copyOf(data, EventHeader.SIZE);
        }

        @Override
        public byte[] deserialize(String topic, Headers headers, ByteBuffer data) {
            if (data == null) {
                return null;
            }
            ByteBuffer source = data.duplicate();
            int n = isTransaction(headers) ? Math.min(EventHeader.SIZE, source.remaining()) : source.remaining();
            byte[] value = new byte[n];
            source.get(value);
            return value;
        }

        private static boolean isTransaction(Headers headers) {
            Header kind = headers == null ? null : headers.lastHeader(RecordMeta.H_KIND);
            return kind != null && Arrays.equals(kind.value(), TRANSACTION);
        }
    }

    /** Kafka headers for a record. */
    public static RecordHeaders headers(RecordMeta meta) {
        RecordHeaders headers = new RecordHeaders();
        for (RecordMeta.Header h : meta.toHeaders()) {
            headers.add(h.key(), h.value());
        }
        return headers;
    }

    /** The position in its source file at which a record's first event starts; -1 when it starts no event. */
    public static long startPosition(RecordMeta meta, byte[] value) {
        return PositionSearch.startPos(meta, value);
    }
}
