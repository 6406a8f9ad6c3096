package io.sluice.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.sluice.ingest.client.SourceClient;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlException;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The operator's API on real parts (a MySQL 8.0.31 source, Kafka, Sluice in-process): every {@code /api/v1} route
 * and its error answers, purging refused for a replica that still needs the files and then forced, the kingbus
 * routes with kingbus's documented bodies, the metrics (JSON and Prometheus) moving with traffic, the health
 * checks, and no password in any response or log line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsApiIT {
    private static final String TOPIC = "sluice.binlog.ops";
    private static final String USER = "ops_repl";
    private static final String PASSWORD = io.sluice.testkit.TestPasswords.used("Pw-0ps-5ecret-7f1a");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BODIES = new CopyOnWriteArrayList<>();
    private static KafkaCluster kafka;
    private static MysqlServer source;
    private static int facadePort;
    private static TestApp app;
    private static ListAppender<ILoggingEvent> logs;
    private static SourceClient stalled;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaCluster.start(3);
        source = MysqlServer.start(61);
        source.createUser(USER, PASSWORD, "caching_sha2_password");
        app = TestApp.start(kafka.bootstrapServers(), TOPIC, ConfigOverride.config("facade.sendBufferBytes", "262144"));
        facadePort = app.facadePort;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger("io.sluice").setLevel(Level.DEBUG);
        logs = new ListAppender<>();
        logs.setContext(context);
        logs.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logs);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stalled != null) {
            stalled.close();
        }
        if (app != null) {
            app.close();
        }
        if (source != null) {
            source.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A REST call whose body the last test scans for the password. */
    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = app.call(method, path, body);
        BODIES.add(r.body());
        return r;
    }

    private HttpResponse<String> admin(String path) throws Exception {
        HttpResponse<String> r = app.admin(path);
        BODIES.add(r.body());
        return r;
    }

    /**
     * A replica that dumps from {@code from} and reads everything, on a daemon thread of its own, until its
     * connection is closed (by the test, or when the app stops).
     */
    private static void follow(long serverId, GtidSet from) {
        Thread t = new Thread(() -> {
            try (SourceClient c = SourceClient.connect("127.0.0.1", facadePort, USER, PASSWORD,
                    Duration.ofSeconds(10), Duration.ofSeconds(600))) {
                c.execute("SET @source_binlog_checksum = 'CRC32', @master_binlog_checksum = 'CRC32'");
                c.dumpGtid(serverId, from);
                SourceClient.EventPacket e;
                while ((e = c.nextEvent()) != null) {
                    e.drain();
                }
            } catch (IOException | RuntimeException e) {
                // disconnected by the test
            }
        }, "ops-follower-" + serverId);
        t.setDaemon(true);
        t.start();
    }

    /** A call that must succeed; its body as JSON. */
    private JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        assertThat(r.statusCode()).as("%s %s -> %s", method, path, r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    private JsonNode get(String path) throws Exception {
        return ok("GET", path, null);
    }

    /** A call that must fail with {@code status}; its body as JSON. */
    private JsonNode fails(int status, String method, String path, String body) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        assertThat(r.statusCode()).as("%s %s -> %s", method, path, r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private static GtidSet sourceGtids() {
        return GtidSet.parse(source.queryString("SELECT @@GLOBAL.gtid_executed").replaceAll("\\s", ""));
    }

    private static void insertBig(int from, int count) {
        for (int i = from; i < from + count; i++) {
            source.execute("INSERT INTO ops.big VALUES (" + i + ", REPEAT('x', 1048576))");
        }
    }

    private String syncerBody() {
        return "{\"source\": {\"host\": \"127.0.0.1\", \"port\": " + source.port() + ", \"user\": \"" + USER
                + "\", \"password\": \"" + PASSWORD + "\"}, \"serverId\": 6101}";
    }

    private void awaitCaughtUp() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode s = get("/api/v1/syncer");
            assertThat(s.path("state").asText()).isEqualTo("RUNNING");
            assertThat(GtidSet.parse(s.path("executedGtidSet").asText())).isEqualTo(sourceGtids());
            assertThat(s.path("lagTransactions").isNumber()).as("lag measured: %s", s).isTrue();
            assertThat(s.path("lagTransactions").asLong()).isZero();
        });
    }

    @Test
    @Order(1)
    void anUnconfiguredSyncerCannotBeStartedAndHasNoLag() throws Exception {
        JsonNode refused = fails(409, "POST", "/api/v1/syncer/start", null);
        assertThat(refused.path("message").asText()).contains("never configured");
        JsonNode s = get("/api/v1/syncer");
        assertThat(s.path("state").asText()).isEqualTo("STOPPED");
        assertThat(s.path("lagSeconds").isNull()).isTrue();
        JsonNode bad = fails(400, "PUT", "/api/v1/syncer", "{\"source\": {\"host\": \"h\", \"port\": \"x\"}}");
        assertThat(bad.path("field").asText()).isEqualTo("source.port");
    }

    @Test
    @Order(2)
    void theSyncerReportsItsLagAndThroughput() throws Exception {
        JsonNode put = ok("PUT", "/api/v1/syncer", syncerBody());
        assertThat(put.path("source").path("user").asText()).isEqualTo(USER);
        source.execute("CREATE DATABASE ops", "CREATE TABLE ops.t (id INT PRIMARY KEY, v VARCHAR(64))",
                "CREATE TABLE ops.big (id INT PRIMARY KEY, payload LONGTEXT)");
        for (int i = 0; i < 200; i++) {
            source.execute("INSERT INTO ops.t VALUES (" + i + ", 'row " + i + "')");
        }
        awaitCaughtUp();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode s = get("/api/v1/syncer");
            assertThat(s.path("lagSeconds").asLong(-1)).isZero();
            assertThat(s.path("lagBytes").asLong(-1)).as("the account has REPLICATION CLIENT: %s", s).isZero();
            assertThat(s.path("transactions").asLong()).isGreaterThanOrEqualTo(203);
            assertThat(s.path("throughput").path("transactionsPerSecond").asDouble()).isPositive();
            assertThat(s.path("throughput").path("bytesPerSecond").asDouble()).isPositive();
            assertThat(s.path("progress").isNull()).isTrue();
            assertThat(s.path("file").asText()).isNotEmpty();
            assertThat(s.path("lastGtid").asText())
                    .isEqualTo(source.variable("server_uuid") + ":" + sourceGtids().count());
            assertThat(Instant.parse(s.path("lastTransactionAt").asText()))
                    .isBetween(Instant.now().minusSeconds(300), Instant.now().plusSeconds(5));
        });
    }

    @Test
    @Order(3)
    void theSyncerStopsAndStartsAgainWithItsSettings() throws Exception {
        assertThat(ok("POST", "/api/v1/syncer/stop", null).path("state").asText()).isEqualTo("STOPPED");
        source.execute("INSERT INTO ops.t VALUES (1000, 'while stopped')");
        Thread.sleep(500);
        assertThat(GtidSet.parse(get("/api/v1/syncer").path("executedGtidSet").asText()))
                .isNotEqualTo(sourceGtids());
        ok("POST", "/api/v1/syncer/start", null);
        awaitCaughtUp();
    }

    @Test
    @Order(4)
    void theBinlogListsTheSourceFilesItHolds() throws Exception {
        insertBig(0, 24);
        source.execute("FLUSH BINARY LOGS");
        insertBig(100, 4);
        source.execute("FLUSH BINARY LOGS");
        source.execute("INSERT INTO ops.t VALUES (2000, 'third file')");
        awaitCaughtUp();
        List<List<String>> sourceFiles = source.query("SHOW BINARY LOGS");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode b = get("/api/v1/binlog");
            List<String> names = new ArrayList<>();
            b.path("files").forEach(f -> names.add(f.path("name").asText()));
            assertThat(names).isEqualTo(sourceFiles.stream().map(f -> f.get(0)).toList());
            for (int i = 0; i < sourceFiles.size(); i++) {
                assertThat(b.path("files").get(i).path("size").asLong())
                        .isEqualTo(Long.parseLong(sourceFiles.get(i).get(1)));
            }
            assertThat(GtidSet.parse(b.path("gtidExecuted").asText())).isEqualTo(sourceGtids());
            assertThat(b.path("gtidPurged").asText()).isEmpty();
            assertThat(b.path("earliest").path("gtid").asText()).startsWith(source.variable("server_uuid"));
            assertThat(b.path("latest").path("file").asText()).isEqualTo(names.get(names.size() - 1));
            assertThat(b.path("topicBytes").asLong()).as("compressed by the producer").isPositive();
            assertThat(b.path("sourceBytes").asLong()).isGreaterThan(28L << 20);
            assertThat(b.path("logEndOffset").asLong()).isGreaterThan(b.path("logStartOffset").asLong());
        });
    }

    @Test
    @Order(5)
    void replicasShowTheirPositionGtidsAndLag() throws Exception {
        GtidSet all = sourceGtids();
        follow(7001, GtidSet.EMPTY);
        // a replica that asks for everything and reads nothing: its dump stalls early in the first file
        stalled = SourceClient.connect("127.0.0.1", facadePort, USER, PASSWORD, Duration.ofSeconds(10),
                Duration.ofSeconds(600));
        stalled.execute("SET @source_binlog_checksum = 'CRC32', @master_binlog_checksum = 'CRC32'");
        stalled.dumpGtid(7002, GtidSet.EMPTY);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode replicas = get("/api/v1/replicas");
            JsonNode reader = byServerId(replicas, 7001);
            JsonNode slow = byServerId(replicas, 7002);
            assertThat(reader).as("%s", replicas).isNotNull();
            assertThat(slow).as("%s", replicas).isNotNull();
            assertThat(reader.path("dumping").asBoolean()).isTrue();
            assertThat(reader.path("lagSeconds").asLong(-1)).isZero();
            assertThat(reader.path("lagRecords").asLong(-1)).isZero();
            assertThat(GtidSet.parse(reader.path("gtidSet").asText())).isEqualTo(all);
            assertThat(reader.path("bytesSent").asLong()).isGreaterThan(28L << 20);
            assertThat(slow.path("lagRecords").asLong()).isPositive();
            assertThat(slow.path("offset").asLong()).isLessThan(reader.path("offset").asLong());
            assertThat(slow.path("bytesSent").asLong()).isLessThan(24L << 20);
            JsonNode one = get("/api/v1/replicas/" + slow.path("connectionId").asLong());
            assertThat(one.path("serverId").asLong()).isEqualTo(7002);
        });
        fails(404, "GET", "/api/v1/replicas/987654", null);
    }

    private static JsonNode byServerId(JsonNode replicas, long serverId) {
        for (JsonNode r : replicas) {
            if (r.path("serverId").asLong() == serverId) {
                return r;
            }
        }
        return null;
    }

    @Test
    @Order(6)
    void aPurgeIsRefusedWhileAReplicaNeedsTheFilesAndForcedOnRequest() throws Exception {
        List<List<String>> files = source.query("SHOW BINARY LOGS");
        String third = files.get(2).get(0);
        String body = "{\"toFile\": \"" + third + "\"}";

        JsonNode refused = fails(409, "POST", "/api/v1/binlog/purge", body);
        assertThat(refused.path("purged").asBoolean()).isFalse();
        assertThat(refused.path("replicas")).hasSize(1);
        assertThat(refused.path("replicas").get(0).path("serverId").asLong()).isEqualTo(7002);
        assertThat(refused.path("message").asText()).contains("force");

        JsonNode dry = ok("POST", "/api/v1/binlog/purge", "{\"toFile\": \"" + third + "\", \"force\": true, "
                + "\"dryRun\": true}");
        assertThat(dry.path("dryRun").asBoolean()).isTrue();
        assertThat(dry.path("purged").asBoolean()).isFalse();
        // the first file goes whole; the second may keep its last events when a Kafka transaction of the topic
        // spans its end and the third file's start (the topic must begin where a Kafka transaction does)
        assertThat(dry.path("files").toString()).contains(files.get(0).get(0)).doesNotContain(third);
        assertThat(get("/api/v1/binlog").path("logStartOffset").asLong()).isZero();

        fails(400, "POST", "/api/v1/binlog/purge", "{}");
        fails(400, "POST", "/api/v1/binlog/purge", "{\"toFile\": \"" + third + "\", \"gtidSet\": \"\"}");
        fails(400, "POST", "/api/v1/binlog/purge", "{\"gtidSet\": \"not-a-gtid-set\"}");
        fails(400, "POST", "/api/v1/binlog/purge", "{\"before\": \"yesterday\"}");
        JsonNode unknown = fails(404, "POST", "/api/v1/binlog/purge", "{\"toFile\": \"binlog.999999\"}");
        assertThat(unknown.path("message").asText()).contains("binlog.999999");

        // a GTID set that covers only the first file's transactions purges the first file alone
        JsonNode beforeForce = get("/api/v1/binlog");
        long secondFirstOffset = beforeForce.path("files").get(1).path("firstOffset").asLong();
        JsonNode forced = ok("POST", "/api/v1/binlog/purge", "{\"toFile\": \"" + third + "\", \"force\": true}");
        assertThat(forced.path("purged").asBoolean()).isTrue();
        assertThat(forced.path("forced").asBoolean()).isTrue();
        assertThat(forced.path("logStartOffset").asLong()).isGreaterThan(secondFirstOffset);
        assertThat(forced.path("gtidPurged").asText()).isNotEmpty();
        assertThat(forced.path("files").toString()).contains(files.get(0).get(0)).doesNotContain(third);
        JsonNode after = get("/api/v1/binlog");
        assertThat(after.path("files").toString()).doesNotContain(files.get(0).get(0)).contains(third);
        assertThat(GtidSet.parse(after.path("gtidPurged").asText()).isEmpty()).isFalse();

        // nothing older than the newest file is left to purge by time, and the newest file is never purged
        JsonNode byTime = ok("POST", "/api/v1/binlog/purge", "{\"before\": \"" + Instant.now().plusSeconds(3600)
                + "\"}");
        assertThat(byTime.path("purged").asBoolean()).isFalse();
        assertThat(byTime.path("message").asText()).contains("nothing to purge");
        JsonNode byGtids = ok("POST", "/api/v1/binlog/purge", "{\"gtidSet\": \"" + sourceGtids() + "\"}");
        assertThat(byGtids.path("purged").asBoolean()).isFalse();
    }

    @Test
    @Order(7)
    void retentionIsReadAndSetOnTheTopic() throws Exception {
        JsonNode set = ok("PUT", "/api/v1/binlog/retention", "{\"retentionMs\": 3600000}");
        assertThat(set.path("retentionMs").asLong()).isEqualTo(3_600_000);
        JsonNode both = ok("PUT", "/api/v1/binlog/retention", "{\"retentionBytes\": 1073741824}");
        assertThat(both.path("retentionMs").asLong()).isEqualTo(3_600_000);
        assertThat(get("/api/v1/binlog/retention").path("retentionBytes").asLong()).isEqualTo(1L << 30);
        assertThat(fails(400, "PUT", "/api/v1/binlog/retention", "{\"retentionMs\": 0}").path("field").asText())
                .isEqualTo("retentionMs");
        fails(400, "PUT", "/api/v1/binlog/retention", "{\"retentionBytes\": -5}");
        fails(400, "PUT", "/api/v1/binlog/retention", "{}");
        fails(400, "PUT", "/api/v1/binlog/retention", "{\"retentionMs\": \"soon\"}");
        fails(400, "PUT", "/api/v1/binlog/retention", "not json");
        ok("PUT", "/api/v1/binlog/retention", "{\"retentionMs\": -1, \"retentionBytes\": -1}");
    }

    @Test
    @Order(8)
    void aReplicaIsDisconnected() throws Exception {
        long id = byServerId(get("/api/v1/replicas"), 7002).path("connectionId").asLong();
        assertThat(call("DELETE", "/api/v1/replicas/" + id, null).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(byServerId(get("/api/v1/replicas"), 7002)).isNull());
        fails(404, "DELETE", "/api/v1/replicas/" + id, null);
    }

    @Test
    @Order(9)
    void theFacadeStopsAndStartsAndItsHealthFollows() throws Exception {
        JsonNode status = get("/api/v1/facade");
        assertThat(status.path("state").asText()).isEqualTo("RUNNING");
        assertThat(status.path("port").asInt()).isEqualTo(facadePort);
        assertThat(admin("/healthcheck").statusCode()).isEqualTo(200);

        assertThat(ok("POST", "/api/v1/facade/stop", null).path("state").asText()).isEqualTo("STOPPED");
        assertThatThrownBy(() -> SourceClient.connect("127.0.0.1", facadePort, USER, PASSWORD,
                Duration.ofSeconds(2), Duration.ofSeconds(2))).isInstanceOf(IOException.class);
        HttpResponse<String> health = admin("/healthcheck");
        assertThat(health.statusCode()).isEqualTo(500);
        JsonNode checks = JSON.readTree(health.body());
        assertThat(checks.path("facade").path("healthy").asBoolean()).isFalse();
        assertThat(checks.path("kafka").path("healthy").asBoolean()).isTrue();
        assertThat(checks.path("topic").path("healthy").asBoolean()).isTrue();
        assertThat(checks.path("syncer").path("healthy").asBoolean()).isTrue();
        assertThat(checks.path("syncer").path("message").asText()).contains("RUNNING");

        // a port taken by someone else: the listener cannot start, and says why
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress("127.0.0.1", facadePort));
            JsonNode refused = fails(503, "POST", "/api/v1/facade/start", null);
            assertThat(refused.path("message").asText()).contains("could not start");
            assertThat(get("/api/v1/facade").path("state").asText()).isEqualTo("STOPPED");
        }

        assertThat(ok("POST", "/api/v1/facade/start", null).path("state").asText()).isEqualTo("RUNNING");
        assertThat(admin("/healthcheck").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(10)
    void metricsMoveWithTrafficInJsonAndPrometheus() throws Exception {
        JsonNode before = JSON.readTree(admin("/metrics").body());
        long txBefore = before.path("meters").path("sluice.syncer.transactions").path("count").asLong();
        long outBefore = before.path("meters").path("sluice.facade.bytes.out").path("count").asLong();
        long commitsBefore = before.path("timers").path("sluice.syncer.kafka.commit").path("count").asLong();

        follow(7003, sourceGtids());
        await().atMost(Duration.ofSeconds(20)).until(() -> byServerId(get("/api/v1/replicas"), 7003) != null);
        for (int i = 3000; i < 3050; i++) {
            source.execute("INSERT INTO ops.t VALUES (" + i + ", 'metrics')");
        }
        assertThatThrownBy(() -> SourceClient.connect("127.0.0.1", facadePort, USER, "wrong-password",
                Duration.ofSeconds(5), Duration.ofSeconds(5))).isInstanceOf(MysqlException.class);
        // a replica that needs purged GTIDs gets ERR 1236
        try (SourceClient c = SourceClient.connect("127.0.0.1", facadePort, USER, PASSWORD, Duration.ofSeconds(5),
                Duration.ofSeconds(30))) {
            c.execute("SET @source_binlog_checksum = 'CRC32', @master_binlog_checksum = 'CRC32'");
            c.dumpGtid(7004, GtidSet.EMPTY);
            assertThatThrownBy(c::nextEvent).isInstanceOf(MysqlException.class).hasMessageContaining("purged");
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode m = JSON.readTree(admin("/metrics").body());
            assertThat(m.path("meters").path("sluice.syncer.transactions").path("count").asLong())
                    .isGreaterThanOrEqualTo(txBefore + 50);
            assertThat(m.path("meters").path("sluice.syncer.events").path("count").asLong()).isPositive();
            assertThat(m.path("timers").path("sluice.syncer.kafka.commit").path("count").asLong())
                    .isGreaterThan(commitsBefore);
            assertThat(m.path("meters").path("sluice.facade.bytes.out").path("count").asLong())
                    .isGreaterThan(outBefore);
            assertThat(m.path("meters").path("sluice.facade.transactions.out").path("count").asLong())
                    .isGreaterThanOrEqualTo(50);
            assertThat(m.path("counters").path("sluice.facade.auth.failures").path("count").asLong()).isPositive();
            assertThat(m.path("counters").path("sluice.facade.errors.1045").path("count").asLong()).isPositive();
            assertThat(m.path("counters").path("sluice.facade.errors.1236").path("count").asLong()).isPositive();
            assertThat(m.path("gauges").path("sluice.facade.connections").path("value").asInt()).isPositive();
            assertThat(m.path("gauges").path("sluice.syncer.lag.transactions").path("value").asLong()).isZero();
        });

        HttpResponse<String> prometheus = admin("/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        String text = prometheus.body();
        assertThat(text).contains("sluice_syncer_transactions_total ")
                .contains("sluice_facade_errors_total{code=\"1045\"}")
                .contains("sluice_facade_errors_total{code=\"1236\"}")
                .contains("sluice_facade_auth_failures_total ")
                .contains("sluice_syncer_kafka_commit{quantile=\"0.99\"}")
                .containsPattern("sluice_facade_replica_lag_seconds\\{connection_id=\"\\d+\",server_id=\"7003\"}")
                .contains("sluice_facade_connections ")
                .contains("sluice_syncer_lag_seconds ");
        long exported = prometheusValue(text, "sluice_syncer_transactions_total");
        for (int i = 3050; i < 3060; i++) {
            source.execute("INSERT INTO ops.t VALUES (" + i + ", 'more')");
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                prometheusValue(admin("/prometheus").body(), "sluice_syncer_transactions_total") >= exported + 10);
    }

    private static long prometheusValue(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in the Prometheus output");
    }

    @Test
    @Order(11)
    void kingbusRoutesTakeKingbusBodies() throws Exception {
        // kingbus's docs/en/admin_api.md, pointed at this source
        JsonNode stop = ok("PUT", "/binlog/syncer/stop", null);
        assertThat(stop.path("message").asText()).isEqualTo("success");
        JsonNode stopped = ok("GET", "/binlog/syncer/status", null);
        assertThat(stopped.path("data").path("status").asText()).isEqualTo("stopped");

        String start = "{\"syncer_id\":1001,\"syncer_uuid\":\"f7e30637-f15a-11e8-accc-244427b6b60e\","
                + "\"mysql_addr\":\"127.0.0.1:" + source.port() + "\",\"mysql_user\":\"" + USER + "\","
                + "\"mysql_password\":\"" + PASSWORD + "\",\"semi_sync\":false}";
        assertThat(ok("PUT", "/binlog/syncer/start", start).path("message").asText()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode s = ok("GET", "/binlog/syncer/status", null);
            assertThat(s.path("message").asText()).isEqualTo("success");
            JsonNode d = s.path("data");
            assertThat(d.path("status").asText()).isEqualTo("running");
            assertThat(d.path("mysql_addr").asText()).isEqualTo("127.0.0.1:" + source.port());
            assertThat(d.path("mysql_user").asText()).isEqualTo(USER);
            assertThat(d.path("syncer_id").asLong()).isEqualTo(1001);
            assertThat(d.has("mysql_password")).isFalse();
            assertThat(GtidSet.parse(d.path("executed_gtid_set").asText())).isEqualTo(sourceGtids());
            assertThat(d.path("purged_gtid_set").asText()).isNotEmpty();
            assertThat(d.path("last_binlog_file").asText()).isNotEmpty();
        });
        assertThat(get("/api/v1/syncer").path("serverId").asLong()).isEqualTo(1001);

        JsonNode semi = fails(400, "PUT", "/binlog/syncer/start", start.replace("\"semi_sync\":false",
                "\"semi_sync\":true"));
        assertThat(semi.path("message").asText()).contains("semi_sync");
        fails(400, "PUT", "/binlog/syncer/start", "{\"mysql_addr\":\"no-port\",\"mysql_user\":\"kb\"}");
        fails(400, "PUT", "/binlog/syncer/start", "{\"mysql_addr\":\"127.0.0.1:3306\"}");

        JsonNode server = ok("GET", "/binlog/server/status", null).path("data");
        assertThat(server.path("status").asText()).isEqualTo("running");
        assertThat(server.path("addr").asText()).isEqualTo("127.0.0.1:" + facadePort);
        assertThat(server.path("slaves").toString()).contains("7003");
        assertThat(server.has("password")).isFalse();

        assertThat(ok("PUT", "/binlog/server/stop", null).path("message").asText()).isEqualTo("success");
        assertThat(ok("GET", "/binlog/server/status", null).path("data").path("status").asText())
                .isEqualTo("stopped");
        String serverStart = "{\"addr\":\"127.0.0.1:" + facadePort + "\",\"user\":\"" + USER + "\",\"password\":\"";
        JsonNode wrong = fails(400, "PUT", "/binlog/server/start", serverStart + "nope\"}");
        assertThat(wrong.path("message").asText()).contains("not an account");
        fails(400, "PUT", "/binlog/server/start", "{\"addr\":\"127.0.0.1:1\",\"user\":\"" + USER
                + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(ok("PUT", "/binlog/server/start", serverStart + PASSWORD + "\"}").path("message").asText())
                .isEqualTo("success");
        assertThat(get("/api/v1/facade").path("state").asText()).isEqualTo("RUNNING");

        JsonNode members = ok("GET", "/members", null);
        assertThat(members.path("data")).hasSize(1);
        assertThat(members.path("data").get(0).path("Id").isNumber()).isTrue();
        assertThat(members.path("data").get(0).path("adminURLs").get(0).asText()).startsWith("http://");
        JsonNode cluster = ok("GET", "/cluster", null);
        assertThat(cluster.path("data").get(0).path("isLeader").asBoolean()).isTrue();
        assertThat(cluster.path("data").get(0).path("Id").asText()).matches("[0-9a-f]+");
        assertThat(fails(405, "POST", "/members", "{\"name\":\"kingbus_148\",\"peer_url\":\"http://h:9696\"}")
                .path("message").asText()).contains("join");
    }

    @Test
    @Order(12)
    void noResponseAndNoLogLineHoldsThePassword() throws Exception {
        for (String path : List.of("/api/v1/syncer", "/api/v1/cluster", "/api/v1/replicas", "/api/v1/facade",
                "/api/v1/binlog", "/binlog/syncer/status", "/binlog/server/status", "/members", "/cluster")) {
            get(path);
        }
        admin("/metrics");
        admin("/healthcheck");
        assertThat(BODIES).hasSizeGreaterThan(60);
        for (String body : BODIES) {
            assertThat(body).doesNotContain(PASSWORD);
        }
        List<ILoggingEvent> events = List.copyOf(logs.list);
        assertThat(events).hasSizeGreaterThan(20);
        for (ILoggingEvent e : events) {
            assertThat(e.getFormattedMessage()).as("log line of %s", e.getLoggerName()).doesNotContain(PASSWORD);
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
            }
        }
    }
}
