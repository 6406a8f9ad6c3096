package io.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three Sluice nodes as real processes on one three-broker Kafka cluster: exactly one runs the syncer, every one
 * serves replicas, and when the leader is killed (SIGKILL) another resumes the syncer while the replicas on the
 * other nodes never stop; the replica of the killed node, re-pointed, continues with no gap.
 */
class ClusterIT {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterIT.class);
    private static final String TOPIC = "sluice.binlog.cluster";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaCluster kafka;
    private static MysqlServer source;
    private static final List<SluiceNode> nodes = new ArrayList<>();
    private static final List<MysqlServer> replicas = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaCluster.start(3);
        source = MysqlServer.start(51);
        source.createUser("repl", "repl-pass", "caching_sha2_password");
        Path dir = Files.createTempDirectory("sluice-cluster");
        List<CompletableFuture<SluiceNode>> starting = new ArrayList<>();
        for (String name : List.of("node-a", "node-b", "node-c")) {
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return SluiceNode.start(name, kafka.bootstrapServers(), TOPIC, dir);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<SluiceNode> f : starting) {
            nodes.add(f.get());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (MysqlServer r : replicas) {
            r.close();
        }
        for (SluiceNode n : nodes) {
            n.close();
        }
        if (source != null) {
            source.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static JsonNode json(SluiceNode node, String path) throws Exception {
        var r = node.get(path);
        assertThat(r.statusCode()).as("%s %s: %s", node, path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static Map<String, String> states(SluiceNode node) throws Exception {
        Map<String, String> states = new HashMap<>();
        for (JsonNode m : json(node, "/api/v1/cluster").get("members")) {
            states.put(m.get("nodeId").asText(), m.get("state").asText() + "/" + m.get("role").asText());
        }
        return states;
    }

    @Test
    void oneSyncerEveryNodeServesAndTheLeaderCanDie() throws Exception {
        source.execute("CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(64))");
        var put = nodes.get(1).put("/api/v1/syncer", "{\"source\": {\"host\": \"127.0.0.1\", \"port\": "
                + source.port() + ", \"user\": \"repl\", \"password\": \"repl-pass\"}, \"serverId\": 1001}");
        assertThat(put.statusCode()).isEqualTo(200);

        // exactly one leader, seen alike by every node; all ONLINE
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (SluiceNode n : nodes) {
                Map<String, String> s = states(n);
                assertThat(s).hasSize(3);
                assertThat(s.values()).allMatch(v -> v.startsWith("ONLINE/"));
                assertThat(s.values().stream().filter(v -> v.endsWith("/PRIMARY")).count()).isEqualTo(1);
            }
        });
        String leaderName = json(nodes.get(0), "/api/v1/cluster").get("leader").asText();
        for (SluiceNode n : nodes) {
            assertThat(json(n, "/api/v1/cluster").get("leader").asText()).isEqualTo(leaderName);
        }
        SluiceNode leader = nodes.stream().filter(n -> n.name().equals(leaderName)).findFirst().orElseThrow();
        List<SluiceNode> others = nodes.stream().filter(n -> n != leader).toList();
        JsonNode topic = json(others.get(0), "/api/v1/cluster").get("topic");
        assertThat(topic.get("inSyncReplicas")).hasSize(3);
        assertThat(topic.get("minInsyncReplicas").asInt()).isEqualTo(2);
        assertThat(topic.get("writable").asBoolean()).isTrue();
        // any node reports the syncer that runs on the leader
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(json(others.get(0), "/api/v1/syncer").get("state").asText()).isEqualTo("RUNNING"));

        // the facade speaks Group Replication's view
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + others.get(0).facadePort()
                + "/?user=repl&password=repl-pass&sslMode=DISABLED&allowPublicKeyRetrieval=true");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM performance_schema.replication_group_members")) {
            int rows = 0;
            int primaries = 0;
            while (rs.next()) {
                rows++;
                assertThat(rs.getString("MEMBER_STATE")).isEqualTo("ONLINE");
                assertThat(rs.getString("MEMBER_HOST")).isEqualTo("127.0.0.1");
                primaries += "PRIMARY".equals(rs.getString("MEMBER_ROLE")) ? 1 : 0;
            }
            assertThat(rows).isEqualTo(3);
            assertThat(primaries).isEqualTo(1);
        }

        // a replica on every node
        for (int i = 0; i < nodes.size(); i++) {
            MysqlServer r = MysqlServer.start(60 + i);
            replicas.add(r);
            r.startReplica("127.0.0.1", nodes.get(i).facadePort(), "repl", "repl-pass");
        }
        MysqlServer onLeader = replicas.get(nodes.indexOf(leader));
        List<MysqlServer> onOthers = replicas.stream().filter(r -> r != onLeader).toList();

        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> workload = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (writing.get() || i < 1500) {
                source.execute("INSERT INTO app.t VALUES (" + i + ", 'v" + i + "')");
                i++;
                if (i >= 4000) {
                    break;
                }
            }
        });
        // every replica connected before the watch starts (a replica starts in "Connecting")
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (MysqlServer r : replicas) {
                assertThat(r.replicaStatus().get("Replica_IO_Running")).isEqualTo("Yes");
            }
        });
        ConcurrentLinkedQueue<String> stops = new ConcurrentLinkedQueue<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            while (watching.get()) {
                for (MysqlServer r : onOthers) {
                    Map<String, String> s = r.replicaStatus();
                    if (!"Yes".equals(s.get("Replica_IO_Running"))) {
                        stops.add(r + ": " + s.get("Replica_IO_Running") + " " + s.get("Last_IO_Error"));
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        await().atMost(Duration.ofSeconds(60))
                .until(() -> io.sluice.model.gtid.GtidSet.parse(source.gtidExecuted()).count() >= 300);
        long killedAt = System.nanoTime();
        leader.kill();
        SluiceNode survivor = others.get(0);
        long before = json(survivor, "/api/v1/syncer").path("transactions").asLong(0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            JsonNode cluster = json(survivor, "/api/v1/cluster");
            assertThat(cluster.get("leader").asText()).isNotEqualTo(leaderName).isNotEqualTo("null");
            JsonNode syncer = json(survivor, "/api/v1/syncer");
            assertThat(syncer.get("state").asText()).isEqualTo("RUNNING");
            assertThat(syncer.get("transactions").asLong()).isPositive().isNotEqualTo(before);
        });
        long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        LOG.info("leader failover: {} ms from SIGKILL of {} to the first transaction written by the new leader "
                + "(as seen through the REST API, 500 ms heartbeats)", failoverMs, leaderName);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(states(survivor).get(leaderName)).startsWith("UNREACHABLE"));

        // the replica of the dead node is pointed at a survivor and continues
        onLeader.execute("STOP REPLICA");
        onLeader.execute("CHANGE REPLICATION SOURCE TO SOURCE_PORT=" + survivor.facadePort(), "START REPLICA");

        writing.set(false);
        workload.get();
        for (MysqlServer r : replicas) {
            r.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(3));
            assertThat(r.gtidExecuted()).isEqualTo(source.gtidExecuted());
            assertThat(r.checksumTables("app")).isEqualTo(source.checksumTables("app"));
        }
        watching.set(false);
        watcher.get();
        assertThat(stops).as("replicas of the surviving nodes stopped").isEmpty();
    }
}
