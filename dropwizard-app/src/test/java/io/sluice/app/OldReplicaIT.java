package io.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.MysqlVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replicas of MySQL 8.0 releases that know only the {@code master_}/{@code slave_} spellings ({@code CHANGE MASTER
 * TO … MASTER_AUTO_POSITION=1}, {@code START SLAVE}, {@code SET @master_heartbeat_period}, {@code SELECT
 * @master_binlog_checksum}, {@code SET @slave_uuid}) replicate an 8.0.31 source through Sluice: same {@code
 * gtid_executed}, same {@code CHECKSUM TABLE}, with GTID auto-positioning and by file and position.
 */
class OldReplicaIT {
    private static SluicePipeline sluice;

    @BeforeAll
    static void start() throws Exception {
        sluice = SluicePipeline.start("sluice.binlog.old-replica-it", 51);
        sluice.source.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50), price DECIMAL(8,2), note TEXT,"
                        + " added DATETIME(3), doc JSON)");
        workload(0, 50);
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(sluice);
    }

    @ParameterizedTest
    @EnumSource(value = MysqlVersion.class, names = {"V8_0_15", "V8_0_12"})
    void catchesUpThroughSluice(MysqlVersion version) {
        int serverId = 60 + version.ordinal();
        try (MysqlServer replica = MysqlServer.start(version, serverId)) {
            assertThat(replica.queryString("SELECT VERSION()")).startsWith(version.version());
            replica.startReplica("127.0.0.1", sluice.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD);
            int first = 1000 * (version.ordinal() + 1);
            workload(first, 30);
            sluice.source.execute("UPDATE shop.item SET name = CONCAT(name, '!'), doc = JSON_SET(doc, '$.v', 2)"
                    + " WHERE id % 3 = 0", "DELETE FROM shop.item WHERE id % 7 = 0");
            replica.waitForGtids(sluice.source.gtidExecuted(), Duration.ofSeconds(90));
            assertThat(replica.gtidExecuted()).isEqualTo(sluice.source.gtidExecuted());
            assertThat(replica.checksumTables("shop")).isEqualTo(sluice.source.checksumTables("shop"));
            assertThat(replica.replicaStatus()).containsEntry("Slave_IO_Running", "Yes")
                    .containsEntry("Slave_SQL_Running", "Yes");
            replica.stopReplica();
        }
    }

    @ParameterizedTest
    @EnumSource(value = MysqlVersion.class, names = {"V8_0_15", "V8_0_12"})
    void catchesUpByFileAndPositionThroughSluice(MysqlVersion version) {
        int serverId = 70 + version.ordinal();
        String firstFile = sluice.source.query("SHOW BINARY LOGS").get(0).get(0);
        try (MysqlServer replica = MysqlServer.start(version, serverId)) {
            replica.startReplica("127.0.0.1", sluice.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD,
                    "SOURCE_AUTO_POSITION=0", "SOURCE_LOG_FILE='" + firstFile + "'", "SOURCE_LOG_POS=4");
            workload(5000 + 1000 * version.ordinal(), 20);
            replica.waitForGtids(sluice.source.gtidExecuted(), Duration.ofSeconds(90));
            assertThat(replica.gtidExecuted()).isEqualTo(sluice.source.gtidExecuted());
            assertThat(replica.checksumTables("shop")).isEqualTo(sluice.source.checksumTables("shop"));
            // the replica counts in the source's own files and positions
            List<String> status = sluice.source.query("SHOW MASTER STATUS").get(0);
            Map<String, String> replicaStatus = replica.replicaStatus();
            assertThat(replicaStatus).containsEntry("Master_Log_File", status.get(0))
                    .containsEntry("Read_Master_Log_Pos", status.get(1))
                    .containsEntry("Exec_Master_Log_Pos", status.get(1));
            replica.stopReplica();
        }
    }

    private static void workload(int first, int n) {
        for (int id = first; id < first + n; id++) {
            sluice.source.execute("INSERT INTO shop.item VALUES (" + id + ", 'item " + id + "', " + id + ".5, REPEAT('x', "
                    + id % 300 + "), NOW(3), JSON_OBJECT('id', " + id + ", 'v', 1))");
        }
    }
}
