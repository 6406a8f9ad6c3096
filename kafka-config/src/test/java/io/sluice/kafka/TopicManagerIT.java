package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sluice.testkit.KafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TopicManager} against a real three-broker cluster. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TopicManagerIT {

    private static KafkaCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() {
        cluster = KafkaCluster.start(3);
        admin = Admin.create(KafkaClientDefaults.admin(cluster.bootstrapServers(), Map.of()));
    }

    @AfterAll
    static void stopCluster() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void createsTheTopicWithSafeSettingsThenAcceptsIt() throws Exception {
        TopicSpec spec = TopicSpec.defaults("created").withRetentionMs(7L * 24 * 3600 * 1000);
        assertThat(TopicManager.createOrVerify(admin, spec)).isEqualTo(TopicManager.Outcome.CREATED);

        var description = admin.describeTopics(List.of("created")).allTopicNames().get(30, TimeUnit.SECONDS)
                .get("created");
        assertThat(description.partitions()).hasSize(1);
        assertThat(description.partitions().get(0).replicas()).hasSize(3);
        Config config = configs("created");
        assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
        assertThat(config.get("unclean.leader.election.enable").value()).isEqualTo("false");
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(config.get("max.message.bytes").value()).isEqualTo("16777216");
        assertThat(config.get("retention.ms").value()).isEqualTo("604800000");
        // topic-level overrides, not broker defaults that an operator could change under us
        assertThat(config.get("min.insync.replicas").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("unclean.leader.election.enable").source())
                .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        assertThat(TopicManager.createOrVerify(admin, spec)).isEqualTo(TopicManager.Outcome.VERIFIED);
        assertThat(TopicManager.createOrVerify(admin, TopicSpec.defaults("created")))
                .isEqualTo(TopicManager.Outcome.VERIFIED);
    }

    @Test
    void refusesAnUnsafeTopicNamingEverySetting() throws Exception {
        admin.createTopics(List.of(new NewTopic("unsafe", 3, (short) 3).configs(Map.of(
                "unclean.leader.election.enable", "true",
                "min.insync.replicas", "1",
                "cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);

        assertThatThrownBy(() -> TopicManager.createOrVerify(admin, TopicSpec.defaults("unsafe")))
                .isInstanceOfSatisfying(UnsafeTopicException.class, e -> assertThat(e.problems()).hasSize(4))
                .hasMessageContaining("Sluice refuses to use topic unsafe: 4 unsafe settings")
                .hasMessageContaining("topic unsafe has 3 partitions; Sluice needs exactly 1")
                .hasMessageContaining("unclean.leader.election.enable=true")
                .hasMessageContaining("--add-config unclean.leader.election.enable=false")
                .hasMessageContaining("cleanup.policy=compact")
                .hasMessageContaining("min.insync.replicas=1 with replication factor 3: ")
                .hasMessageContaining("set 2");
    }

    @Test
    void anOperatorFixFollowingTheMessageIsAccepted() throws Exception {
        admin.createTopics(List.of(new NewTopic("fixable", 1, (short) 3).configs(Map.of(
                "unclean.leader.election.enable", "true",
                "min.insync.replicas", "3")))).all().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> TopicManager.createOrVerify(admin, TopicSpec.defaults("fixable")))
                .isInstanceOf(UnsafeTopicException.class)
                .hasMessageContaining("2 unsafe settings")
                .hasMessageContaining("unclean.leader.election.enable=true")
                .hasMessageContaining("min.insync.replicas=3 with replication factor 3");

        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "fixable");
        Map<ConfigResource, Collection<AlterConfigOp>> fix = Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("unclean.leader.election.enable", "false"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("min.insync.replicas", "2"), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(fix).all().get(30, TimeUnit.SECONDS);
        // the brokers apply a topic's new configuration from the metadata log, each in its own time: the broker
        // that answers the next describe may not have it yet
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                assertThat(TopicManager.createOrVerify(admin, TopicSpec.defaults("fixable")))
                        .isEqualTo(TopicManager.Outcome.VERIFIED);
                break;
            } catch (UnsafeTopicException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void refusesASingleReplicaOutsideEmbeddedModeOnly() throws Exception {
        admin.createTopics(List.of(new NewTopic("single", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> TopicManager.createOrVerify(admin, TopicSpec.defaults("single")))
                .isInstanceOf(UnsafeTopicException.class)
                .hasMessageContaining("replication factor 1 outside embedded mode");
        // broker default max.message.bytes (about 16 MiB here) is not below the embedded spec's 16 MiB
        assertThat(TopicManager.createOrVerify(admin, TopicSpec.embedded("single")))
                .isEqualTo(TopicManager.Outcome.VERIFIED);
    }

    @Test
    void aReplicationFactorAboveTheBrokerCountIsReported() {
        assertThatThrownBy(() -> TopicManager.createOrVerify(admin, TopicSpec.defaults("too-wide").withReplication(4,
                2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot create topic too-wide with replication factor 4");
    }

    @Test
    void verifyReportsEverySettingAndNeverCreatesOrChangesTheTopic() throws Exception {
        TopicVerification missing = TopicManager.verify(admin, TopicSpec.defaults("never-created"));
        assertThat(missing.exists()).isFalse();
        assertThat(missing.safe()).isFalse();
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("never-created");

        admin.createTopics(List.of(new NewTopic("compacted", 1, (short) 3).configs(Map.of(
                "min.insync.replicas", "2",
                "cleanup.policy", "compact",
                "retention.ms", "3600000")))).all().get(30, TimeUnit.SECONDS);
        TopicVerification compacted = TopicManager.verify(admin, TopicSpec.defaults("compacted"));
        assertThat(compacted.exists()).isTrue();
        assertThat(compacted.safe()).isFalse();
        assertThat(compacted.checks()).extracting(TopicVerification.Check::setting).containsExactly("partitions",
                "unclean.leader.election.enable", "cleanup.policy", "replication.factor", "min.insync.replicas",
                "max.message.bytes");
        assertThat(compacted.problems()).singleElement().asString().startsWith("cleanup.policy=compact")
                .contains("--entity-name compacted --add-config cleanup.policy=delete");
        assertThat(compacted.information()).containsEntry("retention.ms", "3600000")
                .containsEntry("retention.bytes", "-1");
        assertThat(configs("compacted").get("cleanup.policy").value()).isEqualTo("compact");

        TopicManager.createOrVerify(admin, TopicSpec.defaults("safe"));
        TopicVerification safe = TopicManager.verify(admin, TopicSpec.defaults("safe"));
        assertThat(safe.safe()).isTrue();
        assertThat(safe.checks()).extracting(TopicVerification.Check::value)
                .containsExactly("1", "false", "delete", "3", "2", "16777216");
    }

    private static Config configs(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }
}
