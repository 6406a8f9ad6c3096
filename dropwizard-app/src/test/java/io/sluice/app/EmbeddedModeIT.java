package io.sluice.app;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sluice.testkit.MysqlServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sluice as a newcomer starts it: no Kafka configured, so it runs its embedded single-node broker under its data
 * directory; everything else at its defaults but the ports (free ones, so tests can run anywhere). Also the REST
 * API's answers to bad bodies.
 */
class EmbeddedModeIT {
    private static MysqlServer source;
    private static DropwizardTestSupport<SluiceConfiguration> app;
    private static Path dataDir;
    private static int facadePort;
    private static int kafkaPort;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        source = MysqlServer.start(41);
        source.createUser("repl", io.sluice.testkit.TestPasswords.used("s3cret-pw"), "mysql_native_password");
        dataDir = Files.createTempDirectory("sluice-embedded");
        facadePort = freePort();
        kafkaPort = freePort();
        app = new DropwizardTestSupport<>(SluiceApplication.class, TestApp.loggingConfig(),
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("dataDir", dataDir.toString()),
                ConfigOverride.config("kafka.embeddedPort", Integer.toString(kafkaPort)),
                ConfigOverride.config("decoder.enabled", "true"),
                ConfigOverride.config("facade.bindHost", "127.0.0.1"),
                ConfigOverride.config("facade.port", Integer.toString(facadePort)));
        app.before();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.after();
        }
        if (source != null) {
            source.close();
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.getLocalPort() + path))
                .header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void embeddedKafkaServesAReplica() throws Exception {
        assertThat(Files.isDirectory(dataDir.resolve("kafka"))).isTrue();
        source.execute("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY, v TEXT)",
                "INSERT INTO d.t VALUES (1, 'one'), (2, 'two')");
        HttpResponse<String> put = call("PUT", "/api/v1/syncer", "{\"source\": {\"host\": \"127.0.0.1\", \"port\": "
                + source.port() + ", \"user\": \"repl\", \"password\": \"s3cret-pw\"}}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).doesNotContain("s3cret-pw");
        try (MysqlServer replica = MysqlServer.start(42)) {
            replica.startReplica("127.0.0.1", facadePort, "repl", "s3cret-pw");
            source.execute("UPDATE d.t SET v = 'uno' WHERE id = 1");
            replica.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(90));
            assertThat(replica.checksumTables("d")).isEqualTo(source.checksumTables("d"));
            assertDecoded();
            HttpResponse<String> status = call("GET", "/api/v1/syncer", null);
            assertThat(status.body()).contains("\"state\":\"RUNNING\"")
                    .contains(source.serverUuid() + ":1-").doesNotContain("s3cret-pw");
            assertThat(call("GET", "/api/v1/replicas", null).body()).contains("\"serverId\":42")
                    .contains("\"uuid\":\"" + replica.serverUuid() + "\"");
            // a replica with transactions of the source that Sluice does not have is refused, as MySQL does
            try (MysqlServer ahead = MysqlServer.start(43)) {
                ahead.execute("SET GLOBAL gtid_purged = '" + source.serverUuid() + ":1-100000'");
                ahead.startReplica("127.0.0.1", facadePort, "repl", "s3cret-pw");
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(ahead.replicaStatus().get("Last_IO_Error")).contains("Got fatal error 1236")
                                .contains("Replica has more GTIDs than the source has"));
            }
            HttpResponse<String> stopped = call("POST", "/api/v1/syncer/stop", null);
            assertThat(stopped.body()).contains("\"state\":\"STOPPED\"");
        }
    }

    /**
     * The decoder the node runs (decoder.enabled) wrote the row changes of d.t to sluice.rows, and is healthy. The
     * source runs MySQL's default binlog_row_metadata=MINIMAL and the node has no metadata backend, so the columns
     * are named @1, @2 as mysqlbinlog names them.
     */
    private void assertDecoded() throws Exception {
        java.util.Map<String, Object> config = java.util.Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort,
                "isolation.level", "read_committed");
        java.util.List<String> changes = new java.util.ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(config,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            var partition = new org.apache.kafka.common.TopicPartition("sluice.rows", 0);
            consumer.assign(java.util.List.of(partition));
            consumer.seekToBeginning(java.util.List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (changes.size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> changes.add(r.value()));
            }
        }
        assertThat(changes).hasSize(3);
        assertThat(changes.get(0)).contains("\"op\":\"insert\"", "\"database\":\"d\"", "\"table\":\"t\"",
                "\"after\":{\"@1\":1,\"@2\":\"one\"}");
        assertThat(changes.get(2)).contains("\"op\":\"update\"", "\"before\":{\"@1\":1,\"@2\":\"one\"}",
                "\"after\":{\"@1\":1,\"@2\":\"uno\"}", "\"gtid\":\"" + source.serverUuid() + ":");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + app.getAdminPort() + "/healthcheck")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"decoder\":{\"healthy\":true,\"message\":\"RUNNING\"");
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + app.getAdminPort() + "/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).containsPattern("(?m)^sluice_decoder_row_changes [3-9]");
    }

    @Test
    void badBodiesGetAClearErrorNamingTheField() throws Exception {
        HttpResponse<String> missing = call("PUT", "/api/v1/syncer", "{\"source\": {\"port\": 3306, \"user\": \"r\","
                + " \"password\": \"p\"}}");
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(missing.body()).contains("source.host");
        HttpResponse<String> range = call("PUT", "/api/v1/syncer", "{\"source\": {\"host\": \"h\", \"port\": 70000,"
                + " \"user\": \"r\", \"password\": \"p\"}, \"serverId\": 0}");
        assertThat(range.statusCode()).isEqualTo(422);
        assertThat(range.body()).contains("source.port").contains("serverId");
        HttpResponse<String> type = call("PUT", "/api/v1/syncer", "{\"source\": {\"host\": \"h\", \"port\": \"x\","
                + " \"user\": \"r\", \"password\": \"p\"}}");
        assertThat(type.statusCode()).isEqualTo(400);
        assertThat(type.body()).contains("\"field\":\"source.port\"");
        HttpResponse<String> syntax = call("PUT", "/api/v1/syncer", "{\"source\": ");
        assertThat(syntax.statusCode()).isEqualTo(400);
        assertThat(syntax.body()).contains("not valid JSON");
        HttpResponse<String> empty = call("PUT", "/api/v1/syncer", null);
        assertThat(empty.statusCode()).isBetween(400, 422);
    }
}
