package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaClientDefaultsTest {

    private static final String SERVERS = "127.0.0.1:9092";

    @Test
    void producerDefaults() {
        Map<String, Object> p = KafkaClientDefaults.transactionalProducer(SERVERS, "sluice-main",
                TopicSpec.defaults("t"), Map.of());
        assertThat(p).containsEntry("bootstrap.servers", SERVERS)
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("transactional.id", "sluice-main")
                .containsEntry("max.in.flight.requests.per.connection", 5)
                .containsEntry("key.serializer", ByteArraySerializer.class.getName())
                .containsEntry("value.serializer", ByteArraySerializer.class.getName())
                .containsEntry("max.request.size", 16 * 1024 * 1024)
                .containsEntry("buffer.memory", 32L * 1024 * 1024)
                .containsEntry("compression.type", "lz4")
                .containsEntry("linger.ms", 5)
                .containsEntry("retry.backoff.ms", 2)
                .containsEntry("delivery.timeout.ms", 30_000)
                .containsEntry("transaction.timeout.ms", 60_000)
                .doesNotContainKey("retries");
        // the producer's own validation accepts the combination
        new ProducerConfig(p);
    }

    @Test
    void bufferGrowsWithTheRecordLimit() {
        Map<String, Object> p = KafkaClientDefaults.transactionalProducer(SERVERS, "x", 64 * 1024 * 1024, Map.of());
        assertThat(p).containsEntry("buffer.memory", 128L * 1024 * 1024);
    }

    @Test
    void consumerDefaults() {
        Map<String, Object> c = KafkaClientDefaults.consumer(SERVERS, Map.of());
        assertThat(c).containsEntry("bootstrap.servers", SERVERS)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("allow.auto.create.topics", "false")
                .containsEntry("key.deserializer", ByteArrayDeserializer.class.getName())
                .containsEntry("value.deserializer", ByteArrayDeserializer.class.getName())
                .doesNotContainKey("group.id");
        new ConsumerConfig(c);
    }

    @Test
    void securityPropertiesPassThrough() {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("security.protocol", "SASL_SSL");
        overrides.put("sasl.mechanism", "SCRAM-SHA-512");
        overrides.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"sluice\" password=\"secret\";");
        overrides.put("ssl.truststore.location", "/etc/sluice/truststore.jks");
        overrides.put("linger.ms", 20);
        overrides.put("group.id", "sluice-leader");
        Map<String, Object> p = KafkaClientDefaults.transactionalProducer(SERVERS, "t", 1 << 20, overrides);
        Map<String, Object> c = KafkaClientDefaults.consumer(SERVERS, overrides);
        Map<String, Object> a = KafkaClientDefaults.admin(SERVERS, overrides);
        for (Map<String, Object> config : java.util.List.of(p, c, a)) {
            assertThat(config).containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.location", "/etc/sluice/truststore.jks");
        }
        assertThat(p).containsEntry("linger.ms", 20);
        assertThat(c).containsEntry("group.id", "sluice-leader");
    }

    @Test
    void safetyKeysCannotBeOverridden() {
        assertThatThrownBy(() -> KafkaClientDefaults.transactionalProducer(SERVERS, "t", 1 << 20, Map.of("acks", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acks");
        assertThatThrownBy(() -> KafkaClientDefaults.transactionalProducer(SERVERS, "t", 1 << 20,
                Map.of("enable.idempotence", false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("enable.idempotence");
        assertThatThrownBy(() -> KafkaClientDefaults.transactionalProducer(SERVERS, "t", 1 << 20,
                Map.of("transactional.id", "other")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transactional.id");
        assertThatThrownBy(() -> KafkaClientDefaults.transactionalProducer(SERVERS, "t", 1 << 20,
                Map.of("value.serializer", StringSerializer.class)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value.serializer");
        assertThatThrownBy(() -> KafkaClientDefaults.consumer(SERVERS, Map.of("isolation.level", "read_uncommitted")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("isolation.level");
        assertThatThrownBy(() -> KafkaClientDefaults.consumer(SERVERS, Map.of("bootstrap.servers", "elsewhere:9092")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> KafkaClientDefaults.admin(SERVERS, Map.of("bootstrap.servers", "elsewhere:9092")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
    }

    @Test
    void restatingTheSafeValueIsAccepted() {
        Map<String, Object> p = KafkaClientDefaults.transactionalProducer(SERVERS, "t", 1 << 20,
                Map.of("acks", "-1", "enable.idempotence", true, "value.serializer", ByteArraySerializer.class));
        assertThat(p).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("value.serializer", ByteArraySerializer.class.getName());
        Map<String, Object> c = KafkaClientDefaults.consumer(SERVERS, Map.of("isolation.level", "READ_COMMITTED"));
        assertThat(c).containsEntry("isolation.level", "read_committed");
    }

    @Test
    void badArgumentsAreRefused() {
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("sasl.mechanism", null);
        assertThatThrownBy(() -> KafkaClientDefaults.consumer(SERVERS, nullValue))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sasl.mechanism");
        assertThatThrownBy(() -> KafkaClientDefaults.consumer(" ", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> KafkaClientDefaults.transactionalProducer(SERVERS, "", 1 << 20, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transactionalId");
        assertThatThrownBy(() -> KafkaClientDefaults.transactionalProducer(SERVERS, "t", 0, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRequestSize");
    }
}
