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
 * Sluice dropped into a Kafka cluster it did not make, as docs/kafka.md and docs/deployment.md describe, from the
 * release archive only: three real broker processes (combined KRaft nodes) made from the archive's property templates
 * ({@code config/kafka/}), SASL/SCRAM-SHA-512 on the client listener, SASL/PLAIN on the controllers', ACLs enforced;
 * Sluice's account and ACLs made by the archive's {@code sluice-kafka-setup.sh}; the topic made by
 * {@code bin/sluice topic create}; two nodes run by {@code bin/sluice server config/existing-cluster.yml}, the
 * example unchanged but for {@code -Ddw.} overrides of what differs on this host (loopback ports, the brokers'
 * addresses, topic and key file). A real MySQL 8.0.31 replica, attached to one node, gets every transaction of a real
 * source while the topic's leader broker is killed (SIGKILL) and restarted and the node running the syncer is killed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExistingClusterIT {
    private static final String TOPIC = "sluice.binlog.existing";
    private static final String KAFKA_USER = "sluice";
    private static final String REPL_USER = "existing_repl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String adminPassword;
    private static String sluicePassword;
    private static String replPassword;
    private static Path work;
    /** The unpacked release archive: bin/sluice, config/existing-cluster.yml, config/kafka/. */
    private static Path home;
    private static Path secretsKey;
    private static String apiToken;
    private static String apiTokenSha256;
    private static KafkaProcesses kafka;
    private static MysqlServer source;

    @BeforeAll
    static void start() throws Exception {
        adminPassword = TestPasswords.fresh("kafka-process-admin");
        sluicePassword = TestPasswords.fresh("kafka-process-sluice");
        replPassword = TestPasswords.fresh("existing-repl");
        work = Files.createTempDirectory("sluice-existing-cluster");
        home = SluiceInstallation.unpack(work.resolve("opt"));
        // the key file and the API token, made as docs/deployment.md says
        secretsKey = work.resolve("secrets.key");
        Files.writeString(secretsKey, TestApp.SECRETS_KEY + "\n");
        // its output is the token itself: not kept with the other answers, which the secret scan reads
        Installed token = installed(Map.of(), false, "new-token", "--name", "ops", "--role", "admin");
        assertThat(token.status()).as("%s", token).isZero();
        apiToken = TestPasswords.used(token.out().lines().filter(l -> l.startsWith("sluice_")).findFirst()
                .orElseThrow());
        apiTokenSha256 = token.out().lines().filter(l -> l.contains("sha256:")).findFirst().orElseThrow()
                .replaceAll(".*sha256: *\"?([0-9a-f]{64})\"?.*", "$1");
        kafka = KafkaProcesses.start(home.resolve("config").resolve("kafka"), work, adminPassword);
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
            // shown, not asserted: the feature levels a freshly formatted cluster runs (the in-JVM test kit's differ)
            System.out.println("ExistingClusterIT: finalized features " + admin.describeFeatures().featureMetadata()
                    .get(30, TimeUnit.SECONDS).finalizedFeatures());
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
        Map<String, String> retention = Map.of("kafka.retentionMs", "259200000",
                "kafka.retentionBytes", "10737418240");
        Installed absent = installed(retention, "topic", "verify", EXAMPLE);
        assertThat(absent.status()).as("%s", absent).isNotZero();
        assertThat(absent.err()).contains("does not exist");

        Installed create = installed(retention, "topic", "create", EXAMPLE);
        assertThat(create.status()).as("%s", create).isZero();
        assertThat(create.out()).contains("is safe for Sluice");
        Installed verify = installed(Map.of(), "topic", "verify", EXAMPLE);
        assertThat(verify.status()).as("%s", verify).isZero();
        assertThat(verify.out()).containsPattern("retention.ms +259200000")
                .containsPattern("compression.type +producer");
        for (Installed r : List.of(absent, create, verify)) {
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
        Path nodes = work.resolve("nodes");
        try (SluiceNode one = node("existing-1", nodes); SluiceNode two = node("existing-2", nodes)) {
            ok(one.put("/api/v1/syncer", "{\"source\": {\"host\": \"127.0.0.1\", \"port\": "
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
                long brokerKilled = System.nanoTime();
                kafka.kill(killed);
                id = write(id, 100);
                // not asserted (speed is the benchmarks' business), shown: how long the binlog paused
                replica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(2));
                System.out.printf("ExistingClusterIT: the replica had the transactions written after the SIGKILL "
                        + "of the topic's leader broker %d ms after it%n", millisSince(brokerKilled));
                // once the controllers miss its heartbeats (broker.session.timeout.ms, 9 s), another broker leads
                await().atMost(Duration.ofMinutes(1)).until(() -> topicLeader() != killed);
                id = write(id, 100);   // with two in-sync replicas: min.insync.replicas is met
                kafka.restart(killed);
                id = write(id, 100);
                kafka.awaitBrokers(3, Duration.ofMinutes(2));
                await().atMost(Duration.ofMinutes(2)).until(() -> inSyncReplicas() == 3);
                long nodeKilled = System.nanoTime();
                leader.kill();
                id = write(id, 100);
                replica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(2));
                System.out.printf("ExistingClusterIT: the replica had the transactions written after the SIGKILL "
                        + "of the syncer's node %d ms after it%n", millisSince(nodeKilled));
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

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
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
        ProcessBuilder pb = new ProcessBuilder(home.resolve("config/kafka/sluice-kafka-setup.sh").toString(),
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

    /** The example configuration of the release archive, as a node on an existing cluster uses it. */
    private static final String EXAMPLE = "config/existing-cluster.yml";

    /**
     * A node started from the installation with the example configuration, as docs/deployment.md says: the variables
     * it names in the environment, and {@code -Ddw.} overrides for what differs here from the example's hosts
     * (loopback ports, this cluster's brokers, this test's topic, key file and data directory).
     */
    private static SluiceNode node(String name, Path parent) throws Exception {
        return SluiceNode.startInstalled(name, home, home.resolve(EXAMPLE), parent,
                Map.of("kafka.bootstrapServers", kafka.bootstrapServers(),
                        "kafka.topic", TOPIC,
                        "secrets.keyFile", secretsKey.toString(),
                        "dataDir", parent.resolve(name).resolve("data").toString(),
                        "cluster.nodeId", name),
                environment(), "Bearer " + apiToken);
    }

    /** The variables the example configuration names. */
    private static Map<String, String> environment() {
        return Map.of("SLUICE_KAFKA_PASSWORD", sluicePassword, "SLUICE_API_TOKEN_SHA256", apiTokenSha256);
    }

    /** What a command of the installation did. */
    record Installed(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * {@code bin/sluice args...} in the installation (relative paths from its directory), with the example's
     * variables once they exist, this cluster's brokers, topic and key file as {@code -Ddw.} overrides, plus
     * {@code overrides}.
     */
    private static Installed installed(Map<String, String> overrides, String... args) throws Exception {
        return installed(overrides, true, args);
    }

    /** {@link #installed(Map, String...)}, keeping its output for the secret scan only if {@code keep}. */
    private static Installed installed(Map<String, String> overrides, boolean keep, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin").resolve("sluice").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SLUICE_") || k.endsWith("JAVA_OPTIONS"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        if (sluicePassword != null && apiTokenSha256 != null) {
            env.putAll(environment());
        }
        List<String> options = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));
        if (kafka != null) {
            options.add("-Ddw.kafka.bootstrapServers=" + kafka.bootstrapServers());
            options.add("-Ddw.kafka.topic=" + TOPIC);
            options.add("-Ddw.secrets.keyFile=" + secretsKey);
        }
        overrides.forEach((k, v) -> options.add("-Ddw." + k + "=" + v));
        env.put("SLUICE_JAVA_OPTS", String.join(" ", options));
        Path out = Files.createTempFile(work, "sluice", ".out");
        Path err = Files.createTempFile(work, "sluice", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("bin/sluice %s ended", String.join(" ", args)).isTrue();
        Installed result = new Installed(p.exitValue(), Files.readString(out), Files.readString(err));
        if (keep) {
            TestLogs.response("bin/sluice " + String.join(" ", args) + " (ExistingClusterIT)", result.toString());
        }
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** Asserts a REST answer is a success, saying what it was otherwise. */
    private static void ok(java.net.http.HttpResponse<String> r) {
        assertThat(r.statusCode()).as("%s -> %s", r.request().uri(), r.body()).isLessThan(300);
    }
}
