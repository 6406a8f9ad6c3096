package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A three-broker in-JVM cluster keeps taking transactional writes with one broker down. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaClusterTest {

    private static final String TOPIC = "kafka-cluster-test";

    @Test
    @SuppressWarnings("try") // the cluster is closed explicitly to time it; the second close is a no-op
    void threeBrokersSurviveOneDown() throws Exception {
        long begun = System.nanoTime();
        try (KafkaCluster cluster = KafkaCluster.start(3)) {
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun);
            System.out.println("MEASURE 3-broker in-JVM cluster start: " + startMs + " ms");
            assertThat(cluster.brokerCount()).isEqualTo(3);
            assertThat(cluster.mode()).isEqualTo(KafkaCluster.Mode.IN_JVM);

            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2", "unclean.leader.election.enable", "false"))))
                        .all().get(30, TimeUnit.SECONDS);
                TopicDescription description = admin.describeTopics(List.of(TOPIC)).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get(TOPIC);
                assertThat(description.partitions().get(0).replicas()).hasSize(3);
            }

            List<String> written = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(cluster))) {
                producer.initTransactions();
                write(producer, "before", 10, written);

                long t = System.nanoTime();
                cluster.stopBroker(0);
                System.out.println("MEASURE stop one broker: " + millisSince(t) + " ms");
                t = System.nanoTime();
                write(producer, "one-down", 10, written);
                System.out.println("MEASURE first transaction with one broker down: " + millisSince(t) + " ms");

                // an aborted transaction is never seen by read_committed readers
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, bytes("aborted")));
                producer.flush();
                producer.abortTransaction();

                t = System.nanoTime();
                cluster.startBroker(0);
                System.out.println("MEASURE restart the broker: " + millisSince(t) + " ms");
                write(producer, "after", 10, written);
                producer.close(Duration.ofSeconds(30));
            }

            assertThat(readCommitted(cluster, written.size())).containsExactlyElementsOf(written);

            long stopBegun = System.nanoTime();
            cluster.close();
            System.out.println("MEASURE 3-broker in-JVM cluster close: " + millisSince(stopBegun) + " ms");
        }
    }

    @Test
    void brokerIndexIsChecked() {
        // cheap: a single-broker cluster; index 1 does not exist
        try (KafkaCluster cluster = KafkaCluster.start(1)) {
            assertThat(cluster.brokerCount()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.stopBroker(1))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    private static void write(KafkaProducer<byte[], byte[]> producer, String prefix, int count, List<String> written)
            throws Exception {
        producer.beginTransaction();
        for (int i = 0; i < count; i++) {
            String value = prefix + "-" + i;
            producer.send(new ProducerRecord<>(TOPIC, bytes(value)));
            written.add(value);
        }
        producer.commitTransaction();
    }

    private static List<String> readCommitted(KafkaCluster cluster, int expected) {
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", cluster.bootstrapServers(),
                "isolation.level", "read_committed",
                "enable.auto.commit", "false",
                "auto.offset.reset", "earliest",
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName()))) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    read.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
            // nothing more (the aborted record in particular) shows up
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                read.add(new String(record.value(), StandardCharsets.UTF_8));
            }
        }
        return read;
    }

    private static Map<String, Object> producerConfig(KafkaCluster cluster) {
        return Map.of(
                "bootstrap.servers", cluster.bootstrapServers(),
                "acks", "all",
                "enable.idempotence", "true",
                "transactional.id", "kafka-cluster-test",
                "max.block.ms", "60000",
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName());
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
