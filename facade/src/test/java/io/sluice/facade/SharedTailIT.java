package io.sluice.facade;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.testkit.KafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The window of the topic that dumps share, against a real Kafka broker and transactional writes. */
class SharedTailIT {
    private static final int VALUE_BYTES = 1024;
    private static KafkaCluster kafka;

    @BeforeAll
    static void start() {
        kafka = KafkaCluster.start(1);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void cursorsReadEveryCommittedRecordInOrderFromOneCopy() throws Exception {
        String topic = topic();
        write(topic, 0, 300, 30, true);
        write(topic, 300, 10, 10, false); // aborted: never seen
        write(topic, 310, 100, 20, true);
        try (SharedTail tail = new SharedTail(consumerConfig(50), topic, FacadeConfig.DEFAULT_SHARED_WINDOW_BYTES)) {
            SharedTail.Cursor a = tail.attach(0);
            SharedTail.Cursor b = tail.attach(0);
            assertThat(a).isNotNull();
            assertThat(b).isNotNull();
            assertThat(tail.cursors()).isEqualTo(2);
            List<SharedTail.Shared> readByA = readUntil(a, 400);
            List<SharedTail.Shared> readByB = readUntil(b, 400);
            assertThat(readByA).extracting(SharedTailIT::number)
                    .containsExactlyElementsOf(expected(0, 300, 310, 100));
            assertThat(readByB).extracting(SharedTailIT::number)
                    .containsExactlyElementsOf(expected(0, 300, 310, 100));
            for (int i = 0; i < readByA.size(); i++) {
                assertThat(readByB.get(i).record().value()).as("one copy of each record")
                        .isSameAs(readByA.get(i).record().value());
            }
            // at the tail: nothing, then what is committed next
            assertThat(a.poll(Duration.ofMillis(300))).isEmpty();
            write(topic, 410, 5, 5, true);
            assertThat(readUntil(a, 5)).extracting(SharedTailIT::number).containsExactly(410L, 411L, 412L, 413L, 414L);
            a.close();
            b.close();
            assertThat(tail.cursors()).isZero();
        }
    }

    @Test
    void aCursorThatHoldsAFullWindowBackIsLeftBehindAndTheOthersGoOn() throws Exception {
        String topic = topic();
        write(topic, 0, 200, 20, true);
        // a window of 20 records, fetched 10 at a time
        try (SharedTail tail = new SharedTail(consumerConfig(10), topic, 20L * VALUE_BYTES)) {
            SharedTail.Cursor fast = tail.attach(0);
            SharedTail.Cursor slow = tail.attach(0);
            long t0 = System.nanoTime();
            assertThat(readUntil(fast, 200)).extracting(SharedTailIT::number)
                    .containsExactlyElementsOf(expected(0, 200));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("held back once, for the grace period")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(slow.poll(Duration.ofMillis(100))).as("left behind: read on alone").isNull();
            assertThat(slow.next()).isZero();
            assertThat(tail.cursors()).isEqualTo(1);

            // the window holds the end of the topic now, which another stretch cannot join while it is read
            assertThat(tail.attach(0)).isNull();
            fast.close();
            // with nobody reading it, the window moves to whoever comes
            SharedTail.Cursor again = tail.attach(0);
            assertThat(again).isNotNull();
            assertThat(readUntil(again, 10)).extracting(SharedTailIT::number)
                    .containsExactlyElementsOf(expected(0, 10));
            again.close();
        }
    }

    private static List<Long> expected(long... ranges) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 2) {
            for (long n = ranges[i]; n < ranges[i] + ranges[i + 1]; n++) {
                out.add(n);
            }
        }
        return out;
    }

    private static long number(SharedTail.Shared shared) {
        return ByteBuffer.wrap(shared.record().value()).getLong();
    }

    private static List<SharedTail.Shared> readUntil(SharedTail.Cursor cursor, int count)
            throws InterruptedException {
        List<SharedTail.Shared> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            List<SharedTail.Shared> records = cursor.poll(Duration.ofMillis(200));
            assertThat(records).as("the cursor stays in the window").isNotNull();
            out.addAll(records);
        }
        return out;
    }

    private static String topic() {
        String topic = "sluice.binlog.shared-" + UUID.randomUUID();
        try (Admin admin = kafka.admin()) {
            TopicManager.createOrVerify(admin, TopicSpec.embedded(topic));
        }
        return topic;
    }

    private static Map<String, Object> consumerConfig(int maxPollRecords) {
        Map<String, Object> config = new HashMap<>(KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()));
        config.put("max.poll.records", maxPollRecords);
        return config;
    }

    /** Records numbered {@code first…first+count-1}, in transactions of {@code perTransaction}. */
    private static void write(String topic, long first, int count, int perTransaction, boolean commit) {
        Map<String, Object> config = KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(),
                "shared-it-" + topic, TopicSpec.embedded(topic), Map.of());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            for (int done = 0; done < count; done += perTransaction) {
                producer.beginTransaction();
                for (int i = done; i < Math.min(count, done + perTransaction); i++) {
                    byte[] value = new byte[VALUE_BYTES];
                    ByteBuffer.wrap(value).putLong(first + i);
                    producer.send(new ProducerRecord<>(topic, 0, null, value));
                }
                if (commit) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
        }
    }
}
