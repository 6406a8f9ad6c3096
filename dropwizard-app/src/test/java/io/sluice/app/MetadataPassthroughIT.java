package io.sluice.app;

import io.sluice.facade.MetadataBackend;
import io.sluice.model.client.tls.ClientTls;
import io.sluice.model.client.tls.SslMode;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The metadata pass-through with real parts: a MySQL source, Sluice (syncer, Kafka, facade), and a real MySQL
 * replica of Sluice as the facade's metadata backend. Connector/J talks to the facade alone and gets the schema,
 * the rows (a 20 MB BLOB among them, more than one packet), information_schema, its own metadata queries, and a
 * consistent snapshot whose SHOW MASTER STATUS is pinned to what the backend holds.
 */
class MetadataPassthroughIT {
    private static final String META_USER = "meta";
    private static final String META_PASSWORD = io.sluice.testkit.TestPasswords.used("meta-pass");
    private static SluicePipeline pipeline;
    private static MysqlServer source;
    private static MysqlServer replica;
    private static byte[] bigBlob;

    @BeforeAll
    static void start() throws Exception {
        pipeline = SluicePipeline.start("sluice.binlog.passthrough-it", 71);
        source = pipeline.source;
        source.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, price DECIMAL(10,2),"
                        + " created DATETIME(3), doc JSON, data LONGBLOB, note TEXT NULL) CHARSET utf8mb4",
                "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, item INT, qty SMALLINT)",
                "CREATE VIEW shop.cheap AS SELECT id, name FROM shop.items WHERE price < 10");
        for (int i = 1; i <= 50; i++) {
            source.execute("INSERT INTO shop.items VALUES (" + i + ", 'item " + i + " ☃', " + i + ".25,"
                    + " '2026-11-21 10:00:0" + (i % 10) + ".123', '{\"k\": " + i + "}', x'0001ff', "
                    + (i % 3 == 0 ? "NULL" : "'note " + i + "'") + ")");
        }
        bigBlob = new byte[20 * 1024 * 1024];
        new Random(7).nextBytes(bigBlob);
        try (Connection c = source.connect();
             java.sql.PreparedStatement ps = c.prepareStatement("UPDATE shop.items SET data = ? WHERE id = 50")) {
            ps.setBytes(1, bigBlob);
            ps.executeUpdate();
        }
        replica = MysqlServer.start(72, "--max-allowed-packet=64M");
        replica.execute("SET SESSION sql_log_bin = 0",
                "CREATE USER '" + META_USER + "'@'%' IDENTIFIED WITH caching_sha2_password BY '" + META_PASSWORD + "'",
                "GRANT SELECT, RELOAD, LOCK TABLES, SHOW VIEW, REPLICATION CLIENT ON *.* TO '" + META_USER + "'@'%'");
        replica.startReplica("127.0.0.1", pipeline.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD);
        replica.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(90));
        pipeline.useMetadataBackend(new MetadataBackend("127.0.0.1", replica.port(), META_USER, META_PASSWORD));
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(replica, pipeline);
    }

    private static Connection facade(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + pipeline.facadePort + "/" + database
                + "?user=" + SluicePipeline.USER + "&password=" + SluicePipeline.PASSWORD
                + "&useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000&socketTimeout=60000");
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void schemaStatementsAnswerAsTheServerWithTheSchema() throws SQLException {
        try (Connection c = facade("")) {
            assertThat(rows(c, "SHOW DATABASES")).contains(List.of("shop"));
            assertThat(rows(c, "SHOW FULL TABLES IN shop"))
                    .containsExactlyInAnyOrderElementsOf(source.query("SHOW FULL TABLES IN shop"));
            assertThat(rows(c, "SHOW CREATE TABLE shop.items")).isEqualTo(source.query("SHOW CREATE TABLE shop.items"));
            assertThat(rows(c, "SHOW COLUMNS FROM shop.orders")).isEqualTo(source.query("SHOW COLUMNS FROM shop.orders"));
            String columns = "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS"
                    + " WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'items' ORDER BY ORDINAL_POSITION";
            assertThat(rows(c, columns)).isEqualTo(source.query(columns)).hasSize(7);
            // what the server itself is stays Sluice's: its server_uuid and binlog are not the backend's
            assertThat(rows(c, "SELECT @@server_uuid").get(0).get(0)).isNotEqualTo(replica.serverUuid());
            // (the facade's view of the topic's tail follows the syncer's commits within moments)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rows(c, "SHOW MASTER STATUS")
                    .get(0).get(4)).isEqualTo(pipeline.syncer.status().executedGtidSet()));
        }
    }

    @Test
    void connectorJMetadataComesThroughTheBackend() throws SQLException {
        try (Connection c = facade("shop")) {
            DatabaseMetaData meta = c.getMetaData();
            List<String> names = new ArrayList<>();
            try (ResultSet rs = meta.getColumns("shop", null, "items", "%")) {
                while (rs.next()) {
                    names.add(rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME"));
                }
            }
            assertThat(names).containsExactly("id INT", "name VARCHAR", "price DECIMAL", "created DATETIME",
                    "doc JSON", "data LONGBLOB", "note TEXT");
            List<String> keys = new ArrayList<>();
            try (ResultSet rs = meta.getPrimaryKeys("shop", null, "orders")) {
                while (rs.next()) {
                    keys.add(rs.getString("COLUMN_NAME"));
                }
            }
            assertThat(keys).containsExactly("id");
            // the default database of the connection string holds on the backend session
            assertThat(rows(c, "SELECT COUNT(*) FROM items")).containsExactly(List.of("50"));
        }
    }

    @Test
    void rowsArriveByteForByteLargeOnesIncluded() throws SQLException {
        try (Connection c = facade(""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, price, created, doc, data, note FROM shop.items"
                     + " ORDER BY id")) {
            ResultSetMetaData md = rs.getMetaData();
            assertThat(md.getColumnTypeName(3)).isEqualTo("DECIMAL");
            assertThat(md.getColumnTypeName(6)).isEqualTo("LONGBLOB");
            List<List<String>> expected = source.query("SELECT id, name, price, created, doc, HEX(data) = '0001FF',"
                    + " note FROM shop.items ORDER BY id");
            int n = 0;
            while (rs.next()) {
                List<String> want = expected.get(n++);
                assertThat(rs.getString(1)).isEqualTo(want.get(0));
                assertThat(rs.getString(2)).isEqualTo(want.get(1));
                assertThat(rs.getString(3)).isEqualTo(want.get(2));
                assertThat(rs.getString(4)).isEqualTo(want.get(3));
                assertThat(rs.getString(5)).isEqualTo(want.get(4));
                byte[] data = rs.getBytes(6);
                if (rs.getInt(1) == 50) {
                    assertThat(Arrays.equals(data, bigBlob)).as("the 20 MB BLOB, byte for byte").isTrue();
                } else {
                    assertThat(data).containsExactly(0x00, 0x01, 0xff);
                }
                assertThat(rs.getString(7)).isEqualTo(want.get(6));
            }
            assertThat(n).isEqualTo(50);
        }
    }

    /**
     * Not a timed assertion: logs how long reading the whole table (about 20 MB) takes through Sluice and directly
     * from the backend, for docs/benchmarks.md. The reads are checked for size so the figure is of real work.
     */
    @Test
    void measureTheRelayAgainstTheBackendDirectly() throws SQLException {
        String sql = "SELECT * FROM shop.items";
        long[] through = new long[5];
        long[] direct = new long[5];
        long bytes = 0;
        try (Connection viaSluice = facade("");
             Connection toBackend = DriverManager.getConnection(replica.jdbcUrl("shop"), META_USER, META_PASSWORD)) {
            for (int run = 0; run < 5; run++) {
                long t0 = System.nanoTime();
                bytes = readAll(viaSluice, sql);
                through[run] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                assertThat(readAll(toBackend, sql)).isEqualTo(bytes);
                direct[run] = System.nanoTime() - t0;
            }
        }
        assertThat(bytes).isGreaterThan(20L * 1024 * 1024);
        Arrays.sort(through);
        Arrays.sort(direct);
        System.out.printf("MEASURE metadata pass-through: %.1f MB read in %d-%d ms (median %d) through Sluice,"
                        + " %d-%d ms (median %d) directly from the backend%n", bytes / 1e6, through[0] / 1_000_000,
                through[4] / 1_000_000, through[2] / 1_000_000, direct[0] / 1_000_000, direct[4] / 1_000_000,
                direct[2] / 1_000_000);
    }

    private static long readAll(Connection c, String sql) throws SQLException {
        long bytes = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    byte[] v = rs.getBytes(i);
                    bytes += v == null ? 0 : v.length;
                }
            }
        }
        return bytes;
    }

    @Test
    void snapshotPinsMasterStatusToTheBackend() throws Exception {
        try (Connection c = facade(""); Statement st = c.createStatement()) {
            st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            st.execute("FLUSH TABLES WITH READ LOCK");
            st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String pinned = replica.gtidExecuted();
            // the source goes on; the backend's applier waits for the read lock, Sluice's binlog moves ahead
            source.execute("INSERT INTO shop.orders (item, qty) VALUES (1, 1)");
            pipeline.awaitSyncerCaughtUp();
            List<String> status = rows(c, "SHOW MASTER STATUS").get(0);
            assertThat(MysqlServer.normalizeGtids(status.get(4))).isEqualTo(MysqlServer.normalizeGtids(pinned));
            assertThat(status.get(0)).isEqualTo(source.query("SHOW MASTER STATUS").get(0).get(0));
            st.execute("UNLOCK TABLES");
            // the transaction's snapshot still shows the state of the lock
            assertThat(rows(c, "SELECT COUNT(*) FROM shop.orders")).containsExactly(List.of("0"));
            st.execute("COMMIT");
            replica.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(30));
            assertThat(rows(c, "SELECT COUNT(*) FROM shop.orders")).containsExactly(List.of("1"));
            // out of the snapshot, SHOW MASTER STATUS is Sluice's own again
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    MysqlServer.normalizeGtids(rows(c, "SHOW MASTER STATUS").get(0).get(4)))
                    .isEqualTo(MysqlServer.normalizeGtids(source.gtidExecuted())));
        }
    }

    @Test
    void writesAndTheBackendsOwnReplicationStatusAreRefused() throws SQLException {
        String before = replica.gtidExecuted();
        try (Connection c = facade(""); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("INSERT INTO shop.orders (item, qty) VALUES (2, 2)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Sluice is a binlog server and does not run 'INSERT INTO shop.orders")
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1290));
            assertThatThrownBy(() -> st.execute("DROP TABLE shop.orders")).hasMessageContaining("does not run");
            assertThatThrownBy(() -> st.execute("LOCK TABLES shop.orders WRITE")).hasMessageContaining("does not run");
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM shop.items INTO OUTFILE '/tmp/x'"))
                    .hasMessageContaining("does not run");
            assertThatThrownBy(() -> st.executeQuery("SHOW REPLICA STATUS"))
                    .hasMessageContaining("Sluice does not support the statement 'SHOW REPLICA STATUS'");
            // the backend's own errors come back as they are, and the connection goes on
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM shop.nowhere"))
                    .hasMessageContaining("Table 'shop.nowhere' doesn't exist")
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146));
            assertThat(rows(c, "SELECT COUNT(*) FROM shop.items")).containsExactly(List.of("50"));
        }
        assertThat(replica.gtidExecuted()).isEqualTo(before);
    }

    @Test
    void theBackendIsReachedOverTlsAndACertificateFromAnotherCaIsRefusedClearly() throws Exception {
        TestCertificates certs = TestCertificates.create(java.nio.file.Files.createTempDirectory("sluice-meta-tls"));
        pipeline.useMetadataBackend(new MetadataBackend("127.0.0.1", replica.port(), META_USER, META_PASSWORD,
                new ClientTls(SslMode.REQUIRED, null, null, null, null, null)));
        try (Connection c = facade(""); Statement st = c.createStatement()) {
            assertThat(rows(c, "SHOW DATABASES")).contains(List.of("shop"));
            List<List<String>> sessions = replica.query("SELECT s.VARIABLE_VALUE FROM performance_schema.threads t "
                    + "JOIN performance_schema.status_by_thread s ON s.THREAD_ID = t.THREAD_ID "
                    + "AND s.VARIABLE_NAME = 'Ssl_version' WHERE t.PROCESSLIST_USER = '" + META_USER + "'");
            assertThat(sessions).isNotEmpty().allSatisfy(row -> assertThat(row.get(0)).startsWith("TLSv1."));
        }
        // the backend serves the certificate mysqld generated for itself, which the test CA did not sign
        pipeline.useMetadataBackend(new MetadataBackend("127.0.0.1", replica.port(), META_USER, META_PASSWORD,
                new ClientTls(SslMode.VERIFY_CA, null, certs.caPem().toString(), null, null, null)));
        try (Connection c = facade(""); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SHOW DATABASES"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Sluice's metadata backend 127.0.0.1:" + replica.port() + " is not available")
                    .hasMessageContaining("TLS to 127.0.0.1:" + replica.port() + " failed (VERIFY_CA): the server's "
                            + "certificate is not signed by the configured CA");
        } finally {
            pipeline.useMetadataBackend(new MetadataBackend("127.0.0.1", replica.port(), META_USER, META_PASSWORD));
        }
    }

    @Test
    void anUnreachableBackendIsAClearErrorAndTheSessionGoesOn() throws Exception {
        pipeline.useMetadataBackend(new MetadataBackend("127.0.0.1", replica.port(), META_USER, "wrong-password"));
        try (Connection c = facade(""); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SHOW DATABASES"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Sluice's metadata backend 127.0.0.1:" + replica.port() + " is not available")
                    .hasMessageContaining("1045")
                    .hasMessageNotContaining("wrong-password");
            assertThat(rows(c, "SELECT @@gtid_mode")).containsExactly(List.of("ON"));
        } finally {
            pipeline.useMetadataBackend(new MetadataBackend("127.0.0.1", replica.port(), META_USER, META_PASSWORD));
        }
    }
}
