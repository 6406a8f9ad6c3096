package io.sluice.app;

import io.sluice.facade.FacadeConfig;
import io.sluice.facade.FacadeServer;
import io.sluice.facade.MetadataBackend;
import io.sluice.ingest.Syncer;
import io.sluice.ingest.SyncerConfig;
import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;

/**
 * A real MySQL 8.0.31 source, the syncer, one real Kafka broker and the facade, wired as in {@link
 * FacadeReplicaIT}, for the client compatibility tests. The facade listens on a fixed port so that it can be
 * stopped and started again where its clients expect it.
 */
final class SluicePipeline implements AutoCloseable {
    static final String USER = "repl";
    static final String PASSWORD = io.sluice.testkit.TestPasswords.used("repl-pass");

    final MysqlServer source;
    final KafkaCluster kafka;
    final Syncer syncer;
    FacadeServer facade;
    final FacadeConfig facadeConfig;
    final int facadePort;

    private SluicePipeline(MysqlServer source, KafkaCluster kafka, Syncer syncer, FacadeServer facade,
                           FacadeConfig facadeConfig) {
        this.source = source;
        this.kafka = kafka;
        this.syncer = syncer;
        this.facade = facade;
        this.facadeConfig = facadeConfig;
        this.facadePort = facadeConfig.port();
    }

    /** @param sourceArgs further mysqld options of the source, e.g. {@code --binlog-checksum=NONE} */
    static SluicePipeline start(String topic, int sourceServerId, String... sourceArgs) throws Exception {
        MysqlServer source = MysqlServer.start(sourceServerId, sourceArgs);
        KafkaCluster kafka = null;
        Syncer syncer = null;
        try {
            source.createUser(USER, PASSWORD, "caching_sha2_password");
            kafka = KafkaCluster.start(1);
            TopicSpec spec = TopicSpec.embedded(topic);
            try (Admin admin = kafka.admin()) {
                TopicManager.createOrVerify(admin, spec);
            }
            Map<String, Object> consumer = KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of());
            syncer = new Syncer(new SyncerConfig(source.host(), source.port(), USER, PASSWORD, 1001, topic,
                    1024 * 1024, 4 * 1024 * 1024, Duration.ofMillis(100), Duration.ofSeconds(2),
                    KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "sluice-syncer-" + topic,
                            spec, Map.of()), consumer), null);
            syncer.start();
            int port = freePort();
            FacadeConfig config = new FacadeConfig("127.0.0.1", port, 99, "5a5a5a5a-0000-4000-8000-000000000002",
                    "8.0.31-sluice", topic, consumer, 100, 1024 * 1024, 1L << 30);
            FacadeServer facade = new FacadeServer(config, SluicePipeline::password);
            facade.start();
            return new SluicePipeline(source, kafka, syncer, facade, config);
        } catch (Exception | Error e) {
            closeQuietly(syncer, kafka, source);
            throw e;
        }
    }

    private static Optional<String> password(String user) {
        return USER.equals(user) ? Optional.of(PASSWORD) : Optional.empty();
    }

    /**
     * Restarts the facade, on the same port, forwarding metadata statements to {@code backend}; its replicas
     * reconnect by themselves.
     */
    void useMetadataBackend(MetadataBackend backend) throws InterruptedException {
        facade.close();
        facade = new FacadeServer(facadeConfig.withMetadataBackend(backend), SluicePipeline::password);
        facade.start();
    }

    /** Waits until the syncer has written {@code gtidSet} to the topic, no more and no less. */
    void awaitSyncerHas(String gtidSet) {
        String want = MysqlServer.normalizeGtids(gtidSet);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String executed = syncer.status().executedGtidSet();
            if (executed != null && MysqlServer.normalizeGtids(executed).equals(want)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the syncer did not reach " + gtidSet + "; it has " + executed);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until the syncer has written everything the source has committed. */
    void awaitSyncerCaughtUp() {
        awaitSyncerHas(source.gtidExecuted());
    }

    /** The last GTID the source committed, {@code uuid:N} (the source has only its own GTIDs). */
    String lastSourceGtid() {
        String executed = source.gtidExecuted();
        String uuid = source.serverUuid();
        String interval = executed.substring(executed.lastIndexOf(':') + 1);
        return uuid + ":" + interval.substring(interval.indexOf('-') + 1);
    }

    @Override
    public void close() {
        closeQuietly(facade, syncer, kafka, source);
    }

    static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable c : resources) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
