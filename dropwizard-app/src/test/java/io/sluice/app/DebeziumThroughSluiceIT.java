package io.sluice.app;

import io.sluice.app.DebeziumCapture.Change;
import io.sluice.facade.MetadataBackend;
import io.sluice.testkit.MysqlServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium's MySQL connector (embedded engine) pointed at Sluice produces the same change events as pointed at the
 * source itself. Sluice's facade answers the connector's replication statements and its binlog client, and forwards
 * its schema and snapshot statements to a metadata backend: a real MySQL replica of Sluice. Two captures run side by
 * side, one on the source and one on Sluice, over the same snapshot and the same workload.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebeziumThroughSluiceIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String DBZ_USER = "debezium";
    private static final String DBZ_PASSWORD = io.sluice.testkit.TestPasswords.used("dbz-pass");
    private static SluicePipeline pipeline;
    private static MysqlServer source;
    private static MysqlServer replica;

    @BeforeAll
    static void start() throws Exception {
        pipeline = SluicePipeline.start("sluice.binlog.debezium-it", 91);
        source = pipeline.source;
        // the privileges Debezium documents for its user (RELOAD for the snapshot's global read lock)
        source.execute("SET SESSION sql_log_bin = 0",
                "CREATE USER '" + DBZ_USER + "'@'%' IDENTIFIED WITH caching_sha2_password BY '" + DBZ_PASSWORD + "'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO '"
                        + DBZ_USER + "'@'%'");
        source.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50), price DECIMAL(10,2),"
                        + " created DATETIME(3), doc JSON, data BLOB)",
                "INSERT INTO shop.item VALUES (1, 'apple', 1.50, '2024-01-02 03:04:05.678', '{\"a\": 1}', 0x0102)",
                "INSERT INTO shop.item VALUES (2, 'pear', NULL, '2024-05-06 07:08:09.000', NULL, NULL)",
                "CREATE DATABASE other", "CREATE TABLE other.t (id INT PRIMARY KEY)", "INSERT INTO other.t VALUES (1)");
        replica = MysqlServer.start(92);
        replica.execute("SET SESSION sql_log_bin = 0",
                "CREATE USER 'meta'@'%' IDENTIFIED WITH caching_sha2_password BY 'meta-pass'",
                "GRANT SELECT, RELOAD, LOCK TABLES, SHOW VIEW, REPLICATION CLIENT ON *.* TO 'meta'@'%'");
        replica.startReplica("127.0.0.1", pipeline.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD);
        replica.waitForGtids(source.gtidExecuted(), TIMEOUT);
        pipeline.useMetadataBackend(new MetadataBackend("127.0.0.1", replica.port(), "meta", "meta-pass"));
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(replica, pipeline);
    }

    private static DebeziumCapture direct(long serverId, String snapshotMode, Map<String, String> overrides) {
        return DebeziumCapture.start(source.host(), source.port(), DBZ_USER, DBZ_PASSWORD, serverId, "shop",
                snapshotMode, overrides);
    }

    private static DebeziumCapture throughSluice(long serverId, String snapshotMode, Map<String, String> overrides) {
        return DebeziumCapture.start("127.0.0.1", pipeline.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD,
                serverId, "shop", snapshotMode, overrides);
    }

    @Test
    @Order(1)
    void initialSnapshotThenStreamingGiveTheSameEventsAsTheSource() throws Exception {
        try (DebeziumCapture direct = direct(5501, "initial", Map.of());
             DebeziumCapture sluice = throughSluice(5502, "initial", Map.of())) {
            direct.awaitStreaming(TIMEOUT);
            sluice.awaitStreaming(TIMEOUT);
            List<Change> directSnapshot = direct.awaitEvents(2, TIMEOUT);
            List<Change> sluiceSnapshot = sluice.awaitEvents(2, TIMEOUT);
            // the snapshot: the backend's rows, as the source's, with the position Sluice pinned to the backend
            assertThat(sluiceSnapshot).extracting(Change::op).containsExactly("r", "r");
            assertThat(sluiceSnapshot).extracting(Change::withoutCoordinates)
                    .isEqualTo(directSnapshot.stream().map(Change::withoutCoordinates).toList());
            assertThat(sluiceSnapshot).extracting(Change::file).containsOnly(directSnapshot.get(0).file());

            workload();
            List<Change> fromSource = direct.awaitEvents(2 + 8, TIMEOUT).subList(2, 10);
            List<Change> fromSluice = sluice.awaitEvents(2 + 8, TIMEOUT).subList(2, 10);
            assertThat(fromSource).extracting(Change::op).containsExactly("c", "u", "d", "c", "c", "u", "d", "c");
            // the same events to the letter: row images, the source's GTIDs, the source's files and positions
            assertThat(fromSluice).isEqualTo(fromSource);
            assertThat(fromSluice).allSatisfy(c -> assertThat(c.gtid()).startsWith(source.serverUuid() + ":"));
            // nothing more on either side (other.t is not captured)
            Thread.sleep(500);
            assertThat(sluice.changes()).hasSize(10);
            assertThat(direct.changes()).hasSize(10);
            assertThat(sluice.failure()).isNull();
        }
    }

    @Test
    @Order(2)
    void withoutASnapshotBothStreamTheWholeBinlogAlike() throws Exception {
        // Debezium 3.6's equivalent of the former snapshot.mode=never: stream from the first binlog file
        Map<String, String> streamOnly = Map.of(
                "snapshot.mode.configuration.based.snapshot.schema", "false",
                "snapshot.mode.configuration.based.snapshot.data", "false",
                "snapshot.mode.configuration.based.start.stream", "true");
        source.execute("INSERT INTO shop.item (id, name) VALUES (100, 'before both')");
        try (DebeziumCapture direct = direct(5503, "configuration_based", streamOnly);
             DebeziumCapture sluice = throughSluice(5504, "configuration_based", streamOnly)) {
            direct.awaitStreaming(TIMEOUT);
            sluice.awaitStreaming(TIMEOUT);
            source.execute("INSERT INTO shop.item (id, name) VALUES (101, 'after both')");
            String last = pipeline.lastSourceGtid();
            List<Change> fromSource = awaitGtid(direct, last);
            List<Change> fromSluice = awaitGtid(sluice, last);
            assertThat(fromSluice).isEqualTo(fromSource);
            assertThat(fromSluice).extracting(c -> c.after() == null ? null : c.after().get("id"))
                    .contains(1, 2, 100, 101);
        }
    }

    /** All changes up to the one of {@code gtid}. */
    private static List<Change> awaitGtid(DebeziumCapture capture, String gtid) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (capture.changes().stream().noneMatch(c -> gtid.equals(c.gtid()))) {
            assertThat(capture.failure()).isNull();
            assertThat(System.nanoTime()).as("%s streamed by now; got %s", gtid, capture.changes())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
        return capture.changes();
    }

    /** Inserts, an update, a delete, a multi-statement transaction, and DDL then a row in the new shape. */
    private static void workload() {
        source.execute("INSERT INTO shop.item VALUES (3, 'plum', 0.99, '2025-12-31 23:59:59.999',"
                + " '[1, \"x\", null]', 0xdeadbeef)");
        source.execute("UPDATE shop.item SET name = 'apple2', price = 2.25 WHERE id = 1");
        source.execute("DELETE FROM shop.item WHERE id = 2");
        source.execute("BEGIN",
                "INSERT INTO shop.item VALUES (4, 'fig', 4.00, '2000-01-01 00:00:00.001', '{}', '')",
                "INSERT INTO shop.item VALUES (5, 'kiwi', 5.55, NULL, '{\"k\": [true, false]}', 0x00ff)",
                "UPDATE shop.item SET doc = JSON_OBJECT('b', 'two'), price = 1.00 WHERE id = 3",
                "DELETE FROM shop.item WHERE id = 4",
                "COMMIT");
        source.execute("INSERT INTO other.t VALUES (2)");
        source.execute("ALTER TABLE shop.item ADD COLUMN stock INT NOT NULL DEFAULT 7");
        source.execute("INSERT INTO shop.item (id, name, stock) VALUES (6, 'lime', 42)");
    }
}
