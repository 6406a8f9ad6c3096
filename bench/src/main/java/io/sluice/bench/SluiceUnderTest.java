package io.sluice.bench;

import io.sluice.facade.FacadeConfig;
import io.sluice.facade.FacadeServer;
import io.sluice.ingest.Syncer;
import io.sluice.ingest.SyncerConfig;
import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.model.client.tls.ClientTls;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Sluice as it runs in a node: the syncer writing a real source's binlog into a topic on real Kafka brokers (one
 * in-JVM broker as in embedded mode, or three with replication factor 3 and min.insync.replicas 2), and the facade
 * serving it, with the settings a node uses by default.
 */
final class SluiceUnderTest implements AutoCloseable {
    final KafkaCluster kafka;
    final Syncer syncer;
    final FacadeServer facade;
    final String topic;

    private SluiceUnderTest(KafkaCluster kafka, Syncer syncer, FacadeServer facade, String topic) {
        this.kafka = kafka;
        this.syncer = syncer;
        this.facade = facade;
        this.topic = topic;
    }

    /**
     * The syncer's TLS to the source: {@code -Dbench.sourceTls=DISABLED} (the default, like the native replica it
     * is compared with, whose SOURCE_SSL is 0) or {@code PREFERRED} (a node's default), to measure what TLS costs.
     */
    static ClientTls sourceTls() {
        return "PREFERRED".equalsIgnoreCase(System.getProperty("bench.sourceTls", "DISABLED")) ? ClientTls.PREFERRED
                : ClientTls.DISABLED;
    }

    static SluiceUnderTest start(MysqlServer source, int brokers, String topic) throws Exception {
        KafkaCluster kafka = KafkaCluster.start(brokers);
        try {
            TopicSpec spec = brokers == 1 ? TopicSpec.embedded(topic) : TopicSpec.defaults(topic);
            try (Admin admin = kafka.admin()) {
                TopicManager.createOrVerify(admin, spec);
            }
            Map<String, Object> consumer = KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of());
            // the defaults of a node (syncer.maxRecordBytes, groupCommitBytes, groupCommitDelayMs, heartbeatSeconds)
            Syncer syncer = new Syncer(new SyncerConfig(source.host(), source.port(), DumpReader.USER,
                    DumpReader.PASSWORD, 4001, topic, 1024 * 1024, 8L * 1024 * 1024, Duration.ofMillis(50),
                    Duration.ofSeconds(5), KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(),
                    "sluice-syncer-" + topic, spec, Map.of()), consumer).withTls(sourceTls()), null);
            FacadeServer facade = new FacadeServer(new FacadeConfig("127.0.0.1", 0, 4002,
                    "5a5a5a5a-0000-4000-8000-00000000be9c", "8.0.31-sluice", topic, consumer, 1000,
                    4 * 1024 * 1024, 1L << 30).withSharedWindowBytes(Long.getLong("bench.sharedWindowBytes",
                    FacadeConfig.DEFAULT_SHARED_WINDOW_BYTES)),
                    user -> DumpReader.USER.equals(user) ? Optional.of(DumpReader.PASSWORD) : Optional.empty());
            facade.start();
            return new SluiceUnderTest(kafka, syncer, facade, topic);
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
    }

    /** Waits until the syncer has written the source's whole {@code gtidSet}. */
    void awaitSyncer(String gtidSet, Duration timeout) throws InterruptedException {
        String want = MysqlServer.normalizeGtids(gtidSet);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String have = syncer.status().executedGtidSet();
            if (have != null && MysqlServer.normalizeGtids(have).equals(want)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the syncer did not reach " + gtidSet + " in " + timeout + "; it is "
                        + syncer.status().state() + " at " + have + ", last error " + syncer.status().lastError());
            }
            Thread.sleep(5);
        }
    }

    int facadePort() {
        return facade.port();
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {facade, syncer, kafka}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
