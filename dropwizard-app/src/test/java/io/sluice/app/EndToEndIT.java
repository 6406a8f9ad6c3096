package io.sluice.app;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path on real parts: a MySQL 8.0.31 source, Sluice (the Dropwizard app) on a three-broker Kafka cluster
 * with replication factor 3, and MySQL 8.0.31 replicas attached to Sluice with SOURCE_AUTO_POSITION=1. The workload
 * has DDL, over 10,000 inserts, updates and deletes over several tables, a 60 MB transaction and a 20 MB BLOB, and
 * Sluice restarts in the middle of it. Then the source purges its binlogs and an empty replica still catches up
 * from Sluice alone, while one that needs records the topic no longer has gets ERR 1236.
 */
class EndToEndIT {
    private static final Logger LOG = LoggerFactory.getLogger(EndToEndIT.class);
    private static final String TOPIC = "sluice.binlog.e2e";
    private static final String[] BIG = {"--innodb-buffer-pool-size=256M", "--innodb-redo-log-capacity=256M"};
    private static KafkaCluster kafka;
    private static MysqlServer source;
    private static Path dataDir;
    private static int facadePort;
    private static DropwizardTestSupport<SluiceConfiguration> app;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaCluster.start(3);
        source = MysqlServer.start(31, BIG);
        source.createUser("repl", "repl-pass", "caching_sha2_password");
        dataDir = Files.createTempDirectory("sluice-e2e");
        try (ServerSocket s = new ServerSocket(0)) {
            facadePort = s.getLocalPort();
        }
        app = newApp();
        app.before();
    }

    private static DropwizardTestSupport<SluiceConfiguration> newApp() {
        return new DropwizardTestSupport<>(SluiceApplication.class, TestApp.loggingConfig(),
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("dataDir", dataDir.toString()),
                ConfigOverride.config("secrets.key", TestApp.SECRETS_KEY),
                ConfigOverride.config("kafka.bootstrapServers", kafka.bootstrapServers()),
                ConfigOverride.config("kafka.topic", TOPIC),
                ConfigOverride.config("facade.bindHost", "127.0.0.1"),
                ConfigOverride.config("facade.port", Integer.toString(facadePort)));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.after();
        }
        if (source != null) {
            source.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private String rest(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.getLocalPort() + path))
                .header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s %s -> %s", method, path, r.body()).isLessThan(300);
        return r.body();
    }

    @Test
    void replicasStayIdenticalToTheSourceThroughSluice() throws Exception {
        String put = rest("PUT", "/api/v1/syncer", "{\"source\": {\"host\": \"127.0.0.1\", \"port\": " + source.port()
                + ", \"user\": \"repl\", \"password\": \"repl-pass\"}, \"serverId\": 1001}");
        assertThat(put).doesNotContain("repl-pass").contains("\"host\":\"127.0.0.1\"");

        try (MysqlServer replica = MysqlServer.start(32, BIG); MysqlServer second = MysqlServer.start(36, BIG)) {
            replica.startReplica("127.0.0.1", facadePort, "repl", "repl-pass");
            second.startReplica("127.0.0.1", facadePort, "repl", "repl-pass");
            source.execute("CREATE DATABASE shop",
                    "CREATE TABLE shop.customer (id INT PRIMARY KEY, name VARCHAR(64), balance DECIMAL(12,2))",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY AUTO_INCREMENT, customer INT, total DECIMAL(12,2),"
                            + " note TEXT, KEY (customer))",
                    "CREATE TABLE shop.blobs (id INT PRIMARY KEY, data LONGBLOB)",
                    "CREATE TABLE shop.bulk (id INT PRIMARY KEY, payload VARCHAR(1000))");
            insertRows(0, 5000);

            // restart Sluice in the middle of a workload that keeps writing
            CompletableFuture<Void> during = CompletableFuture.runAsync(() -> insertRows(5000, 7000));
            app.after();
            app = newApp();
            app.before();
            during.get();
            insertRows(7000, 10500);
            source.execute("UPDATE shop.customer SET balance = balance + 1 WHERE id % 3 = 0",
                    "DELETE FROM shop.orders WHERE id % 7 = 0",
                    "ALTER TABLE shop.customer ADD COLUMN email VARCHAR(100)",
                    "UPDATE shop.customer SET email = CONCAT('c', id, '@example.com') WHERE id < 2000");
            largeTransaction();
            source.execute("INSERT INTO shop.blobs VALUES (1, REPEAT(x'CAFEBABE', 5 * 1024 * 1024 + 17))");
            source.execute("DELETE FROM shop.customer WHERE id BETWEEN 100 AND 199");

            replica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(5));
            assertThat(replica.gtidExecuted()).isEqualTo(source.gtidExecuted());
            assertThat(replica.checksumTables("shop")).hasSize(4).isEqualTo(source.checksumTables("shop"));
            // replicas see the source's own file names and positions
            java.util.List<String> status = source.query("SHOW MASTER STATUS").get(0);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<String, String> rs = replica.replicaStatus();
                assertThat(rs.get("Source_Log_File")).isEqualTo(status.get(0));
                assertThat(rs.get("Read_Source_Log_Pos")).isEqualTo(status.get(1));
            });
            second.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(5));
            assertThat(second.gtidExecuted()).isEqualTo(source.gtidExecuted());
            assertThat(second.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));
            assertThat(rest("GET", "/api/v1/replicas", null)).contains("\"serverId\":32").contains("\"serverId\":36");
            assertThat(rest("GET", "/api/v1/syncer", null)).contains("\"state\":\"RUNNING\"")
                    .doesNotContain("repl-pass");
        }

        // the same catch-up, from empty, directly from the source and through Sluice
        long direct;
        long directReceived;
        try (MysqlServer directReplica = MysqlServer.start(33, BIG)) {
            long t0 = System.nanoTime();
            directReplica.replicateFrom(source, "repl", "repl-pass");
            directReceived = awaitReceived(directReplica, t0);
            directReplica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(5));
            direct = System.nanoTime() - t0;
        }
        source.execute("FLUSH BINARY LOGS");
        String current = source.query("SHOW BINARY LOGS").get(source.query("SHOW BINARY LOGS").size() - 1).get(0);
        source.execute("PURGE BINARY LOGS TO '" + current + "'");
        assertThat(source.variable("gtid_purged")).isNotEmpty();
        try (MysqlServer late = MysqlServer.start(34, BIG)) {
            long t0 = System.nanoTime();
            late.startReplica("127.0.0.1", facadePort, "repl", "repl-pass");
            long received = awaitReceived(late, t0);
            late.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(5));
            long viaSluice = System.nanoTime() - t0;
            LOG.info("catch-up of an empty replica: {} ms directly from the source, {} ms through Sluice "
                            + "(whole binlog received after {} ms directly, {} ms through Sluice)",
                    direct / 1_000_000, viaSluice / 1_000_000, directReceived / 1_000_000, received / 1_000_000);
            assertThat(late.gtidExecuted()).isEqualTo(source.gtidExecuted());
            assertThat(late.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));
        }

        // Sluice's own retention: records deleted from the topic are purged for replicas that still need them
        try (Admin admin = kafka.admin()) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            long end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(tp).get().offset();
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(end / 2))).all().get();
        }
        try (MysqlServer purged = MysqlServer.start(35)) {
            purged.startReplica("127.0.0.1", facadePort, "repl", "repl-pass");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(purged.replicaStatus().get("Last_IO_Error"))
                            .contains("Got fatal error 1236")
                            .contains("Cannot replicate because the source purged required binary logs")
                            .contains("the missing transactions are '" + source.serverUuid() + ":1-"));
        }
    }

    /** Nanoseconds from {@code t0} until the replica's receiver has every GTID of the source. */
    private static long awaitReceived(MysqlServer replica, long t0) {
        io.sluice.model.gtid.GtidSet all = io.sluice.model.gtid.GtidSet.parse(source.gtidExecuted());
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            String retrieved = replica.replicaStatus().getOrDefault("Retrieved_Gtid_Set", "");
            return io.sluice.model.gtid.GtidSet.parse(retrieved).containsAll(all);
        });
        return System.nanoTime() - t0;
    }

    private static void insertRows(int from, int to) {
        Random random = new Random(from);
        try (Connection c = source.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement customer = c.prepareStatement("INSERT INTO shop.customer (id, name, balance) "
                    + "VALUES (?, ?, ?)");
                 PreparedStatement order = c.prepareStatement("INSERT INTO shop.orders (customer, total, note) "
                         + "VALUES (?, ?, ?)")) {
                for (int i = from; i < to; i++) {
                    customer.setInt(1, i);
                    customer.setString(2, "customer " + i);
                    customer.setBigDecimal(3, java.math.BigDecimal.valueOf(random.nextInt(100000), 2));
                    customer.executeUpdate();
                    order.setInt(1, i);
                    order.setBigDecimal(2, java.math.BigDecimal.valueOf(random.nextInt(100000), 2));
                    order.setString(3, "order of " + i);
                    order.executeUpdate();
                    if (i % 5 == 4) {
                        c.commit();
                    }
                }
                c.commit();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One transaction of about 60 MB of row events. */
    private static void largeTransaction() throws Exception {
        try (Connection c = source.connect(); Statement st = c.createStatement()) {
            st.execute("SET SESSION cte_max_recursion_depth = 1000000");
            st.execute("INSERT INTO shop.bulk (id, payload) WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL "
                    + "SELECT n + 1 FROM seq WHERE n < 60000) SELECT n, REPEAT(CHAR(65 + n % 26), 1000) FROM seq");
        }
    }
}
