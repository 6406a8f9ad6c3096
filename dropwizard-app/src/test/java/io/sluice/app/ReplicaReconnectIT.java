package io.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.MysqlVersion;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A MySQL replica of each version attached to the facade stays attached across a restart of the facade on the same
 * port: its receiver thread loses the connection, reconnects after {@code SOURCE_CONNECT_RETRY} (one second here)
 * with the GTID set it has (or, by file and position, with the position it reached), and catches up with what the source wrote meanwhile, nothing missing or applied twice.
 */
class ReplicaReconnectIT {
    private static SluicePipeline sluice;

    @BeforeAll
    static void start() throws Exception {
        sluice = SluicePipeline.start("sluice.binlog.replica-reconnect-it", 81);
        sluice.source.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50), n INT NOT NULL DEFAULT 0)");
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(sluice);
    }

    @ParameterizedTest
    @EnumSource(MysqlVersion.class)
    void catchesUpAfterTheFacadeRestarts(MysqlVersion version) throws Exception {
        int first = 1000 * (version.ordinal() + 1);
        try (MysqlServer replica = MysqlServer.start(version, 90 + version.ordinal())) {
            replica.startReplica("127.0.0.1", sluice.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD);
            insert(first, 10);
            replica.waitForGtids(sluice.source.gtidExecuted(), Duration.ofSeconds(90));

            sluice.facade.close();
            insert(first + 10, 10);
            // not idempotent: a transaction applied twice would show in the checksum
            sluice.source.execute("UPDATE shop.item SET n = n + 1 WHERE id >= " + first);
            Thread.sleep(2000); // the replica notices and retries in vain at least once
            sluice.facade.start();

            insert(first + 20, 5);
            replica.waitForGtids(sluice.source.gtidExecuted(), Duration.ofSeconds(90));
            assertThat(replica.gtidExecuted()).isEqualTo(sluice.source.gtidExecuted());
            assertThat(replica.checksumTables("shop")).isEqualTo(sluice.source.checksumTables("shop"));
            String io = version.sourceReplicaSyntax() ? "Replica_IO_Running" : "Slave_IO_Running";
            assertThat(replica.replicaStatus()).containsEntry(io, "Yes");
            replica.stopReplica();
        }
    }

    @ParameterizedTest
    @EnumSource(MysqlVersion.class)
    void byFileAndPositionResumesMidFileAfterTheFacadeRestarts(MysqlVersion version) throws Exception {
        int first = 10_000 + 1000 * (version.ordinal() + 1);
        String firstFile = sluice.source.query("SHOW BINARY LOGS").get(0).get(0);
        try (MysqlServer replica = MysqlServer.start(version, 95 + version.ordinal())) {
            replica.startReplica("127.0.0.1", sluice.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD,
                    "SOURCE_AUTO_POSITION=0", "SOURCE_LOG_FILE='" + firstFile + "'", "SOURCE_LOG_POS=4");
            insert(first, 10);
            replica.waitForGtids(sluice.source.gtidExecuted(), Duration.ofSeconds(90));

            sluice.facade.close();
            insert(first + 10, 10);
            sluice.source.execute("UPDATE shop.item SET n = n + 1 WHERE id >= " + first);
            Thread.sleep(2000);
            sluice.facade.start(); // the replica asks for the position it had reached, in the middle of the file

            insert(first + 20, 5);
            replica.waitForGtids(sluice.source.gtidExecuted(), Duration.ofSeconds(90));
            assertThat(replica.gtidExecuted()).isEqualTo(sluice.source.gtidExecuted());
            assertThat(replica.checksumTables("shop")).isEqualTo(sluice.source.checksumTables("shop"));
            // 8.0.27+ applies with 4 workers by default, whose executed position lags until their next checkpoint
            String exec = version.sourceReplicaSyntax() ? "Exec_Source_Log_Pos" : "Exec_Master_Log_Pos";
            String sourcePos = sluice.source.query("SHOW MASTER STATUS").get(0).get(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!sourcePos.equals(replica.replicaStatus().get(exec)) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(replica.replicaStatus()).containsEntry(exec, sourcePos);
            replica.stopReplica();
        }
    }

    private static void insert(int first, int n) {
        for (int id = first; id < first + n; id++) {
            sluice.source.execute("INSERT INTO shop.item (id, name) VALUES (" + id + ", 'item " + id + "')");
        }
    }
}
