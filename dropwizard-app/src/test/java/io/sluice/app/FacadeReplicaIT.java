package io.sluice.app;

import io.sluice.facade.FacadeConfig;
import io.sluice.facade.FacadeServer;
import io.sluice.ingest.Syncer;
import io.sluice.ingest.SyncerConfig;
import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A real MySQL replica attached to the facade, fed by the syncer from a real source through real Kafka. */
class FacadeReplicaIT {
    private static final String TOPIC = "sluice.binlog.facade-it";
    private static MysqlServer source;
    private static MysqlServer replica;
    private static KafkaCluster kafka;
    private static Syncer syncer;
    private static FacadeServer facade;

    @BeforeAll
    static void start() throws Exception {
        source = MysqlServer.start(21);
        source.createUser("repl", "repl-pass", "caching_sha2_password");
        replica = MysqlServer.start(22);
        kafka = KafkaCluster.start(1);
        TopicSpec spec = TopicSpec.embedded(TOPIC);
        try (Admin admin = kafka.admin()) {
            TopicManager.createOrVerify(admin, spec);
        }
        Map<String, Object> consumer = KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of());
        syncer = new Syncer(new SyncerConfig(source.host(), source.port(), "repl", "repl-pass", 1001, TOPIC,
                1024 * 1024, 4 * 1024 * 1024, Duration.ofMillis(100), Duration.ofSeconds(2),
                KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "sluice-syncer-" + TOPIC, spec,
                        Map.of()), consumer), null);
        syncer.start();
        facade = new FacadeServer(new FacadeConfig("127.0.0.1", 0, 99, "5a5a5a5a-0000-4000-8000-000000000001",
                "8.0.31-sluice", TOPIC, consumer, 100, 1024 * 1024, 1L << 30),
                user -> "repl".equals(user) ? Optional.of("repl-pass") : Optional.empty());
        facade.start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {facade, syncer, replica, source, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void replicaCatchesUpThroughSluice() {
        source.execute("CREATE DATABASE shop", "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50))");
        for (int i = 0; i < 100; i++) {
            source.execute("INSERT INTO shop.item VALUES (" + i + ", 'item " + i + "')");
        }
        replica.startReplica("127.0.0.1", facade.port(), "repl", "repl-pass");
        source.execute("UPDATE shop.item SET name = CONCAT(name, '!') WHERE id % 2 = 0");
        replica.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(90));
        assertThat(replica.gtidExecuted()).isEqualTo(source.gtidExecuted());
        assertThat(replica.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));
        assertThat(facade.registry().replicas()).hasSize(1);
        assertThat(facade.registry().replicas().get(0).serverId()).isEqualTo(22);
    }
}
