package io.sluice.ingest;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.sluice.ingest.SyncerAssertions.awaitTopicHas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The syncer against a real MySQL 8.0.31 source and a real Kafka broker. */
class SyncerIT {
    private static final String TOPIC = "sluice.binlog.syncer-it";
    private static MysqlServer source;
    private static KafkaCluster kafka;

    @BeforeAll
    static void start() {
        source = MysqlServer.start(11);
        source.createUser("repl", "repl-pass", "caching_sha2_password");
        kafka = KafkaCluster.start(1);
        try (Admin admin = kafka.admin()) {
            TopicManager.createOrVerify(admin, TopicSpec.embedded(TOPIC));
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (source != null) {
            source.close();
        }
    }

    private SyncerConfig config(int maxRecordBytes) {
        TopicSpec spec = TopicSpec.embedded(TOPIC);
        return new SyncerConfig(source.host(), source.port(), "repl", "repl-pass", 1001, TOPIC, maxRecordBytes,
                4 * 1024 * 1024, Duration.ofMillis(100), Duration.ofSeconds(2),
                KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "sluice-syncer-" + TOPIC, spec,
                        Map.of()),
                KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()));
    }

    @Test
    void copiesTransactionsByteExactAndResumesWithoutGapOrDuplicate() throws Exception {
        source.execute("CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(100), b LONGBLOB)");
        for (int i = 0; i < 200; i++) {
            source.execute("INSERT INTO app.t (id, v) VALUES (" + i + ", 'row " + i + "')");
        }
        try (Syncer syncer = new Syncer(config(256 * 1024), null)) {
            syncer.start();
            awaitTopicHas(syncer, source.gtidExecuted(), Duration.ofSeconds(120));
            assertThat(syncer.state()).isEqualTo(SyncerState.RUNNING);
        }
        // while the syncer is down: a large transaction (split into parts), an event above 16 MiB, and three
        // rotations, which the syncer then reads in one burst
        source.execute("UPDATE app.t SET v = REPEAT('x', 100)");
        source.execute("INSERT INTO app.t (id, v, b) VALUES (1000, 'big', REPEAT('b', 20 * 1024 * 1024))");
        for (int i = 0; i < 3; i++) {
            source.execute("FLUSH BINARY LOGS", "INSERT INTO app.t (id, v) VALUES (" + (2000 + i) + ", 'file')");
        }
        try (Syncer syncer = new Syncer(config(256 * 1024), null)) {
            syncer.start();
            awaitTopicHas(syncer, source.gtidExecuted(), Duration.ofSeconds(120));
            source.execute("DELETE FROM app.t WHERE id < 50");
            awaitTopicHas(syncer, source.gtidExecuted(), Duration.ofSeconds(120));
            assertThat(syncer.status().transactions()).isGreaterThanOrEqualTo(3);
        }

        TopicContent content = TopicContent.read(kafka.bootstrapServers(), TOPIC);
        assertThat(content.duplicates).isEmpty();
        assertThat(GtidSet.parse(source.gtidExecuted()).subtract(content.gtids)).isEqualTo(GtidSet.EMPTY);
        assertThat(content.splitTransactions).isGreaterThanOrEqualTo(1);
        assertThat(content.largestEvent).isGreaterThan(20L * 1024 * 1024);
        assertThat(content.badChecksums).isZero();
        assertThat(content.controlTypes).contains(EventType.FORMAT_DESCRIPTION, EventType.PREVIOUS_GTIDS);
        Set<String> sourceFiles = new HashSet<>();
        source.query("SHOW BINARY LOGS").forEach(row -> sourceFiles.add(row.get(0)));
        assertThat(content.files).isNotEmpty().allMatch(sourceFiles::contains, "a binlog file of the source "
                + sourceFiles);
        // each file begins a Kafka transaction, whose first record carries a checkpoint: a purge by file, and a
        // reader starting at a file, find one exactly there
        assertThat(content.fileStarts).hasSizeGreaterThanOrEqualTo(3);
        List<Long> checkpointOffsets = content.checkpoints.stream().map(TopicContent.Checkpoint::offset).toList();
        assertThat(checkpointOffsets).as("checkpoints").containsAll(content.fileStarts);
    }

    @Test
    void wrongPasswordIsAFatalErrorWithMysqlCode() {
        SyncerConfig good = config(1024 * 1024);
        SyncerConfig bad = new SyncerConfig(good.host(), good.port(), "repl", "wrong", good.serverId(), TOPIC,
                good.maxRecordBytes(), good.groupCommitBytes(), good.groupCommitDelay(), good.heartbeatPeriod(),
                good.producerConfig(), good.consumerConfig());
        try (Syncer syncer = new Syncer(bad, null)) {
            syncer.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> syncer.state() == SyncerState.ERROR);
            assertThat(syncer.status().lastErrorCode()).isEqualTo(1045);
            assertThat(syncer.status().lastError()).contains("Access denied").doesNotContain("wrong");
            assertThat(syncer.status().toString()).doesNotContain("wrong");
        }
    }
}
