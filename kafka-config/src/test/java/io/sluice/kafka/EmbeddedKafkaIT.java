package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded single-node broker, with the safe client defaults, against real storage. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedKafkaIT {

    private static final String TOPIC = "sluice.binlog";
    private static final TopicSpec SPEC = TopicSpec.embedded(TOPIC);

    @TempDir
    Path dir;

    @Test
    void transactionalRoundTripSurvivesARestart() throws Exception {
        List<String> committed = new ArrayList<>();
        byte[] large = new byte[10 * 1024 * 1024];
        Arrays.fill(large, (byte) 'x');
        large[large.length - 1] = 'y';

        long begun = System.nanoTime();
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            System.out.println("MEASURE embedded broker first start (format + start): " + millisSince(begun) + " ms");
            port = kafka.port();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(dir.resolve("kafka-logs/meta.properties")).exists();
            try (Admin admin = Admin.create(KafkaClientDefaults.admin(kafka.bootstrapServers(), Map.of()))) {
                assertThat(TopicManager.createOrVerify(admin, SPEC)).isEqualTo(TopicManager.Outcome.CREATED);
                assertThat(TopicManager.createOrVerify(admin, SPEC)).isEqualTo(TopicManager.Outcome.VERIFIED);
                // the production rules refuse the single-replica topic
                assertThatThrownBy(() -> TopicManager.createOrVerify(admin, TopicSpec.defaults(TOPIC)))
                        .isInstanceOf(UnsafeTopicException.class)
                        .hasMessageContaining("replication factor 1 outside embedded mode");
                // and a replication factor the single node cannot host is reported as such
                assertThatThrownBy(() -> TopicManager.createOrVerify(admin, TopicSpec.defaults("other")))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("replication factor 3");
            }
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                producer.initTransactions();
                commit(producer, "first", 50, committed);
                // aborted: never visible to read_committed readers
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, bytes("aborted"))).get();
                producer.abortTransaction();
                // a 10 MiB record: max.message.bytes, max.request.size and lz4 work together
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, large));
                producer.commitTransaction();
                committed.add("large");
                producer.close(Duration.ofSeconds(30));
            }
            assertThat(readCommitted(kafka, committed.size(), large)).containsExactlyElementsOf(committed);
        }

        begun = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, port)) {
            System.out.println("MEASURE embedded broker restart over existing data: " + millisSince(begun) + " ms");
            assertThat(kafka.port()).isEqualTo(port);
            try (Admin admin = Admin.create(KafkaClientDefaults.admin(kafka.bootstrapServers(), Map.of()))) {
                assertThat(TopicManager.createOrVerify(admin, SPEC)).isEqualTo(TopicManager.Outcome.VERIFIED);
            }
            assertThat(readCommitted(kafka, committed.size(), large)).containsExactlyElementsOf(committed);
            // the same transactional id goes on writing after the restart
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                producer.initTransactions();
                commit(producer, "second", 5, committed);
                producer.close(Duration.ofSeconds(30));
            }
            assertThat(readCommitted(kafka, committed.size(), large)).containsExactlyElementsOf(committed);
        }
    }

    @Test
    void startsOnAConfiguredPortAndReportsATakenOne() throws Exception {
        int port = freePort();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("a"), port)) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            try (Admin admin = Admin.create(KafkaClientDefaults.admin(kafka.bootstrapServers(), Map.of()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
            long begun = System.nanoTime();
            assertThatThrownBy(() -> EmbeddedKafka.start(dir.resolve("b"), port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port);
            System.out.println("MEASURE failing start on a taken port: " + millisSince(begun) + " ms");
        }
        assertThat(Files.exists(dir.resolve("b/kafka-logs/meta.properties"))).isTrue();
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(),
                "sluice-it", SPEC, Map.of("client.id", "embedded-it")));
    }

    private static void commit(KafkaProducer<byte[], byte[]> producer, String prefix, int count, List<String> out) {
        producer.beginTransaction();
        for (int i = 0; i < count; i++) {
            String value = prefix + "-" + i;
            producer.send(new ProducerRecord<>(TOPIC, bytes(value)));
            out.add(value);
        }
        producer.commitTransaction();
    }

    /** Reads the whole topic with read_committed; the large record is checked and shown as "large". */
    private static List<String> readCommitted(EmbeddedKafka kafka, int expected, byte[] large) {
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()))) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    read.add(record.value().length == large.length && Arrays.equals(record.value(), large)
                            ? "large" : new String(record.value(), StandardCharsets.UTF_8));
                }
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                read.add(new String(record.value(), StandardCharsets.UTF_8));
            }
        }
        return read;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
