package io.sluice.facade;

import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.binlog.FormatDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Map;

/** The facade's view of the end of the topic, read on demand and kept for a second. Thread-safe. */
final class TopicView {
    private static final long TTL_NANOS = Duration.ofSeconds(1).toNanos();
    private final Map<String, Object> consumerConfig;
    private final String topic;
    private TopicTail cached;
    private long cachedAt;

    TopicView(Map<String, Object> consumerConfig, String topic) {
        this.consumerConfig = consumerConfig;
        this.topic = topic;
    }

    synchronized TopicTail tail() {
        if (cached == null || System.nanoTime() - cachedAt > TTL_NANOS) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                cached = new BinlogTopicReader(consumer, topic, Duration.ofSeconds(30)).tail();
                cachedAt = System.nanoTime();
            }
        }
        return cached;
    }

    /** The source's binlog_checksum, from the FORMAT_DESCRIPTION in effect; CRC32 (MySQL's default) when unknown. */
    String checksum() {
        TopicTail t = tail();
        if (t.fde() == null) {
            return "CRC32";
        }
        return FormatDescription.parse(t.fde()).hasCrc32() ? "CRC32" : "NONE";
    }
}
