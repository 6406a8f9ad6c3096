package io.sluice.app.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.app.api.SyncerRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * The syncer's settings, kept in Kafka (a compacted topic {@code <topic>.settings}) rather than on the node, so a
 * restarted node (or, later, any node of a cluster) finds them. One key, {@code syncer}: the last PUT and whether
 * the syncer should run.
 */
public final class SettingsStore {
    private static final String KEY = "syncer";
    private final KafkaRuntime kafka;
    private final ObjectMapper mapper;
    private final String topic;

    /** What is stored: the request and whether an operator stopped the syncer. */
    public record Stored(SyncerRequest request, boolean running) {
    }

    public SettingsStore(KafkaRuntime kafka, ObjectMapper mapper) {
        this.kafka = kafka;
        this.mapper = mapper;
        this.topic = kafka.topic() + ".settings";
    }

    /** Creates the compacted settings topic when it is missing. */
    public void ensureTopic() {
        short rf = kafka.topicSpec().replicationFactor();
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            NewTopic t = new NewTopic(topic, 1, rf).configs(Map.of("cleanup.policy", "compact",
                    "min.insync.replicas", Integer.toString(kafka.topicSpec().minInsyncReplicas())));
            admin.createTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the settings topic " + topic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating " + topic, e);
        }
    }

    public void save(Stored stored) {
        Map<String, Object> p = new HashMap<>(kafka.adminConfig());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            byte[] value = mapper.writeValueAsBytes(stored);
            producer.send(new ProducerRecord<>(topic, KEY.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted saving the syncer settings", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot save the syncer settings to " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Follows the settings topic on a thread of its own and hands every new value to {@code onChange}, starting
     * with the current one; returns a handle that stops following.
     */
    public AutoCloseable watch(java.util.function.Consumer<Stored> onChange) {
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> {
            try (consumer) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                while (!stopped.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.key() != null && KEY.equals(new String(r.key(), StandardCharsets.UTF_8))
                                && r.value() != null) {
                            try {
                                onChange.accept(mapper.readValue(r.value(), Stored.class));
                            } catch (java.io.IOException e) {
                                org.slf4j.LoggerFactory.getLogger(SettingsStore.class)
                                        .error("unreadable syncer settings at offset {} of {}", r.offset(), topic);
                            }
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // stopping
            }
        }, "sluice-settings-watch");
        t.setDaemon(true);
        t.start();
        return () -> {
            stopped.set(true);
            consumer.wakeup();
            t.join(10_000);
        };
    }

    public Optional<Stored> load() {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Stored last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && KEY.equals(new String(r.key(), StandardCharsets.UTF_8))
                            && r.value() != null) {
                        last = mapper.readValue(r.value(), Stored.class);
                    }
                }
            }
            return Optional.ofNullable(last);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable syncer settings in " + topic + ": " + e.getMessage(), e);
        }
    }
}
