package io.sluice.decoder;

import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads the parts of a split transaction after its part 0, straight from the binlog topic, with a consumer of its
 * own ({@code read_committed}, no group): the parts are one Kafka transaction with part 0, so they are all there once
 * part 0 is. Parts are handed on one at a time, so memory holds one record, not the transaction.
 */
final class SplitTransactionReader implements AutoCloseable {
    /** How long the next part may take to arrive before the topic is taken for broken. */
    private static final Duration PART_TIMEOUT = Duration.ofSeconds(60);

    private final DecoderSettings settings;
    private final TopicPartition partition;
    private KafkaConsumer<byte[], byte[]> consumer;

    SplitTransactionReader(DecoderSettings settings) {
        this.settings = settings;
        this.partition = new TopicPartition(settings.binlogTopic(), 0);
    }

    /**
     * Hands on the values of parts 1 to the last of the transaction whose part 0 is at {@code offset}.
     *
     * @throws DecoderException when a part is missing, out of order, of another transaction, or does not arrive
     */
    void readRest(long offset, RecordMeta first, Consumer<byte[]> part) {
        KafkaConsumer<byte[], byte[]> c = consumer();
        c.seek(partition, offset + 1);
        int expected = 1;
        long deadline = System.nanoTime() + PART_TIMEOUT.toNanos();
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new DecoderException("part " + expected + " of the transaction split at offset " + offset
                        + " of " + partition + " did not arrive within " + PART_TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(200))) {
                RecordMeta meta = RecordMeta.decode(key -> {
                    Header h = record.headers().lastHeader(key);
                    return h == null ? null : h.value();
                });
                if (meta.part() != expected || !Objects.equals(meta.gtid(), first.gtid())) {
                    throw new DecoderException("offset " + record.offset() + " of " + partition + " should be part "
                            + expected + " of the transaction " + (first.gtid() == null ? "" : first.gtid() + " ")
                            + "split at offset " + offset + ", but holds " + meta);
                }
                part.accept(record.value());
                if (meta.lastPart()) {
                    return;
                }
                expected++;
                deadline = System.nanoTime() + PART_TIMEOUT.toNanos();
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Map<String, Object> config = new HashMap<>(settings.client());
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.applicationId() + "-split-reader");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
            consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.assign(List.of(partition));
        }
        return consumer;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }
}
