package io.sluice.app;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.testkit.KafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice topic verify|create} against a real three-broker cluster (Sluice's topic needs three replicas outside
 * embedded mode): verify never creates, create does and the result passes verify, an unsafe topic is named setting
 * by setting with its fix, and a cluster that does not answer ends the command in bounded time.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TopicCommandIT {
    private static KafkaCluster kafka;
    private static Admin admin;

    @BeforeAll
    static void start() {
        kafka = KafkaCluster.start(3);
        admin = Admin.create(KafkaClientDefaults.admin(kafka.bootstrapServers(), Map.of()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Path config(String yaml) throws Exception {
        Path file = Files.createTempFile("sluice-topic", ".yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    private static Path configFor(String topic) throws Exception {
        return config("kafka:\n  bootstrapServers: " + kafka.bootstrapServers() + "\n  topic: " + topic + "\n");
    }

    private static List<String> topics() throws Exception {
        return List.copyOf(admin.listTopics().names().get(30, TimeUnit.SECONDS));
    }

    @Test
    void verifyNamesAMissingTopicAndDoesNotCreateIt() throws Exception {
        SluiceCli.Result verify = SluiceCli.run("topic", "verify", configFor("cli.missing").toString());
        assertThat(verify.exitStatus()).as("%s", verify).isEqualTo(1);
        assertThat(verify.err()).contains("topic cli.missing does not exist").contains("sluice topic create");
        assertThat(topics()).doesNotContain("cli.missing");
    }

    @Test
    void createMakesASafeTopicThatVerifyAccepts() throws Exception {
        Path file = configFor("cli.created");
        SluiceCli.Result create = SluiceCli.run("topic", "create", file.toString());
        assertThat(create.exitStatus()).as("%s", create).isEqualTo(0);
        assertThat(create.out()).contains("Created topic cli.created at " + kafka.bootstrapServers())
                .contains("Topic cli.created is safe for Sluice.");

        TopicDescription description = admin.describeTopics(List.of("cli.created")).allTopicNames()
                .get(30, TimeUnit.SECONDS).get("cli.created");
        assertThat(description.partitions()).hasSize(1);
        assertThat(description.partitions().get(0).replicas()).hasSize(3);
        assertThat(configs("cli.created").get("min.insync.replicas").value()).isEqualTo("2");

        SluiceCli.Result verify = SluiceCli.run("topic", "verify", file.toString());
        assertThat(verify.exitStatus()).as("%s", verify).isEqualTo(0);
        assertThat(verify.out()).contains("Topic cli.created at ").doesNotContain("Created topic")
                .containsPattern("(?m)^  partitions +1 +OK$")
                .containsPattern("(?m)^  replication\\.factor +3 +OK$")
                .containsPattern("(?m)^  min\\.insync\\.replicas +2 +OK$")
                .containsPattern("(?m)^  unclean\\.leader\\.election\\.enable +false +OK$")
                .containsPattern("(?m)^  cleanup\\.policy +delete +OK$")
                .containsPattern("(?m)^  max\\.message\\.bytes +16777216 +OK$")
                .containsPattern("(?m)^  retention\\.ms +604800000 +shown for information \\(7 days\\)$")
                .containsPattern("(?m)^  retention\\.bytes +-1 +shown for information \\(no limit\\)$")
                .contains("Topic cli.created is safe for Sluice.");
        assertThat(verify.err()).isEmpty();
    }

    @Test
    void anUnsafeTopicIsNamedSettingBySettingWithItsFix() throws Exception {
        admin.createTopics(List.of(
                new NewTopic("cli.partitioned", 2, (short) 3).configs(Map.of("min.insync.replicas", "2")),
                new NewTopic("cli.compacted", 1, (short) 3).configs(Map.of("min.insync.replicas", "2",
                        "cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);

        SluiceCli.Result partitioned = SluiceCli.run("topic", "verify", configFor("cli.partitioned").toString());
        assertThat(partitioned.exitStatus()).as("%s", partitioned).isEqualTo(1);
        assertThat(partitioned.out()).containsPattern("(?m)^  partitions +2 +UNSAFE: topic cli.partitioned has 2 "
                        + "partitions; Sluice needs exactly 1 .*create a new topic with 1 partition")
                .containsPattern("(?m)^  cleanup\\.policy +delete +OK$");
        assertThat(partitioned.err()).contains("topic cli.partitioned is unsafe for Sluice: 1 setting to fix");

        // create does not touch an existing topic: it reports it as verify does
        SluiceCli.Result compacted = SluiceCli.run("topic", "create", configFor("cli.compacted").toString());
        assertThat(compacted.exitStatus()).as("%s", compacted).isEqualTo(1);
        assertThat(compacted.out()).doesNotContain("Created topic")
                .containsPattern("(?m)^  cleanup\\.policy +compact +UNSAFE: cleanup\\.policy=compact: .*"
                        + "kafka-configs\\.sh --bootstrap-server <broker:port> --alter --entity-type topics "
                        + "--entity-name cli\\.compacted --add-config cleanup\\.policy=delete$")
                .containsPattern("(?m)^  partitions +1 +OK$");
        assertThat(compacted.err()).contains("topic cli.compacted is unsafe for Sluice: 1 setting to fix");
        assertThat(configs("cli.compacted").get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void theBootstrapServersOptionOverridesTheFile() throws Exception {
        Path file = config("kafka:\n  bootstrapServers: 127.0.0.1:" + closedPort() + "\n  topic: cli.override\n");
        SluiceCli.Result verify = SluiceCli.run("topic", "verify", file.toString(), "--bootstrap-servers",
                kafka.bootstrapServers());
        assertThat(verify.exitStatus()).as("%s", verify).isEqualTo(1);
        assertThat(verify.err()).contains("topic cli.override does not exist at " + kafka.bootstrapServers());
    }

    @Test
    void aClusterThatDoesNotAnswerEndsTheCommandInBoundedTime() throws Exception {
        String nowhere = "127.0.0.1:" + closedPort();
        Path file = config("kafka:\n  bootstrapServers: " + nowhere + "\n  topic: cli.unreachable\n");
        long begun = System.nanoTime();
        SluiceCli.Result verify = SluiceCli.run("topic", "verify", file.toString(), "--timeout", "5");
        Duration took = Duration.ofNanos(System.nanoTime() - begun);
        assertThat(verify.exitStatus()).as("%s", verify).isEqualTo(2);
        assertThat(verify.err()).contains("cannot check topic cli.unreachable at " + nowhere)
                .contains("is the Kafka cluster reachable");
        assertThat(took).isLessThan(Duration.ofSeconds(20));

        SluiceCli.Result create = SluiceCli.run("topic", "create", file.toString(), "--timeout", "5");
        assertThat(create.exitStatus()).as("%s", create).isEqualTo(2);
        assertThat(create.err()).contains("cannot check topic cli.unreachable at " + nowhere);
    }

    @Test
    void embeddedModeHasNoClusterToCheck() throws Exception {
        SluiceCli.Result verify = SluiceCli.run("topic", "verify", config("kafka:\n  topic: cli.embedded\n")
                .toString());
        assertThat(verify.exitStatus()).as("%s", verify).isEqualTo(2);
        assertThat(verify.err()).contains("embedded Kafka broker, which creates topic cli.embedded itself when the "
                + "node starts").contains("--bootstrap-servers");
    }

    @Test
    void replicationTheNodeWouldRefuseIsAConfigurationError() throws Exception {
        Path file = config("kafka:\n  bootstrapServers: " + kafka.bootstrapServers() + "\n  topic: cli.rf2\n"
                + "  replicationFactor: 2\n");
        SluiceCli.Result create = SluiceCli.run("topic", "create", file.toString());
        assertThat(create.exitStatus()).as("%s", create).isEqualTo(2);
        assertThat(create.err()).contains("the kafka section of the configuration is wrong")
                .contains("replication factor 2");
        assertThat(topics()).doesNotContain("cli.rf2");
    }

    private static Config configs(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
