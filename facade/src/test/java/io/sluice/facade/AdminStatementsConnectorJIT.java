package io.sluice.facade;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.kafka.binlog.Records;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordMeta;
import io.sluice.testkit.KafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The administrative statements through the real MySQL Connector/J driver, against a facade over a real topic
 * (in-JVM Kafka) whose first Kafka transaction was deleted: columns are read by name, as tools do.
 */
class AdminStatementsConnectorJIT {
    private static final String TOPIC = "admin.binlog";
    private static final String SOURCE = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final String REPLICA_UUID = "8a94f357-aab4-11df-86ab-c80aa9429562";
    private static KafkaCluster kafka;
    private static FacadeServer server;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaCluster.start(1);
        long second;
        try (Admin admin = kafka.admin()) {
            TopicManager.createOrVerify(admin, TopicSpec.embedded(TOPIC));
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientDefaults.transactionalProducer(
                    kafka.bootstrapServers(), "writer", TopicSpec.embedded(TOPIC), Map.of()))) {
                p.initTransactions();
                commit(p, GtidSet.EMPTY, List.of(
                        control("binlog.000001", EventType.FORMAT_DESCRIPTION, 4, 126),
                        control("binlog.000001", EventType.PREVIOUS_GTIDS, 126, 197),
                        txn("binlog.000001", 197, 500, 1)));
                second = commit(p, GtidSet.parse(SOURCE + ":1"), List.of(
                        txn("binlog.000001", 500, 800, 2),
                        control("binlog.000001", EventType.ROTATE, 800, 847)));
                commit(p, GtidSet.parse(SOURCE + ":1-2"), List.of(
                        control("binlog.000002", EventType.FORMAT_DESCRIPTION, 4, 126),
                        control("binlog.000002", EventType.PREVIOUS_GTIDS, 126, 197),
                        txn("binlog.000002", 197, 400, 3)));
            }
            admin.deleteRecords(Map.of(new TopicPartition(TOPIC, 0), RecordsToDelete.beforeOffset(second)))
                    .all().get();
        }
        FacadeConfig config = new FacadeConfig("127.0.0.1", 0, 4242, "5f0c6c1e-3f43-11ef-9e2a-0242ac120002",
                "8.0.31-sluice", TOPIC, KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()), 100,
                1 << 20, 1 << 30);
        server = new FacadeServer(config, user -> Optional.ofNullable(Map.of("repl", "pw").get(user)));
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void binaryLogsAreTheFilesTheTopicHolds() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString("Log_name") + " " + rs.getLong("File_size") + " " + rs.getString("Encrypted"));
            }
            assertThat(rows).containsExactly("binlog.000001 847 No", "binlog.000002 400 No");
        }
    }

    @Test
    void gtidPurgedAndGtidSubtract() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT @@global.gtid_purged AS purged")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("purged")).isEqualTo(SOURCE + ":1");
            }
            try (ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES LIKE 'gtid_purged'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("Variable_name")).isEqualTo("gtid_purged");
                assertThat(rs.getString("Value")).isEqualTo(SOURCE + ":1");
            }
            try (ResultSet rs = st.executeQuery("SELECT GTID_SUBTRACT(@@global.gtid_executed, '" + SOURCE
                    + ":1') AS missing")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("missing")).isEqualTo(SOURCE + ":2-3");
            }
            assertThatThrownBy(() -> st.executeQuery("SELECT GTID_SUBTRACT('nonsense', '')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessage("Malformed GTID set specification 'nonsense'.")
                    .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1772);
        }
    }

    @Test
    void replicasAndProcessList() throws SQLException {
        ReplicaRegistry.Entry replica = server.registry().add(9999, "10.0.0.12");
        replica.user = "repl";
        replica.serverId = 17;
        replica.reportHost = "replica-1";
        replica.reportPort = 3306;
        replica.uuid = REPLICA_UUID;
        try (Connection c = connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SHOW REPLICAS")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("Server_Id")).isEqualTo(17);
                assertThat(rs.getString("Host")).isEqualTo("replica-1");
                assertThat(rs.getInt("Port")).isEqualTo(3306);
                assertThat(rs.getLong("Source_Id")).isEqualTo(4242);
                assertThat(rs.getString("Replica_UUID")).isEqualTo(REPLICA_UUID);
                assertThat(rs.next()).isFalse();
            }
            long self;
            try (ResultSet rs = st.executeQuery("SELECT CONNECTION_ID() AS id")) {
                assertThat(rs.next()).isTrue();
                self = rs.getLong("id");
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SHOW PROCESSLIST")) {
                while (rs.next()) {
                    rows.add(rs.getLong("Id") + " " + rs.getString("User") + " " + rs.getString("Command") + " "
                            + rs.getString("db") + " " + rs.getLong("Time") + " " + rs.getString("Info"));
                    assertThat(rs.getString("Host")).isNotEmpty();
                    assertThat(rs.getString("State")).isNotNull();
                }
            }
            assertThat(rows).contains(self + " repl Query null 0 SHOW PROCESSLIST");
            assertThat(rows).anyMatch(r -> r.startsWith("9999 repl Sleep"));
            st.execute("KILL 9999");
            assertThatThrownBy(() -> st.execute("KILL 9999"))
                    .isInstanceOf(SQLException.class)
                    .hasMessage("Unknown thread id: 9999");
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + server.port() + "/?user=repl&password=pw"
                + "&useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000&socketTimeout=60000");
    }

    private static Object[] control(String file, int type, long start, long end) {
        return new Object[] {RecordMeta.control(file, end), event(type, start, end)};
    }

    private static Object[] txn(String file, long start, long end, long gno) {
        return new Object[] {RecordMeta.transaction(file, end, Gtid.parse(SOURCE + ":" + gno)),
                event(EventType.GTID, start, end)};
    }

    /** A v4 event header (timestamp, type, server_id, event_size, log_pos, flags) padded to its size. */
    private static byte[] event(int type, long start, long end) {
        ByteBuffer b = ByteBuffer.allocate((int) Math.max(end - start, 19)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).put((byte) type).putInt(1).putInt((int) (end - start)).putInt((int) end).putShort((short) 0);
        return b.array();
    }

    /** One Kafka transaction whose first record is a checkpoint; returns the offset of that first record. */
    private static long commit(KafkaProducer<byte[], byte[]> p, GtidSet before, List<Object[]> records)
            throws Exception {
        p.beginTransaction();
        long first = -1;
        for (int i = 0; i < records.size(); i++) {
            RecordMeta meta = (RecordMeta) records.get(i)[0];
            if (i == 0) {
                meta = meta.withCheckpoint(before, event(EventType.FORMAT_DESCRIPTION, 4, 126), SOURCE);
            }
            long offset = p.send(new ProducerRecord<>(TOPIC, 0, null, null, (byte[]) records.get(i)[1],
                    Records.headers(meta))).get().offset();
            if (first < 0) {
                first = offset;
            }
        }
        p.commitTransaction();
        return first;
    }
}
