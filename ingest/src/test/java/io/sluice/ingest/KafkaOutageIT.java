package io.sluice.ingest;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

import static io.sluice.ingest.SyncerAssertions.assertHoldsExactly;
import static io.sluice.ingest.SyncerAssertions.awaitTopicHas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The syncer on three real brokers (topic with replication factor 3, {@code min.insync.replicas=2}) while a workload
 * writes to the source: one broker down changes nothing; two down and the syncer pauses (and says why) while the
 * source keeps writing; brokers back and it resumes by itself, with every transaction once in the topic.
 *
 * <p>The producer's timeouts are lowered so the outage is noticed within seconds: {@code request.timeout.ms} 2 s,
 * {@code delivery.timeout.ms} 5 s ({@code >= linger.ms + request.timeout.ms}), {@code max.block.ms} 5 s (the bound
 * on {@code commitTransaction()} and {@code initTransactions()}).
 */
class KafkaOutageIT {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutageIT.class);
    private static final String TOPIC = "sluice.binlog.outage";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void pausesWhileKafkaHasTooFewInSyncReplicasAndResumesByItself() {
        try (KafkaCluster kafka = KafkaCluster.start(3);
             MysqlServer source = MysqlServer.start(51)) {
            TopicSpec spec = TopicSpec.defaults(TOPIC);
            assertThat(spec.replicationFactor()).isEqualTo((short) 3);
            assertThat(spec.minInsyncReplicas()).isEqualTo(2);
            try (Admin admin = kafka.admin()) {
                TopicManager.createOrVerify(admin, spec);
            }
            source.createUser("repl", "repl-pass", "caching_sha2_password");
            source.execute("CREATE DATABASE app",
                    "CREATE TABLE app.t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(100), src VARCHAR(8))");
            SyncerConfig config = new SyncerConfig(source.host(), source.port(), "repl", "repl-pass", 1001, TOPIC,
                    256 * 1024, 4 * 1024 * 1024, Duration.ofMillis(50), Duration.ofSeconds(2),
                    KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "sluice-syncer-" + TOPIC, spec,
                            Map.of(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000,
                                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000)),
                    KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()));

            try (Syncer syncer = new Syncer(config, null);
                 Workload workload = Workload.start(source, "w")) {
                syncer.start();
                workload.awaitCommitted(100, WAIT);
                awaitTopicHas(syncer, source.gtidExecuted(), WAIT);

                kafka.stopBroker(0);
                workload.awaitCommitted(workload.committed() + 200, WAIT);
                awaitTopicHas(syncer, source.gtidExecuted(), WAIT);
                assertThat(syncer.state()).as("one broker down of three").isEqualTo(SyncerState.RUNNING);

                long secondDown = System.nanoTime();
                kafka.stopBroker(1);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    SyncerStatus s = syncer.status();
                    assertThat(s.state()).isEqualTo(SyncerState.PAUSED);
                    assertThat(s.lastError()).as("status %s", s).contains("not enough in-sync replicas")
                            .contains("min.insync.replicas=2");
                });
                long pausedAfter = millisSince(secondDown);
                SyncerStatus paused = syncer.status();
                // the source keeps writing; the syncer neither writes nor reconnects meanwhile
                workload.awaitCommitted(workload.committed() + 1000, WAIT);
                SyncerStatus stillPaused = syncer.status();
                assertThat(stillPaused.state()).isEqualTo(SyncerState.PAUSED);
                assertThat(stillPaused.executedGtidSet()).isEqualTo(paused.executedGtidSet());
                assertThat(stillPaused.connectionAttempts()).isEqualTo(paused.connectionAttempts());
                assertThat(GtidSet.parse(source.gtidExecuted()).subtract(GtidSet.parse(paused.executedGtidSet()))
                        .count()).isGreaterThanOrEqualTo(1000);

                long restart = System.nanoTime();
                kafka.startBroker(1);
                kafka.startBroker(0);
                long brokersBack = System.nanoTime();
                String sourceSet = source.gtidExecuted();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() ->
                        syncer.state() == SyncerState.RUNNING && syncer.status().connectionAttempts()
                                > paused.connectionAttempts());
                long resumedAfter = millisSince(brokersBack);
                awaitTopicHas(syncer, sourceSet, WAIT);
                long caughtUpAfter = millisSince(brokersBack);

                long total = workload.stop();
                assertThat(workload.failure()).isNull();
                awaitTopicHas(syncer, source.gtidExecuted(), WAIT);
                LOG.info("kafka outage: paused {} ms after the second broker stopped; brokers restarted in {} ms; "
                        + "RUNNING again {} ms after they were back, topic caught up with the source {} ms after; "
                        + "{} transactions written by the workload", pausedAfter,
                        Duration.ofNanos(brokersBack - restart).toMillis(), resumedAfter, caughtUpAfter, total);
            }
            TopicContent content = TopicContent.read(kafka.bootstrapServers(), TOPIC);
            assertHoldsExactly(content, source.gtidExecuted());
        }
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
