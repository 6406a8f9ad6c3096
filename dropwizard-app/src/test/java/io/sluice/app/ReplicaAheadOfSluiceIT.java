package io.sluice.app;

import io.sluice.testkit.MysqlServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replicas re-pointed from the source to Sluice while Sluice is behind the source (here: its syncer stopped while
 * the source went on) are not refused: their dump waits for the syncer, then goes on, by GTID auto-position and by
 * file and position alike.
 */
class ReplicaAheadOfSluiceIT {
    private static SluicePipeline pipeline;
    private static MysqlServer source;
    private static MysqlServer byGtid;
    private static MysqlServer byPosition;

    @BeforeAll
    static void start() throws Exception {
        pipeline = SluicePipeline.start("sluice.binlog.replica-ahead-it", 111);
        source = pipeline.source;
        source.execute("CREATE DATABASE shop", "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50))");
        byGtid = MysqlServer.start(112);
        byPosition = MysqlServer.start(113);
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(byGtid, byPosition, pipeline);
    }

    @Test
    void replicasAheadOfTheTopicWaitForTheSyncerInsteadOfFailing() throws Exception {
        byGtid.startReplica("127.0.0.1", source.port(), SluicePipeline.USER, SluicePipeline.PASSWORD);
        byPosition.startReplica("127.0.0.1", source.port(), SluicePipeline.USER, SluicePipeline.PASSWORD,
                "SOURCE_AUTO_POSITION=0", "SOURCE_LOG_FILE='" + source.query("SHOW BINARY LOGS").get(0).get(0) + "'",
                "SOURCE_LOG_POS=4");
        insert(0, 10);
        byGtid.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(60));
        byPosition.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(60));

        // Sluice falls behind: its syncer stops while the source (and its direct replicas) go on, past a rotation
        pipeline.syncer.close();
        insert(10, 10);
        source.execute("FLUSH BINARY LOGS");
        insert(20, 10);
        byGtid.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(60));
        byPosition.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(60));

        // both are re-pointed at Sluice from where they are
        byGtid.stopReplica();
        byGtid.startReplica("127.0.0.1", pipeline.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD);
        Map<String, String> at = byPosition.replicaStatus(); // before STOP REPLICA and RESET REPLICA ALL
        byPosition.stopReplica();
        byPosition.startReplica("127.0.0.1", pipeline.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD,
                "SOURCE_AUTO_POSITION=0", "SOURCE_LOG_FILE='" + at.get("Relay_Source_Log_File") + "'",
                "SOURCE_LOG_POS=" + at.get("Exec_Source_Log_Pos"));
        Thread.sleep(2000);
        for (MysqlServer r : new MysqlServer[] {byGtid, byPosition}) {
            assertThat(r.replicaStatus().get("Last_IO_Error")).as("while Sluice catches up").isEmpty();
        }

        pipeline.syncer.start();
        insert(30, 5);
        for (MysqlServer r : new MysqlServer[] {byGtid, byPosition}) {
            r.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(60));
            Map<String, String> status = r.replicaStatus();
            assertThat(status.get("Last_IO_Error")).isEmpty();
            assertThat(status.get("Replica_IO_Running")).isEqualTo("Yes");
            assertThat(status.get("Source_Port")).isEqualTo(Integer.toString(pipeline.facadePort));
            assertThat(r.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                byPosition.replicaStatus().get("Exec_Source_Log_Pos"))
                .isEqualTo(source.query("SHOW MASTER STATUS").get(0).get(1)));
    }

    private static void insert(int first, int n) {
        for (int id = first; id < first + n; id++) {
            source.execute("INSERT INTO shop.item VALUES (" + id + ", 'item " + id + "')");
        }
    }
}
