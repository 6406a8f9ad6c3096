package io.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.testkit.KafkaProcesses;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestLogs;
import io.sluice.testkit.TestPasswords;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Sluice dropped into a Kafka cluster it did not make, as docs/kafka.md describes: three real broker processes
 * (combined KRaft nodes) made from kafka-config's property templates, with SASL/SCRAM-SHA-512 on the client listener
 * and ACLs enforced; Sluice's account and ACLs made by {@code sluice-kafka-setup.sh}; the topic made by
 * {@code sluice topic create}; nodes configured only through the documented keys ({@code kafka.bootstrapServers},
 * {@code kafka.topic}, {@code kafka.properties}). A real MySQL 8.0.31 replica, attached to one node, gets every
 * transaction of a real source while the topic's leader broker is killed (SIGKILL) and restarted and the node running
 * the syncer is killed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExistingClusterIT {
    private static final Path TEMPLATES = Path.of("..", "kafka-config", "src", "main", "kafka").toAbsolutePath();
    private static final String TOPIC = "sluice.binlog.existing";
    private static final String KAFKA_USER = "sluice";
    private static final String REPL_USER = "existing_repl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String adminPassword;
    private static String sluicePassword;
    private static String replPassword;
    private static Path work;
    private static KafkaProcesses kafka;
    private static MysqlServer source;

    @BeforeAll
    static void start() throws Exception {
        adminPassword = TestPasswords.fresh("kafka-process-admin");
        sluicePassword = TestPasswords.fresh("kafka-process-sluice");
        replPassword = TestPasswords.fresh("existing-repl");
        work = Files.createTempDirectory("sluice-existing-cluster");
        kafka = KafkaProcesses.start(TEMPLATES, work, adminPassword);
        source = MysqlServer.start(151);
        source.createUser(REPL_USER, replPassword, "caching_sha2_password");
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Sluice's client settings, as docs/configuration.md ("A Kafka cluster with SASL/SCRAM") writes them. */
    private static Map<String, String> saslProperties(String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + KAFKA_USER + "\" password=\"" + password + "\";");
    }

    @Test
    @Order(1)
    void theBrokersRunTheTemplatesSafetySettings() throws Exception {
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
            assertThat(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).voters()).hasSize(3);
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
            assertThat(config.get("default.replication.factor").value()).isEqualTo("3");
            assertThat(config.get("unclean.leader.election.enable").value()).isEqualTo("false");
            assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
            assertThat(config.get("transaction.state.log.min.isr").value()).isEqualTo("2");
        }
        // the controllers' listener wants the admin account too: without credentials nothing is answered
        Map<String, Object> anonymous = Map.of("bootstrap.controllers", kafka.controllerServers(),
                "default.api.timeout.ms", 5000, "request.timeout.ms", 3000);
        try (Admin admin = Admin.create(anonymous)) {
            assertThat(catchThrowable(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS)))
                    .as("an unauthenticated client of the controllers").isNotNull();
        }
        // a client with the admin account, on the controllers' listener: PLAIN
        Map<String, Object> plain = new java.util.HashMap<>(Map.of("bootstrap.controllers", kafka.controllerServers(),
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                        + adminPassword + "\";"));
        try (Admin admin = Admin.create(plain)) {
            assertThat(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).voters()).hasSize(3);
        }
    }

    @Test
    @Order(2)
    void theSetupScriptGivesSluiceItsAccountAndExactlyTheDocumentedAcls() throws Exception {
        for (int run = 1; run <= 2; run++) {   // a second run changes nothing and does not fail
            String out = setupScript(TOPIC);
            assertThat(out).contains("user " + KAFKA_USER + " may now run Sluice on topic " + TOPIC)
                    .doesNotContain(sluicePassword).doesNotContain(adminPassword);
        }
        // what no ACL allows is refused (allow.everyone.if.no.acl.found=false): another topic, for one
        Map<String, Object> asSluice = new java.util.HashMap<>(kafka.adminProperties());
        saslProperties(sluicePassword).forEach(asSluice::put);
        try (Admin admin = Admin.create(asSluice)) {
            Throwable refused = catchThrowable(() -> admin.createTopics(List.of(new org.apache.kafka.clients.admin
                    .NewTopic("not.sluices", 1, (short) 3))).all().get(30, TimeUnit.SECONDS));
            assertThat(refused).hasCauseInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
        }
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            Set<AclBinding> acls = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(30, TimeUnit.SECONDS));
            assertThat(acls).isEqualTo(new HashSet<>(SaslScramIT.sluiceAcls("User:" + KAFKA_USER, TOPIC)));
            assertThat(admin.describeUserScramCredentials(List.of(KAFKA_USER)).all().get(30, TimeUnit.SECONDS))
                    .containsKey(KAFKA_USER);
        }
    }

    @Test
    @Order(3)
    void topicCreateMakesASafeTopicWithTheSluiceAccount() throws Exception {
        Path config = cliConfig();
        SluiceCli.Result absent = SluiceCli.run("topic", "verify", config.toString());
        assertThat(absent.exitStatus()).as("%s", absent).isNotZero();
        assertThat(absent.out() + absent.err()).contains("does not exist");

        SluiceCli.Result create = SluiceCli.run("topic", "create", config.toString());
        assertThat(create.exitStatus()).as("%s", create).isZero();
        assertThat(create.out()).contains("is safe for Sluice");
        SluiceCli.Result verify = SluiceCli.run("topic", "verify", config.toString());
        assertThat(verify.exitStatus()).as("%s", verify).isZero();
        assertThat(verify.out()).containsPattern("retention.ms +259200000").containsPattern("compression.type +producer");
        for (SluiceCli.Result r : List.of(absent, create, verify)) {
            TestLogs.response("sluice topic (ExistingClusterIT)", r.toString());
            assertThat(r.toString()).doesNotContain(sluicePassword).doesNotContain(adminPassword);
        }

        try (Admin admin = Admin.create(kafka.adminProperties())) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(TOPIC);
            assertThat(topic.partitions()).hasSize(1);
            assertThat(topic.partitions().get(0).replicas()).hasSize(3);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            Config config1 = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config1.get("min.insync.replicas").value()).isEqualTo("2");
            assertThat(config1.get("unclean.leader.election.enable").value()).isEqualTo("false");
            assertThat(config1.get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(config1.get("max.message.bytes").value()).isEqualTo(Integer.toString(16 * 1024 * 1024));
            assertThat(config1.get("compression.type").value()).isEqualTo("producer");
            assertThat(config1.get("retention.ms").value()).isEqualTo("259200000");
            assertThat(config1.get("retention.bytes").value()).isEqualTo("10737418240");
        }
    }

    @Test
    @Order(4)
    void aReplicaGetsEveryTransactionThroughABrokerCrashAndTheSyncerNodesCrash() throws Exception {
        Map<String, String> sasl = saslProperties(sluicePassword);
        Path nodes = work.resolve("nodes");
        try (SluiceNode one = SluiceNode.start("existing-1", kafka.bootstrapServers(), TOPIC, nodes, sasl);
             SluiceNode two = SluiceNode.start("existing-2", kafka.bootstrapServers(), TOPIC, nodes, sasl)) {
            HttpResponseCheck.ok(one.put("/api/v1/syncer", "{\"source\": {\"host\": \"127.0.0.1\", \"port\": "
                    + source.port() + ", \"user\": \"" + REPL_USER + "\", \"password\": \"" + replPassword
                    + "\", \"tls\": {\"mode\": \"DISABLED\"}}, \"serverId\": 1151}"));
            source.execute("CREATE DATABASE existing",
                    "CREATE TABLE existing.t (id INT PRIMARY KEY, note VARCHAR(100))",
                    "INSERT INTO existing.t VALUES (1, 'before the replica')");
            SluiceNode leader = await().atMost(Duration.ofSeconds(60)).until(() -> syncerNode(one, two),
                    n -> n != null);
            SluiceNode follower = leader == one ? two : one;

            try (MysqlServer replica = MysqlServer.start(152)) {
                replica.startReplica("127.0.0.1", follower.facadePort(), REPL_USER, replPassword);
                replica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(3));

                int id = 2;
                id = write(id, 100);
                int killed = topicLeader();
                kafka.kill(killed);
                id = write(id, 100);
                // once the controllers miss its heartbeats (broker.session.timeout.ms, 9 s), another broker leads
                await().atMost(Duration.ofMinutes(1)).until(() -> topicLeader() != killed);
                id = write(id, 100);   // with two in-sync replicas: min.insync.replicas is met
                kafka.restart(killed);
                id = write(id, 100);
                kafka.awaitBrokers(3, Duration.ofMinutes(2));
                await().atMost(Duration.ofMinutes(2)).until(() -> inSyncReplicas() == 3);
                leader.kill();
                id = write(id, 100);
                source.execute("UPDATE existing.t SET note = CONCAT(note, ' updated') WHERE id % 3 = 0",
                        "DELETE FROM existing.t WHERE id % 7 = 0");

                replica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(4));
                assertThat(replica.gtidExecuted()).isEqualTo(source.gtidExecuted());
                assertThat(replica.checksumTables("existing")).hasSize(1)
                        .isEqualTo(source.checksumTables("existing"));
                Map<String, String> status = replica.replicaStatus();
                assertThat(status.get("Last_SQL_Errno")).as("%s", status).isEqualTo("0");
                assertThat(Integer.parseInt(source.queryString("SELECT COUNT(*) FROM existing.t")))
                        .isEqualTo(id - 1 - (id - 1) / 7);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(syncerNode(follower))
                        .isSameAs(follower));
            }
            JsonNode cluster = JSON.readTree(follower.get("/api/v1/cluster").body());
            assertThat(cluster.path("topic").path("writable").asBoolean()).as("%s", cluster).isTrue();
        }
        for (Path log : List.of(nodes.resolve("existing-1").resolve("node.log"),
                nodes.resolve("existing-2").resolve("node.log"))) {
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(sluicePassword)
                    .doesNotContain(replPassword).doesNotContain(adminPassword);
        }
    }

    /** {@code count} single-row transactions on the source, a few milliseconds apart; returns the next id. */
    private static int write(int firstId, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            source.execute("INSERT INTO existing.t VALUES (" + (firstId + i) + ", 'row " + (firstId + i) + "')");
            Thread.sleep(5);
        }
        return firstId + count;
    }

    /** The broker (1 to 3, its template's node.id) that leads the binlog topic's partition. */
    private static int topicLeader() throws Exception {
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC)
                    .partitions().get(0).leader().id();
        }
    }

    /** How many replicas of the binlog topic's partition are in sync. */
    private static int inSyncReplicas() throws Exception {
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC)
                    .partitions().get(0).isr().size();
        }
    }

    /** The node whose syncer is RUNNING, or null. */
    private static SluiceNode syncerNode(SluiceNode... nodes) {
        for (SluiceNode node : nodes) {
            try {
                if (node.alive() && JSON.readTree(node.get("/api/v1/syncer").body()).path("state").asText()
                        .equals("RUNNING")) {
                    return node;
                }
            } catch (Exception e) {
                // not answering: not the one
            }
        }
        return null;
    }

    private static String setupScript(String topic) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", TEMPLATES.resolve("sluice-kafka-setup.sh").toString(),
                kafka.bootstrapServers(), topic, KAFKA_USER).redirectErrorStream(true);
        pb.environment().put("KAFKA_HOME", kafka.kafkaHome().toString());
        pb.environment().put("ADMIN_CONFIG", kafka.adminConfig().toString());
        pb.environment().put("SLUICE_KAFKA_PASSWORD", sluicePassword);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        TestLogs.response("sluice-kafka-setup.sh", out);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** A configuration file for the command-line tools: the cluster, the topic and the SASL settings. */
    private static Path cliConfig() throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "dataDir: " + work.resolve("cli-data"),
                "secrets:",
                "  key: " + TestApp.SECRETS_KEY,
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  topic: " + TOPIC,
                "  retentionMs: 259200000",
                "  retentionBytes: 10737418240",
                "  properties:"));
        saslProperties(sluicePassword).forEach((k, v) -> lines.add("    " + k + ": '" + v + "'"));
        Path file = work.resolve("cli.yml");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    /** Asserts a REST answer is a success, saying what it was otherwise. */
    private static final class HttpResponseCheck {
        static void ok(java.net.http.HttpResponse<String> r) {
            assertThat(r.statusCode()).as("%s -> %s", r.request().uri(), r.body()).isLessThan(300);
        }
    }
}
