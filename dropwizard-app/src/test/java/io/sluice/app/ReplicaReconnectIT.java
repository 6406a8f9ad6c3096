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
 * with the GTID set it has, and catches up with what the source wrote meanwhile, nothing missing or applied twice.
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

    private static void insert(int first, int n) {
        for (int id = first; id < first + n; id++) {
            sluice.source.execute("INSERT INTO shop.item (id, name) VALUES (" + id + ", 'item " + id + "')");
        }
    }
}
