package io.sluice.app;

import io.sluice.ingest.Syncer;
import io.sluice.ingest.SyncerConfig;
import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.kafka.binlog.Records;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A syncer that lost its leadership but still runs (a partitioned node) is fenced by the new leader's producer,
 * which shares the fixed transactional id: it stops in ERROR and nothing is written twice.
 */
class FencingIT {
    private static final String TOPIC = "sluice.binlog.fencing";

    @Test
    void anOldLeaderIsFencedAndNothingIsWrittenTwice() throws Exception {
        try (KafkaCluster kafka = KafkaCluster.start(3); MysqlServer source = MysqlServer.start(71)) {
            source.createUser("repl", "repl-pass", "caching_sha2_password");
            TopicSpec spec = TopicSpec.defaults(TOPIC);
            try (Admin admin = kafka.admin()) {
                TopicManager.createOrVerify(admin, spec);
            }
            source.execute("CREATE DATABASE f", "CREATE TABLE f.t (id INT PRIMARY KEY)");
            SyncerConfig config = new SyncerConfig(source.host(), source.port(), "repl", "repl-pass", 1001, TOPIC,
                    1024 * 1024, 1024 * 1024, Duration.ofMillis(20), Duration.ofSeconds(2),
                    KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "sluice-syncer-" + TOPIC, spec,
                            Map.of()),
                    KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()));
            try (Syncer old = new Syncer(config, null); Syncer next = new Syncer(config, null)) {
                old.start();
                for (int i = 0; i < 200; i++) {
                    source.execute("INSERT INTO f.t VALUES (" + i + ")");
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> old.status().transactions() > 0);
                next.start();
                for (int i = 200; i < 400; i++) {
                    source.execute("INSERT INTO f.t VALUES (" + i + ")");
                }
                GtidSet all = GtidSet.parse(source.gtidExecuted());
                // the old one is cut off by the new producer's epoch (ProducerFencedException, or with transaction
                // protocol v2 sometimes a failed EndTxn); whatever it tries next, the topic must stay exact
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(old.status().lastError()).isNotNull();
                    assertThat(GtidSet.parse(next.status().executedGtidSet()).containsAll(all)
                            || GtidSet.parse(old.status().executedGtidSet()).containsAll(all)).isTrue();
                });
            }
            List<Gtid> written = new ArrayList<>();
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                    KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                while (consumer.position(tp) < end) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        RecordMeta meta = Records.meta(r);
                        if (meta.kind() == RecordKind.TRANSACTION && meta.endsUnit()) {
                            written.add(meta.gtid());
                        }
                    }
                }
            }
            Set<Gtid> distinct = new HashSet<>(written);
            assertThat(written).hasSize(distinct.size());
            assertThat(GtidSet.parse(source.gtidExecuted()).subtract(GtidSet.of(distinct.toArray(new Gtid[0]))))
                    .isEqualTo(GtidSet.EMPTY);
        }
    }
}
