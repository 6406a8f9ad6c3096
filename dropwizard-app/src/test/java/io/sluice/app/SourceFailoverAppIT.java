package io.sluice.app;

import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Source failover seen by a downstream replica: Sluice syncs from source A, which has a direct MySQL replica B;
 * A dies, B is promoted and takes writes; Sluice continues from B and the replica attached to Sluice ends with
 * B's gtid_executed and table checksums, without any change on its side.
 */
class SourceFailoverAppIT {
    private static final Logger LOG = LoggerFactory.getLogger(SourceFailoverAppIT.class);

    @Test
    void replicasOfSluiceFollowASourceFailover() throws Exception {
        try (KafkaCluster kafka = KafkaCluster.start(3);
             MysqlServer a = MysqlServer.start(81);
             MysqlServer b = MysqlServer.start(82);
             MysqlServer downstream = MysqlServer.start(83)) {
            a.createUser("repl", "repl-pass", "caching_sha2_password");
            b.createUser("repl", "repl-pass", "caching_sha2_password");
            b.replicateFrom(a, "repl", "repl-pass");
            try (TestApp app = TestApp.start(kafka.bootstrapServers(), "sluice.binlog.failover")) {
                int facadePort = app.facadePort;
                HttpResponse<String> put = app.call("PUT", "/api/v1/syncer", "{\"source\": {\"host\": "
                        + "\"127.0.0.1\", \"port\": " + a.port() + ", \"user\": \"repl\", \"password\": "
                        + "\"repl-pass\"}, \"candidates\": [{\"host\": \"127.0.0.1\", \"port\": " + b.port()
                        + "}]}");
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
                downstream.startReplica("127.0.0.1", facadePort, "repl", "repl-pass");

                a.execute("CREATE DATABASE inv", "CREATE TABLE inv.stock (id INT PRIMARY KEY, qty INT)");
                for (int i = 0; i < 300; i++) {
                    a.execute("INSERT INTO inv.stock VALUES (" + i + ", " + i + ")");
                }
                b.waitForGtids(a.gtidExecuted(), Duration.ofSeconds(60));
                downstream.waitForGtids(a.gtidExecuted(), Duration.ofSeconds(60));

                long killedAt = System.nanoTime();
                a.kill();
                b.stopReplica();
                b.execute("UPDATE inv.stock SET qty = qty + 1 WHERE id < 100",
                        "INSERT INTO inv.stock VALUES (1000, 1)");
                downstream.waitForGtids(b.gtidExecuted(), Duration.ofSeconds(90));
                LOG.info("source failover seen downstream: {} ms from killing the source to the replica of Sluice "
                        + "having the new primary's writes", (System.nanoTime() - killedAt) / 1_000_000);
                for (int i = 0; i < 100; i++) {
                    b.execute("INSERT INTO inv.stock VALUES (" + (2000 + i) + ", 0)");
                }
                downstream.waitForGtids(b.gtidExecuted(), Duration.ofSeconds(60));
                assertThat(downstream.gtidExecuted()).isEqualTo(b.gtidExecuted());
                assertThat(downstream.checksumTables("inv")).isEqualTo(b.checksumTables("inv"));
                assertThat(downstream.replicaStatus().get("Last_IO_Errno")).isEqualTo("0");
                String status = app.call("GET", "/api/v1/syncer", null).body();
                assertThat(status).contains("\"currentSource\":{\"host\":\"127.0.0.1\",\"port\":" + b.port())
                        .contains("\"failovers\":1").doesNotContain("repl-pass");
            }
        }
    }
}
