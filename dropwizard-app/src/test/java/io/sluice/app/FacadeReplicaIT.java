package io.sluice.app;

import io.sluice.facade.FacadeServer;
import io.sluice.ingest.Syncer;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A real MySQL replica attached to the facade, fed by the syncer from a real source through real Kafka. */
class FacadeReplicaIT {
    private static final String TOPIC = "sluice.binlog.facade-it";
    private static MysqlServer source;
    private static MysqlServer replica;
    private static KafkaCluster kafka;
    private static Syncer syncer;
    private static FacadeServer facade;
    private static SluicePipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = SluicePipeline.start(TOPIC, 21);
        source = pipeline.source;
        kafka = pipeline.kafka;
        syncer = pipeline.syncer;
        facade = pipeline.facade;
        replica = MysqlServer.start(22);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {replica, pipeline}) {
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
    void replicaCatchesUpThroughSluice() throws InterruptedException {
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

        // a second replica from the start of the binlog: it catches up with a reader of its own, then shares the
        // window of the topic's tail with the first
        try (MysqlServer second = MysqlServer.start(23)) {
            second.startReplica("127.0.0.1", facade.port(), "repl", "repl-pass");
            second.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(90));
            for (int i = 100; i < 300; i++) {
                source.execute("INSERT INTO shop.item VALUES (" + i + ", 'item " + i + "')");
            }
            replica.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(90));
            second.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(90));
            assertThat(second.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));
            assertThat(replica.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (facade.sharedReaders() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(facade.sharedReaders()).as("both replicas read the shared window").isEqualTo(2);
        }
    }
}
