package io.sluice.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestCertificates;
import io.sluice.testkit.TestPasswords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code source.tls} through the REST API, on real parts (a MySQL 8.0.31 source started with the test PKI, Kafka,
 * Sluice in-process): bad settings are refused with 400 naming the field before anything is stored; good ones make
 * the syncer replicate a {@code REQUIRE X509} account with VERIFY_IDENTITY, a CA given inline and a client
 * certificate on this node; no answer, log line or stored setting ever holds the password or the private key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SourceTlsApiIT {
    private static final String TOPIC = "sluice.binlog.source-tls-api";
    private static final String USER = "tls_api_repl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BODIES = new CopyOnWriteArrayList<>();
    private static TestCertificates certs;
    private static KafkaCluster kafka;
    private static MysqlServer source;
    private static TestApp app;
    private static ListAppender<ILoggingEvent> logs;
    private static String password;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(Files.createTempDirectory("sluice-tls-api"));
        source = MysqlServer.start(71, "--ssl-ca=" + certs.caPem(), "--ssl-cert=" + certs.serverCertPem(),
                "--ssl-key=" + certs.serverKeyPem());
        password = TestPasswords.fresh("tls-api");
        source.execute("SET SESSION sql_log_bin = 0",
                "CREATE USER '" + USER + "'@'%' IDENTIFIED WITH caching_sha2_password BY '" + password
                        + "' REQUIRE X509",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO '" + USER + "'@'%'");
        kafka = KafkaCluster.start(3); // Sluice refuses a topic on an existing cluster with fewer replicas
        app = TestApp.start(kafka.bootstrapServers(), TOPIC);
        // after the start: Dropwizard configures logging afresh when it starts
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger("io.sluice").setLevel(Level.DEBUG);
        logs = new ListAppender<>();
        logs.setContext(context);
        logs.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logs);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (logs != null) {
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                    .detachAppender(logs);
        }
        if (source != null) {
            source.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A syncer PUT body with {@code tls} filled by {@code tls}. */
    private static String body(Consumer<ObjectNode> tls) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode s = root.putObject("source");
        s.put("host", "127.0.0.1").put("port", source.port()).put("user", USER).put("password", password);
        tls.accept(s.putObject("tls"));
        root.put("serverId", 7101);
        return root.toString();
    }

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = app.call(method, path, body);
        BODIES.add(r.body());
        return r;
    }

    private static JsonNode refused(Consumer<ObjectNode> tls, String field) throws Exception {
        HttpResponse<String> r = call("PUT", "/api/v1/syncer", body(tls));
        assertThat(r.statusCode()).as("%s", r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.path("field").asText()).as("%s", r.body()).isEqualTo(field);
        assertThat(error.path("message").asText()).startsWith(field + ": ");
        return error;
    }

    private static String keyText() throws Exception {
        return Files.readString(certs.clientKeyPem());
    }

    /** The base64 lines of the client key: what must never show anywhere. */
    private static List<String> keyLines() throws Exception {
        return keyText().lines().filter(l -> !l.startsWith("-----")).toList();
    }

    @Test
    @Order(1)
    void badTlsSettingsAreRefusedNamingTheFieldAndNothingIsStored() throws Exception {
        assertThat(refused(t -> t.put("mode", "SOMETIMES"), "source.tls.mode").path("message").asText())
                .contains("VERIFY_IDENTITY");
        refused(t -> t.put("mode", "VERIFY_CA"), "source.tls.ca");
        refused(t -> t.put("mode", "VERIFY_IDENTITY").put("caPath", "/nonexistent/ca.pem"), "source.tls.caPath");
        refused(t -> t.put("mode", "VERIFY_CA").put("ca", "not a certificate"), "source.tls.ca");
        refused(t -> t.put("mode", "REQUIRED").put("caPath", certs.caPem().toString()), "source.tls.caPath");
        refused(t -> t.put("mode", "REQUIRED").put("clientCertPath", certs.clientCertPem().toString()),
                "source.tls.clientKeyPath");
        refused(t -> t.put("mode", "REQUIRED").put("clientCertPath", certs.clientCertPem().toString())
                .put("clientKeyPath", certs.serverKeyPem().toString()), "source.tls.clientKeyPath");
        String key = keyText();
        JsonNode inlineKey = refused(t -> t.put("mode", "REQUIRED").put("clientCertPath",
                certs.clientCertPem().toString()).put("clientKey", key), "source.tls.clientKey");
        assertThat(inlineKey.path("message").asText()).contains("clientKeyPath");
        JsonNode status = JSON.readTree(call("GET", "/api/v1/syncer", null).body());
        assertThat(status.path("state").asText()).as("nothing stored: %s", status).isEqualTo("STOPPED");
        assertThat(status.path("source").isNull() || status.path("source").isMissingNode()).as("%s", status).isTrue();
    }

    @Test
    @Order(2)
    void aRequireX509AccountReplicatesWithVerifyIdentity() throws Exception {
        String ca = Files.readString(certs.caPem());
        HttpResponse<String> put = call("PUT", "/api/v1/syncer", body(t -> t.put("mode", "VERIFY_IDENTITY")
                .put("ca", ca).put("clientCertPath", certs.clientCertPem().toString())
                .put("clientKeyPath", certs.clientKeyPem().toString())));
        assertThat(put.statusCode()).as("%s", put.body()).isEqualTo(200);
        source.execute("CREATE DATABASE tls_api", "CREATE TABLE tls_api.t (id INT PRIMARY KEY)",
                "INSERT INTO tls_api.t VALUES (1), (2), (3)");
        GtidSet expected = GtidSet.parse(source.gtidExecuted());
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode s = JSON.readTree(call("GET", "/api/v1/syncer", null).body());
            assertThat(s.path("state").asText()).as("%s", s).isEqualTo("RUNNING");
            assertThat(GtidSet.parse(s.path("executedGtidSet").asText()).containsAll(expected)).as("%s", s).isTrue();
            assertThat(s.path("source").path("tls").asText()).isEqualTo("VERIFY_IDENTITY");
        });
        List<List<String>> sessions = source.query("SELECT s.VARIABLE_VALUE FROM performance_schema.threads t "
                + "JOIN performance_schema.status_by_thread s ON s.THREAD_ID = t.THREAD_ID "
                + "AND s.VARIABLE_NAME = 'Ssl_version' WHERE t.PROCESSLIST_USER = '" + USER + "'");
        assertThat(sessions).isNotEmpty().allSatisfy(row -> assertThat(row.get(0)).startsWith("TLSv1."));
    }

    @Test
    @Order(3)
    void noAnswerLogLineOrStoredSettingHoldsThePasswordOrTheKey() throws Exception {
        BODIES.add(call("GET", "/api/v1/syncer", null).body());
        BODIES.add(call("GET", "/binlog/syncer/status", null).body());
        List<String> stored = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC + ".settings", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    stored.add(r.value());
                }
            }
        }
        assertThat(stored).isNotEmpty().allSatisfy(v -> assertThat(v).contains("VERIFY_IDENTITY")
                .doesNotContain("PRIVATE KEY").doesNotContain("clientKey\""));
        List<String> secrets = new ArrayList<>(keyLines());
        for (String b : BODIES) {
            assertThat(b).doesNotContain(password).doesNotContain("PRIVATE KEY");
            secrets.forEach(k -> assertThat(b).doesNotContain(k));
        }
        secrets.add(password);
        List<ILoggingEvent> events = List.copyOf(logs.list);
        assertThat(events).as("the syncer's lifecycle was logged")
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("tls VERIFY_IDENTITY"));
        for (ILoggingEvent e : events) {
            for (String secret : secrets) {
                assertThat(e.getFormattedMessage()).as("log line of %s", e.getLoggerName()).doesNotContain(secret);
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
                }
            }
        }
    }
}
