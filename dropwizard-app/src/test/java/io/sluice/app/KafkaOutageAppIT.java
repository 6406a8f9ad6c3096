package io.sluice.app;

import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Brokers going away under a running Sluice with a replica attached: with one broker of three down replication
 * goes on; with two down (min.insync.replicas lost) the syncer cannot write, while the facade keeps the replica
 * connected with everything committed before; with the brokers back everything catches up, nothing lost.
 */
class KafkaOutageAppIT {
    @Test
    void replicationSurvivesBrokersGoingAndComing() throws Exception {
        try (KafkaCluster kafka = KafkaCluster.start(3);
             MysqlServer source = MysqlServer.start(91);
             MysqlServer replica = MysqlServer.start(92)) {
            source.createUser("repl", "repl-pass", "caching_sha2_password");
            try (TestApp app = TestApp.start(kafka.bootstrapServers(), "sluice.binlog.outage")) {
                int facadePort = app.facadePort;
                HttpResponse<String> put = app.call("PUT", "/api/v1/syncer", "{\"source\": {\"host\": "
                        + "\"127.0.0.1\", \"port\": " + source.port() + ", \"user\": \"repl\", \"password\": "
                        + "\"repl-pass\"}}");
                assertThat(put.statusCode()).isEqualTo(200);
                source.execute("CREATE DATABASE o", "CREATE TABLE o.t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)");
                replica.startReplica("127.0.0.1", facadePort, "repl", "repl-pass");

                AtomicBoolean writing = new AtomicBoolean(true);
                AtomicInteger rows = new AtomicInteger();
                CompletableFuture<Void> workload = CompletableFuture.runAsync(() -> {
                    while (writing.get()) {
                        source.execute("INSERT INTO o.t (v) VALUES (" + rows.incrementAndGet() + ")");
                    }
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> rows.get() > 200);
                replica.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(60));

                kafka.stopBroker(0);
                int mark = rows.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> rows.get() > mark + 200);
                replica.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(60));

                kafka.stopBroker(1);
                String beforeOutage = replica.gtidExecuted();
                int outageMark = rows.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> rows.get() > outageMark + 300);
                // the source keeps writing; the replica stays connected to Sluice and has lost nothing
                assertThat(replica.replicaStatus().get("Replica_IO_Running")).isEqualTo("Yes");
                assertThat(GtidSet.parse(replica.gtidExecuted()).containsAll(GtidSet.parse(beforeOutage))).isTrue();

                kafka.startBroker(1);
                kafka.startBroker(0);
                writing.set(false);
                workload.get();
                try {
                    replica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(3));
                } catch (IllegalStateException e) {
                    // say where the transactions stopped: in the syncer (its GTID set), or between the topic and
                    // the replica (the facade's view of it)
                    throw new AssertionError(e.getMessage() + "\nsyncer: "
                            + app.call("GET", "/api/v1/syncer", null).body() + "\nreplicas: "
                            + app.call("GET", "/api/v1/replicas", null).body(), e);
                }
                assertThat(replica.gtidExecuted()).isEqualTo(source.gtidExecuted());
                assertThat(replica.checksumTables("o")).isEqualTo(source.checksumTables("o"));
            }
        }
    }
}
