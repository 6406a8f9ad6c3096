package io.sluice.kafka.binlog;

import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

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

    /** Kafka headers for a record. */
    public static RecordHeaders headers(RecordMeta meta) {
        RecordHeaders headers = new RecordHeaders();
        for (RecordMeta.Header h : meta.toHeaders()) {
            headers.add(h.key(), h.value());
        }
        return headers;
    }
}
