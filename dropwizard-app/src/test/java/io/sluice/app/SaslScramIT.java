package io.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestPasswords;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Sluice on a Kafka cluster whose listener requires SASL/SCRAM-SHA-512 and whose brokers enforce ACLs, configured only
 * through its documented configuration ({@code kafka.bootstrapServers} and {@code kafka.properties}): a real MySQL
 * 8.0.31 source's transactions reach a real replica through the facade while Sluice's principal holds exactly the ACLs
 * docs/security.md lists; a node with a wrong Kafka password fails at start, fast, saying that authentication to Kafka
 * failed; no REST answer, command output or log line holds a password.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SaslScramIT {
    private static final String TOPIC = "sluice.binlog.sasl";
    private static final String KAFKA_USER = "sluice";
    private static final String REPL_USER = "sasl_repl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String adminPassword;
    private static String sluicePassword;
    private static String replPassword;
    private static KafkaCluster kafka;
    private static MysqlServer source;

    @BeforeAll
    static void start() {
        adminPassword = TestPasswords.fresh("kafka-admin");
        sluicePassword = TestPasswords.fresh("kafka-sluice");
        replPassword = TestPasswords.fresh("sasl-repl");
        kafka = KafkaCluster.startScram(3, "admin", adminPassword, true);
        kafka.addScramUser(KAFKA_USER, sluicePassword);
        kafka.allow(sluiceAcls("User:" + KAFKA_USER, TOPIC));
        source = MysqlServer.start(141);
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

    /**
     * What docs/security.md says a node needs, as ACLs for its principal, each on a literal resource name.
     */
    static List<AclBinding> sluiceAcls(String principal, String topic) {
        List<AclBinding> acls = new ArrayList<>();
        // the binlog topic: created (or checked) at start, written by the syncer, read by the facade and followers
        for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
                AclOperation.WRITE, AclOperation.READ)) {
            acls.add(allow(principal, ResourceType.TOPIC, topic, op));
        }
        // the coordination topics
        for (String coordination : List.of(topic + ".settings", topic + ".leader", topic + ".members")) {
            for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.WRITE,
                    AclOperation.READ)) {
                acls.add(allow(principal, ResourceType.TOPIC, coordination, op));
            }
        }
        // the syncer's transactions
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, "sluice-syncer-" + topic, AclOperation.WRITE));
        // the leader election's consumer group
        acls.add(allow(principal, ResourceType.GROUP, "sluice." + topic + ".leader", AclOperation.READ));
        return acls;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    @Test
    @Order(1)
    void aWrongKafkaPasswordFailsTheStartSayingAuthenticationFailed() throws Exception {
        String wrong = TestPasswords.fresh("kafka-wrong");
        Path log = logFile("sasl-wrong-password");
        Path config = config(wrong, freePort(), log);
        DropwizardTestSupport<SluiceConfiguration> node =
                new DropwizardTestSupport<>(SluiceApplication.class, config.toString());
        long begun = System.nanoTime();
        Throwable failure = catchThrowable(node::before);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begun);
        try {
            node.after();
        } catch (RuntimeException e) {
            // a node that never started may not stop cleanly either; the failure above is what is tested
        }
        assertThat(failure).as("a node with a wrong Kafka password must not start").isNotNull();
        String messages = messages(failure);
        assertThat(messages).contains("authentication to Kafka failed").contains("SCRAM-SHA-512")
                .contains("sasl.jaas.config").doesNotContain(wrong).doesNotContain(sluicePassword);
        assertThat(seconds).as("seconds until the failure").isLessThan(30);

        // the operator's check says the same, with "no check possible"
        SluiceCli.Result verify = SluiceCli.run("topic", "verify", config.toString());
        assertThat(verify.exitStatus()).as("%s", verify).isEqualTo(2);
        assertThat(verify.out() + verify.err()).contains("authentication to Kafka failed").doesNotContain(wrong);

        assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(wrong);
    }

    @Test
    @Order(2)
    void sourceTransactionsReachAReplicaThroughTheScramClusterWithOnlyTheDocumentedAcls() throws Exception {
        int facadePort = freePort();
        Path log = logFile("sasl-node");
        Path config = config(sluicePassword, facadePort, log);
        DropwizardTestSupport<SluiceConfiguration> node =
                new DropwizardTestSupport<>(SluiceApplication.class, config.toString());
        node.before();
        List<String> answers = new ArrayList<>();
        try {
            String put = call(node.getLocalPort(), "PUT", "/api/v1/syncer", "{\"source\": {\"host\": \"127.0.0.1\", "
                    + "\"port\": " + source.port() + ", \"user\": \"" + REPL_USER + "\", \"password\": \""
                    + replPassword + "\"}, \"serverId\": 1141}", answers);
            assertThat(put).contains("\"user\":\"" + REPL_USER + "\"");
            source.execute("CREATE DATABASE sasl",
                    "CREATE TABLE sasl.t (id INT PRIMARY KEY, note VARCHAR(100))",
                    "INSERT INTO sasl.t VALUES (1, 'before the replica'), (2, 'before the replica')");
            try (MysqlServer replica = MysqlServer.start(142)) {
                replica.startReplica("127.0.0.1", facadePort, REPL_USER, replPassword);
                replica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(3));
                for (int i = 3; i <= 50; i++) {
                    source.execute("INSERT INTO sasl.t VALUES (" + i + ", 'streamed " + i + "')");
                }
                source.execute("UPDATE sasl.t SET note = CONCAT(note, ' updated') WHERE id % 2 = 0",
                        "DELETE FROM sasl.t WHERE id % 5 = 0");
                replica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(3));
                assertThat(replica.gtidExecuted()).isEqualTo(source.gtidExecuted());
                assertThat(replica.checksumTables("sasl")).hasSize(1).isEqualTo(source.checksumTables("sasl"));
                assertThat(call(node.getLocalPort(), "GET", "/api/v1/replicas", null, answers))
                        .contains("\"serverId\":142");
            }

            assertThat(call(node.getLocalPort(), "GET", "/api/v1/syncer", null, answers))
                    .contains("\"state\":\"RUNNING\"");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode cluster = JSON.readTree(call(node.getLocalPort(), "GET", "/api/v1/cluster", null, answers));
                assertThat(cluster.path("members").get(0).path("state").asText()).as("%s", cluster)
                        .isEqualTo("ONLINE");
                assertThat(cluster.path("topic").path("writable").asBoolean()).as("%s", cluster).isTrue();
                assertThat(cluster.path("topic").path("error").isNull()).as("%s", cluster).isTrue();
            });
            call(node.getLocalPort(), "GET", "/api/v1/binlog", null, answers);
            call(node.getLocalPort(), "GET", "/api/v1/facade", null, answers);
            JsonNode health = JSON.readTree(call(node.getAdminPort(), "GET", "/healthcheck", null, answers));
            assertThat(health.path("kafka").path("healthy").asBoolean()).as("%s", health).isTrue();
            assertThat(health.path("topic").path("healthy").asBoolean()).as("%s", health).isTrue();
            assertThat(health.path("syncer").path("healthy").asBoolean()).as("%s", health).isTrue();
            call(node.getAdminPort(), "GET", "/metrics", null, answers);

            SluiceCli.Result verify = SluiceCli.run("topic", "verify", config.toString());
            assertThat(verify.exitStatus()).as("%s", verify).isZero();
            assertThat(verify.out()).contains("is safe for Sluice");
            answers.add(verify.out() + verify.err());
            SluiceCli.Result status = SluiceCli.run("status", "--url", "http://127.0.0.1:" + node.getLocalPort());
            assertThat(status.exitStatus()).as("%s", status).isZero();
            answers.add(status.out() + status.err());
        } finally {
            node.after();
        }

        for (String answer : answers) {
            assertThat(answer).doesNotContain(sluicePassword).doesNotContain(adminPassword)
                    .doesNotContain(replPassword);
        }
        // Kafka's clients log their configuration at INFO here (the file asks for it): the JAAS line is masked
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(log,
                StandardCharsets.UTF_8)).contains("sasl.jaas.config = [hidden]"));
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(sluicePassword)
                .doesNotContain(adminPassword).doesNotContain(replPassword);
    }

    /**
     * A node's configuration file as an operator writes it: the cluster, the topic, and the SASL client settings in
     * {@code kafka.properties}; Kafka's client config dumps at INFO into {@code log}, so the test sees what they show.
     */
    private static Path config(String kafkaPassword, int facadePort, Path log) throws IOException {
        List<String> lines = List.of(
                "server:",
                "  applicationConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]",
                "  adminConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]",
                "dataDir: " + Files.createTempDirectory("sluice-sasl"),
                "secrets:",
                "  key: " + TestApp.SECRETS_KEY,
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  topic: " + TOPIC,
                "  properties:",
                "    security.protocol: SASL_PLAINTEXT",
                "    sasl.mechanism: SCRAM-SHA-512",
                "    sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"" + KAFKA_USER + "\" password=\"" + kafkaPassword + "\";'",
                "facade:",
                "  bindHost: 127.0.0.1",
                "  port: " + facadePort,
                "logging:",
                "  level: INFO",
                "  loggers:",
                "    io.sluice: DEBUG",
                "    org.apache.kafka: WARN",
                "    kafka: WARN",
                "    state.change.logger: WARN",
                "    org.apache.kafka.common.config.AbstractConfig: INFO",
                "  appenders:",
                "    - type: console",
                "    - type: file",
                "      currentLogFilename: " + log.toAbsolutePath(),
                "      archive: false",
                "");
        Path file = Files.createTempFile("sluice-sasl", ".yml");
        Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);
        return file;
    }

    /** A log file under target/test-logs, which the suite's secret scan reads. */
    private static Path logFile(String name) throws IOException {
        Path dir = TestPasswords.FILE.getParent();
        Files.createDirectories(dir);
        Path file = dir.resolve(name + "-" + System.currentTimeMillis() + ".log");
        Files.deleteIfExists(file);
        return file;
    }

    private static String call(int port, String method, String path, String body, List<String> answers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        answers.add(r.body());
        assertThat(r.statusCode()).as("%s %s -> %s", method, path, r.body()).isLessThan(300);
        return r.body();
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            all.append(c).append('\n');
        }
        return all.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
