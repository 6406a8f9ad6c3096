package io.sluice.ingest;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sluice.ingest.SyncerAssertions.assertHoldsExactly;
import static io.sluice.ingest.SyncerAssertions.awaitTopicHas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Source failover against real MySQL 8.0.31 servers and a real Kafka broker: the syncer leaves a dead source for a
 * replica that has everything the topic has, with no gap and no duplicate, and refuses servers with errant or missing
 * transactions.
 *
 * <p>The errant rule under test (see {@link SourceVetting}): after the source A dies, transactions of a candidate that
 * the topic lacks are fine when they carry A's UUID (A committed them, the topic had not got them yet) or, when the
 * candidate no longer replicates from anyone (a promoted primary, {@code RESET REPLICA ALL}), its own UUID (its writes
 * since the promotion). So the syncer takes the promoted replica B whether it gets there before B's first write
 * ({@link #switchesToTheReplicaWhenTheSourceDiesThenFollowsItsWritesOncePromoted}) or after
 * ({@link #takesAReplicaPromotedWhileNoSyncerRanWithItsOwnWrites}). A replica that still replicates and has a local
 * write of its own UUID has an errant transaction and is refused ({@link #refusesErrantAndMissingCandidates}).
 */
class SourceFailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(SourceFailoverIT.class);
    private static final String USER = "repl";
    private static final String PASSWORD = io.sluice.testkit.TestPasswords.used("repl-pass");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static KafkaCluster kafka;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaCluster.start(1);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void switchesToTheReplicaWhenTheSourceDiesThenFollowsItsWritesOncePromoted() {
        String topic = topic("failover");
        try (MysqlServer a = MysqlServer.start(21);
             MysqlServer b = MysqlServer.start(22, "--log-replica-updates=ON")) {
            assertThat(b.variable("log_replica_updates")).isIn("1", "ON");
            pair(a, b);
            String uuidA = a.serverUuid();
            try (Syncer syncer = new Syncer(config(topic, a, b), null)) {
                syncer.start();
                try (Workload onA = Workload.start(a, "a")) {
                    await().atMost(WAIT).until(() -> syncer.status().transactions() >= 50);
                    onA.awaitCommitted(onA.committed() + 100, WAIT);
                }
                // a MySQL source's binlog is asynchronous: kill A only once B has all that A committed
                String committedOnA = a.gtidExecuted();
                b.waitForGtids(committedOnA, WAIT);
                long killedAt = System.currentTimeMillis();
                a.kill();

                await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                    SyncerStatus s = syncer.status();
                    assertThat(s.state()).isEqualTo(SyncerState.RUNNING);
                    assertThat(s.currentSource()).as("status %s", s).isEqualTo(b.host() + ":" + b.port());
                });
                long switchedAfter = System.currentTimeMillis() - killedAt;
                assertThat(syncer.status().sourceUuid()).isEqualTo(b.serverUuid());
                assertThat(b.replicaStatus()).as("B was still a replica when the syncer took it").isNotEmpty();

                b.stopReplica(); // promotion: STOP REPLICA, RESET REPLICA ALL
                try (Workload onB = Workload.start(b, "b")) {
                    onB.awaitCommitted(200, WAIT);
                }
                awaitTopicHas(syncer, b.gtidExecuted(), WAIT);
                assertThat(syncer.status().failovers()).isEqualTo(1);
                assertThat(syncer.status().refusedSources()).isEmpty();

                TopicContent content = TopicContent.read(kafka.bootstrapServers(), topic);
                assertHoldsExactly(content, b.gtidExecuted());
                assertThat(content.sources()).containsExactly(uuidA, b.serverUuid());
                TopicContent.Checkpoint switchPoint = content.firstCheckpointFrom(b.serverUuid());
                assertThat(switchPoint.before()).as("B's first checkpoint continues from what the topic held")
                        .isEqualTo(content.gtidsBefore(switchPoint.offset()));
                assertControlEventsOf(content, b);
                long firstRecordFromB = content.firstCheckpointFrom(b.serverUuid()).timestamp() - killedAt;
                long firstTransactionFromB = content.firstTransactionFrom(b.serverUuid()).timestamp() - killedAt;
                LOG.info("source failover: A killed -> syncer RUNNING on B in {} ms; first Kafka transaction written "
                        + "from B {} ms after the kill; first source transaction from B (after B's promotion by the "
                        + "test) {} ms after the kill", switchedAfter, firstRecordFromB, firstTransactionFromB);
                assertThat(firstRecordFromB).as("default thresholds: 3 refused connections, well under 10 s")
                        .isBetween(0L, 10_000L);
            }
        }
    }

    @Test
    void takesAReplicaPromotedWhileNoSyncerRanWithItsOwnWrites() {
        String topic = topic("promoted");
        try (MysqlServer a = MysqlServer.start(41);
             MysqlServer b = MysqlServer.start(42, "--log-replica-updates=ON")) {
            pair(a, b);
            String uuidA = a.serverUuid();
            String topicBefore;
            try (Syncer syncer = new Syncer(config(topic, a, b), null)) {
                syncer.start();
                a.execute(inserts("a", 50));
                awaitTopicHas(syncer, a.gtidExecuted(), WAIT);
                topicBefore = syncer.status().executedGtidSet();
            }
            // no syncer: A commits more (that only B gets), dies, B is promoted and takes writes of its own
            a.execute(inserts("a2", 30));
            b.waitForGtids(a.gtidExecuted(), WAIT);
            a.kill();
            b.stopReplica();
            b.execute(inserts("b", 40));
            GtidSet fromA = GtidSet.parse(b.gtidExecuted()).subtract(GtidSet.parse(topicBefore));
            assertThat(fromA.uuids()).containsExactlyInAnyOrder(UUID.fromString(uuidA),
                    UUID.fromString(b.serverUuid()));

            try (Syncer syncer = new Syncer(config(topic, a, b), null)) {
                syncer.start();
                awaitTopicHas(syncer, b.gtidExecuted(), WAIT);
                SyncerStatus s = syncer.status();
                assertThat(s.currentSource()).isEqualTo(b.host() + ":" + b.port());
                assertThat(s.failovers()).isEqualTo(1);
                assertThat(GtidSet.parse(s.executedGtidSet())).isEqualTo(GtidSet.parse(b.gtidExecuted()));
            }
            TopicContent content = TopicContent.read(kafka.bootstrapServers(), topic);
            assertHoldsExactly(content, b.gtidExecuted());
            assertThat(content.firstCheckpointFrom(b.serverUuid()).before())
                    .isEqualTo(GtidSet.parse(topicBefore));
            assertControlEventsOf(content, b);
        }
    }

    @Test
    void refusesErrantAndMissingCandidates() {
        String topic = topic("refusals");
        try (MysqlServer a = MysqlServer.start(31);
             MysqlServer c = MysqlServer.start(33);
             MysqlServer d = MysqlServer.start(34)) {
            pair(a, c);
            d.createUser(USER, PASSWORD, "caching_sha2_password");
            a.execute(inserts("a", 40));
            c.waitForGtids(a.gtidExecuted(), WAIT);
            c.execute("CREATE DATABASE c_local"); // a local write on a replica: C's own UUID
            String errant = c.serverUuid() + ":1";
            assertThat(GtidSet.parse(c.gtidExecuted()).contains(Gtid.parse(errant))).isTrue();

            // discovery on: these servers are in no group, so the query finds no primary and the candidates are tried
            SyncerConfig config = config(topic, a, c, d);
            config = config.withFailover(config.candidates(), true);
            try (Syncer syncer = new Syncer(config, null)) {
                syncer.start();
                awaitTopicHas(syncer, a.gtidExecuted(), WAIT);
                String topicSet = GtidSet.parse(a.gtidExecuted()).toString();
                a.kill();

                await().atMost(WAIT).untilAsserted(() -> {
                    SyncerStatus s = syncer.status();
                    assertThat(s.state()).isEqualTo(SyncerState.FAILING_OVER);
                    assertThat(s.refusedSources().get(c.host() + ":" + c.port()))
                            .contains("errant GTIDs " + errant).contains(c.serverUuid());
                    assertThat(s.refusedSources().get(d.host() + ":" + d.port()))
                            .contains("missing GTIDs " + topicSet);
                    assertThat(s.lastError()).contains("errant GTIDs " + errant)
                            .contains("missing GTIDs " + topicSet);
                });
                assertThat(syncer.status().executedGtidSet()).isEqualTo(topicSet);
                assertThat(syncer.status().failovers()).isZero();

                // the original source comes back: the syncer returns to it by itself
                a.start();
                a.execute(inserts("a3", 10));
                awaitTopicHas(syncer, a.gtidExecuted(), WAIT);
                SyncerStatus s = syncer.status();
                assertThat(s.state()).isEqualTo(SyncerState.RUNNING);
                assertThat(s.currentSource()).isEqualTo(a.host() + ":" + a.port());
                assertThat(s.failovers()).isZero();
            }
            TopicContent content = TopicContent.read(kafka.bootstrapServers(), topic);
            assertHoldsExactly(content, a.gtidExecuted());
            assertThat(content.sources()).containsExactly(a.serverUuid());
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    private static String topic(String name) {
        String topic = "sluice.binlog." + name;
        try (Admin admin = kafka.admin()) {
            TopicManager.createOrVerify(admin, TopicSpec.embedded(topic));
        }
        return topic;
    }

    /** Replication account on both, {@code replica} replicating {@code source}, and the workload's table. */
    private static void pair(MysqlServer source, MysqlServer replica) {
        source.createUser(USER, PASSWORD, "caching_sha2_password");
        replica.createUser(USER, PASSWORD, "caching_sha2_password");
        replica.replicateFrom(source, USER, PASSWORD);
        source.execute("CREATE DATABASE app",
                "CREATE TABLE app.t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(100), src VARCHAR(8))");
    }

    private static String[] inserts(String tag, int n) {
        String[] sql = new String[n];
        for (int i = 0; i < n; i++) {
            sql[i] = "INSERT INTO app.t (v, src) VALUES ('row " + i + "', '" + tag + "')";
        }
        return sql;
    }

    private static SyncerConfig config(String topic, MysqlServer source, MysqlServer... candidates) {
        TopicSpec spec = TopicSpec.embedded(topic);
        SyncerConfig plain = new SyncerConfig(source.host(), source.port(), USER, PASSWORD, 1001, topic, 256 * 1024,
                4 * 1024 * 1024, Duration.ofMillis(50), Duration.ofSeconds(2),
                KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "sluice-syncer-" + topic, spec,
                        Map.of()),
                KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()));
        List<SourceEndpoint> endpoints = Arrays.stream(candidates)
                .map(m -> new SourceEndpoint(m.host(), m.port())).toList();
        return plain.withFailover(endpoints, false);
    }

    /** The new source's binlog is a new file sequence: its FORMAT_DESCRIPTION and PREVIOUS_GTIDS are in the topic. */
    private static void assertControlEventsOf(TopicContent content, MysqlServer server) {
        assertThat(content.controls)
                .filteredOn(c -> server.serverUuid().equals(c.sourceUuid()) && c.serverId() == server.serverId())
                .extracting(TopicContent.Control::type)
                .contains(EventType.FORMAT_DESCRIPTION, EventType.PREVIOUS_GTIDS);
    }
}
