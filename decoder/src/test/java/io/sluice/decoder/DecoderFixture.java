package io.sluice.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.ingest.Syncer;
import io.sluice.ingest.SyncerConfig;
import io.sluice.ingest.SyncerState;
import io.sluice.ingest.SyncerStatus;
import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestPasswords;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real MySQL 8.0.31 source, a real Kafka broker, and Sluice's syncer copying the source's binlog into the topic
 * the decoder reads, for the decoder's integration tests.
 */
final class DecoderFixture implements AutoCloseable {
    static final String TOPIC = "sluice.binlog.decoder-it";
    static final ObjectMapper JSON = new ObjectMapper();

    final MysqlServer source;
    final KafkaCluster kafka;
    final Syncer syncer;

    /** A decoded row change as read from an output topic. */
    record Change(String topic, JsonNode key, JsonNode value) {
        String op() {
            return value.get("op").asText();
        }

        /** Where it comes from: its transaction and its index there, unique per row change. */
        String identity() {
            return value.get("gtid").asText() + "#" + value.get("row").asInt();
        }
    }

    DecoderFixture(int serverId, int maxRecordBytes, String... mysqlArgs) {
        source = MysqlServer.start(serverId, mysqlArgs);
        String password = TestPasswords.fresh("repl");
        source.createUser("repl", password, "caching_sha2_password");
        kafka = KafkaCluster.start(1);
        try (Admin admin = kafka.admin()) {
            TopicManager.createOrVerify(admin, TopicSpec.embedded(TOPIC));
        }
        TopicSpec spec = TopicSpec.embedded(TOPIC);
        SyncerConfig config = new SyncerConfig(source.host(), source.port(), "repl", password, 2001, TOPIC,
                maxRecordBytes, 4 * 1024 * 1024, Duration.ofMillis(50), Duration.ofSeconds(2),
                KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "sluice-syncer-" + TOPIC, spec,
                        Map.of()),
                KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()));
        syncer = new Syncer(config, null);
        syncer.start();
    }

    /** Settings for a decoder of this fixture's topic. */
    DecoderSettings settings(String applicationId, OutputMode mode, String output, Path stateDir,
                             DecoderSettings.SchemaSource schema) {
        return new DecoderSettings(client(), TOPIC, applicationId, mode, output, 1, (short) 1, 1, stateDir, schema);
    }

    Map<String, Object> client() {
        Map<String, Object> client = new HashMap<>();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        // a killed decoder's consumer leaves the group after this, not after the 45 s default
        client.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        return client;
    }

    /** Waits until the topic holds every transaction the source has executed. */
    void awaitSynced() {
        GtidSet expected = GtidSet.parse(source.gtidExecuted());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            SyncerStatus s = syncer.status();
            assertThat(s.state()).as("status %s", s).isNotEqualTo(SyncerState.ERROR);
            assertThat(GtidSet.parse(s.executedGtidSet()).containsAll(expected)).as("topic has %s", expected)
                    .isTrue();
        });
    }

    /**
     * Reads the committed row changes of one database from the topics until {@code count} are there (or a minute
     * passed), in order, and then two seconds more: anything beyond the count would be a duplicate.
     */
    List<Change> read(Set<String> topics, String database, int count) {
        return read(topics, c -> c.value().get("database").asText().equals(database), count);
    }

    /** Like {@link #read(Set, String, int)}, for the row changes {@code wanted} accepts. */
    List<Change> read(Set<String> topics, java.util.function.Predicate<Change> wanted, int count) {
        Map<String, Object> config = new HashMap<>(client());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        List<Change> changes = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = topics.stream().map(t -> new TopicPartition(t, 0))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (changes.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    Change change = new Change(r.topic(), parse(r.key()), parse(r.value()));
                    if (wanted.test(change)) {
                        changes.add(change);
                    }
                }
            }
            long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < quiet) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    Change change = new Change(r.topic(), parse(r.key()), parse(r.value()));
                    if (wanted.test(change)) {
                        changes.add(change);
                    }
                }
            }
        }
        return changes;
    }

    /** The end of partition 0 of a topic for a read_committed reader (its last stable offset); 0 if it does not exist. */
    long committedEnd(String topic) {
        Map<String, Object> config = new HashMap<>(client());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            if (consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty()) {
                return 0;
            }
            return consumer.endOffsets(List.of(p), Duration.ofSeconds(5)).get(p);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return 0;
        }
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    static Path tempDir(String prefix) {
        try {
            Path dir = Path.of("target", "decoder-state");
            Files.createDirectories(dir);
            return Files.createTempDirectory(dir, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        syncer.close();
        kafka.close();
        source.close();
    }
}
